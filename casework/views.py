"""Staff pages: my work, logging a contact, the case list and case page, people.

Views are thin: they check the role and scope case data to the user through
`casework.access` (`case_access`, `person_access`, `people_visible_to`, which also record each
view in the access log), parse input with a form, call a service or selector, render.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from casework import deadlines
from casework.complaints import services as complaints
from config.roles import (
    CASEWORK_ROLES,
    COMMISSIONER,
    MANAGER,
    has_role,
    role_required,
)
from core.pagination import CappedPaginator

from . import selectors, services
from .access import (
    case_access,
    find_people,
    people_visible_to,
    person_access,
)
from .exceptions import CaseworkError, EditConflict, TransitionNotAllowed
from .filters import CaseFilter
from .forms import (
    NEW_CASE,
    AddPartyForm,
    CaseDetailsForm,
    ContactForm,
    PersonForm,
    StatusChangeForm,
)
from .models import Case, PartyRole
from .workflow import CaseKind, Status, allowed_next

PAGE_SIZE = 25


def home(request):
    """Everyone lands here after signing in; commissioners go to their reports."""
    if not request.user.is_authenticated:
        return redirect("login")
    if has_role(request.user, *CASEWORK_ROLES):
        return my_work(request)
    if has_role(request.user, COMMISSIONER):
        return redirect("reports:overview")
    if request.user.is_staff:
        return redirect("admin:index")
    raise PermissionDenied("Your account has no role yet. Ask an administrator to give you one.")


@role_required(*CASEWORK_ROLES)
def my_work(request):
    today = timezone.localdate()
    return render(
        request,
        "casework/my_work.html",
        {
            "today": today,
            "due_now": _with_days_left(selectors.due_now(request.user, today)[:50], today),
            "my_cases": _with_days_left(selectors.my_open_cases(request.user)[:50], today),
            "recent_contacts": selectors.recent_contacts(request.user),
        },
    )


def _with_days_left(cases, today):
    cases = list(cases)
    for case in cases:
        case.days_left = deadlines.working_days_left(case.due_on, today) if case.due_on else None
    return cases


@role_required(*CASEWORK_ROLES)
def log_contact(request):
    """Step 1: find the person (or choose a new one). Step 2: the contact form."""
    person = None
    person_id = request.GET.get("person") or request.POST.get("person_id")
    new_person = request.GET.get("new") == "1" or request.POST.get("new_person") == "1"
    if person_id:
        if not str(person_id).isdigit():
            raise Http404("No such person.")
        person = get_object_or_404(people_visible_to(request.user, pk=person_id))
    if person is None and not new_person:
        query = request.GET.get("q", "")
        people = find_people(request.user, query, limit=20) if query else []
        return render(
            request,
            "casework/contact_find_person.html",
            {"query": query, "results": selectors.with_case_summaries(request.user, people)},
        )

    open_cases = list(selectors.person_cases(request.user, person).unfinished()) if person else []
    person_form = PersonForm(request.POST or None) if new_person else None
    form = ContactForm(request.POST or None, open_cases=open_cases)
    if request.method == "POST":
        forms_valid = form.is_valid() & (person_form.is_valid() if person_form else True)
        if forms_valid:
            try:
                contact = _save_contact(request, form, person, person_form, open_cases)
            except CaseworkError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Contact logged on case {contact.case.reference}.")
                return redirect("case_detail", reference=contact.case.reference)
    return render(
        request,
        "casework/contact_form.html",
        {
            "form": form,
            "person_form": person_form,
            "person": person,
            "open_cases": open_cases,
            "earlier_contacts": selectors.person_contacts(request.user, person)[:5]
            if person
            else [],
        },
    )


@transaction.atomic
def _save_contact(request, form, person, person_form, open_cases):
    data = form.cleaned_data
    now = timezone.now()
    if person_form is not None:
        person = services.create_person(
            by=request.user,
            reason="Person added while logging a contact",
            **person_form.cleaned_data,
        )
    case = None
    if data["case_choice"] != NEW_CASE:
        case = next(c for c in open_cases if c.reference == data["case_choice"])
    return services.log_contact(
        by=request.user,
        at=now,
        channel=data["channel"],
        contacted_at=data["contacted_at"],
        summary=data["summary"],
        person=person,
        relationship=data["relationship"],
        case=case,
        new_case_kind=data["kind"] or None,
        organisation=data["organisation"],
        service_area=data["service_area"],
        from_organisation=data["from_organisation"],
    )


@role_required(*CASEWORK_ROLES)
def case_list(request):
    case_filter = CaseFilter(request.GET or None, queryset=selectors.cases_for(request.user))
    cases = (
        case_filter.qs
        if case_filter.is_bound and case_filter.is_valid()
        else (
            selectors.cases_for(request.user) if not case_filter.is_bound else Case.objects.none()
        )
    )
    page = CappedPaginator(cases.order_by("-received_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = _with_days_left(page.object_list, timezone.localdate())
    query = request.GET.copy()
    query.pop("page", None)
    paginator = page.paginator
    return render(
        request,
        "casework/case_list.html",
        {
            "filter": case_filter,
            "page": page,
            "total_label": (
                f"More than {paginator.cap:,} cases"
                if paginator.capped
                else f"{paginator.count} case{pluralize(paginator.count)}"
            ),
            "query_string": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


@case_access(*CASEWORK_ROLES, queryset=selectors.case_page_queryset)
def case_detail(request, case):
    from .complaints.views import available_actions

    selectors.with_case_lists(case)
    today = timezone.localdate()
    days_left = deadlines.working_days_left(case.due_on, today) if case.due_on else None
    is_complaint = case.kind == CaseKind.COMPLAINT
    representatives = [p for p in case.parties.all() if p.role == PartyRole.REPRESENTATIVE]
    all_contacts = request.GET.get("contacts") == "all"
    all_history = request.GET.get("history") == "all"
    return render(
        request,
        "casework/case_detail.html",
        {
            "case": case,
            "today": today,
            "days_left": days_left,
            "people": selectors.people_on_case(case),
            **_contacts_shown(case, all_contacts),
            **_history_shown(case, all_history),
            # Each "show all" link keeps the other tab's choice.
            "all_contacts_query": "?contacts=all" + ("&history=all" if all_history else ""),
            "all_history_query": "?history=all" + ("&contacts=all" if all_contacts else ""),
            "can_change_status": not is_complaint and bool(allowed_next(case.kind, case.status)),
            "actions": available_actions(case, request.user, today),
            "needs_holding_letter": services.needs_holding_letter(case, today),
            "response_deadline": services.response_deadline(case) if is_complaint else None,
            "representatives": representatives,
            "consent_missing": {p.pk for p in representatives if complaints.lacks_consent(p)}
            if is_complaint
            else set(),
        },
    )


def _contacts_shown(case, show_all: bool) -> dict:
    """The Contacts tab and the timeline: the newest contacts and events (oldest first) with
    a link to them all, or everything."""
    if show_all:
        contacts = selectors.case_contacts(case)
        return {
            "contacts": contacts,
            "contacts_more": False,
            "timeline": selectors.timeline(case, contacts),
            "timeline_more": False,
        }
    contacts = selectors.case_contacts(case, limit=selectors.CONTACTS_SHOWN)
    events = selectors.timeline(case, contacts)
    shown = events[-selectors.CONTACTS_SHOWN :]
    return {
        "contacts": contacts,
        "contacts_more": case.contact_count > len(contacts),
        "timeline": shown,
        "timeline_more": case.contact_count + len(events) - len(contacts) > len(shown),
    }


# The History tab shows the latest changes; a link shows them all (a long-running case can
# have hundreds, and the page must stay quick for the usual visit).
HISTORY_SHOWN = 50


def _history_shown(case, show_all: bool) -> dict:
    if show_all:
        return {"history": selectors.case_history(case), "history_more": False}
    history, more = selectors.latest_case_history(case, HISTORY_SHOWN)
    return {"history": history, "history_more": more}


@case_access(*CASEWORK_ROLES)
def case_edit(request, case):
    """Edit details and coding. The form carries the case's history version: if someone else
    saved in between, the save is refused, their changes are shown, and what this user typed
    is kept on the form to save again (optimistic locking)."""
    instance = Case.objects.get(pk=case.pk)
    form = CaseDetailsForm(
        request.POST or None, instance=instance, initial={"version": services.case_version(case)}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        subjects = data.pop("subjects")
        staff_groups = data.pop("staff_groups")
        version = data.pop("version")
        try:
            services.update_case_details(
                case,
                by=request.user,
                reason=reason,
                subjects=subjects,
                staff_groups=staff_groups,
                expected_version=version,
                **data,
            )
        except EditConflict as error:
            conflict = error
            # Keep everything typed; only the version moves on, so saving again is a
            # deliberate choice made after seeing the other change.
            posted = request.POST.copy()
            posted["version"] = str(error.current_version)
            form = CaseDetailsForm(posted, instance=Case.objects.get(pk=case.pk))
            form.is_valid()
            form.add_error(None, str(error))
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Case details saved.")
            return redirect("case_detail", reference=case.reference)
    return render(
        request, "casework/case_edit.html", {"case": case, "form": form, "conflict": conflict}
    )


@case_access(*CASEWORK_ROLES)
def case_change_status(request, case):
    form = StatusChangeForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        new_status = form.cleaned_data["new_status"]
        try:
            if new_status == Status.ESCALATED:
                complaint = services.escalate_to_complaint(
                    case, by=request.user, at=timezone.now(), reason=form.cleaned_data["reason"]
                )
            else:
                services.change_status(
                    case,
                    new_status,
                    by=request.user,
                    at=timezone.now(),
                    reason=form.cleaned_data["reason"],
                    outcome=form.cleaned_data["outcome"],
                )
        except (CaseworkError, TransitionNotAllowed) as error:
            form.add_error(None, str(error))
        else:
            if new_status == Status.ESCALATED:
                messages.success(request, f"Escalated to formal complaint {complaint.reference}.")
                return redirect("case_detail", reference=complaint.reference)
            messages.success(request, "Status changed.")
            return redirect("case_detail", reference=case.reference)
    return render(request, "casework/case_status.html", {"case": case, "form": form})


@case_access(*CASEWORK_ROLES)
def case_add_person(request, case):
    """Add someone already on file to a case; find them by search first."""
    query = request.GET.get("q", "")
    visible = people_visible_to(request.user)
    results = find_people(request.user, query, limit=20) if query else []
    form = AddPartyForm(request.POST or None, people=visible, case=case)
    if request.method == "POST":
        if form.is_valid():
            services.add_party(
                case,
                form.cleaned_data["person"],
                form.cleaned_data["role"],
                by=request.user,
                relationship=form.cleaned_data["relationship"],
                reason=form.cleaned_data.get("reason", ""),
            )
            messages.success(request, f"{form.cleaned_data['person'].full_name} added to the case.")
            return redirect("case_detail", reference=case.reference)
    return render(
        request,
        "casework/case_add_person.html",
        {"case": case, "query": query, "results": results, "form": form},
    )


@role_required(*CASEWORK_ROLES)
def person_search(request):
    query = request.GET.get("q", "")
    people = find_people(request.user, query, limit=50) if query else []
    return render(
        request,
        "casework/person_search.html",
        {"query": query, "results": selectors.with_case_summaries(request.user, people)},
    )


@person_access(*CASEWORK_ROLES)
def person_detail(request, person):
    cases = _with_days_left(selectors.person_cases(request.user, person), timezone.localdate())
    contacts = list(selectors.person_contacts(request.user, person)[:100])
    return render(
        request,
        "casework/person_detail.html",
        {
            "person": person,
            "cases": cases,
            "contacts": contacts,
            "log_url": reverse("log_contact") + f"?person={person.pk}",
        },
    )


@role_required(MANAGER)
def deadlines_at_risk(request):
    """Every unfinished case due within the next 5 working days or overdue, in deadline
    order, and every complaint that needs the 6-month holding letter (reg 14(4))."""
    today = timezone.localdate()
    horizon = deadlines.add_working_days(today, 5)
    at_risk = _with_days_left(
        selectors.cases_for(request.user).due_by(horizon).order_by("due_on", "received_on")[:500],
        today,
    )
    six_months_ago = deadlines.add_months(today, -6)
    holding = [
        case
        for case in selectors.cases_for(request.user)
        .filter(
            kind=CaseKind.COMPLAINT, received_on__lte=six_months_ago, response_sent_on__isnull=True
        )
        .unfinished()
        .order_by("received_on")[:500]
        if services.needs_holding_letter(case, today)
    ]
    return render(
        request,
        "casework/deadlines_at_risk.html",
        {"today": today, "horizon": horizon, "cases": at_risk, "holding": holding},
    )
