"""Pages for data protection: who accessed a case, who may see it, retention review and
destruction, and the subject access export. Managers (and administrators for retention)."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from casework.access import EXPORT, case_access, person_access, record_access
from casework.exceptions import CaseworkError
from casework.models import Case, RestrictionReason
from casework.records.models import DestructionDecision
from casework.records.services import destroy_case, subject_access_data, update_case_protection
from config.roles import ADMINISTRATOR, CASEWORK_ROLES, MANAGER, role_required
from core.pdf import render_pdf


@case_access(MANAGER, action=None)
def case_access_log(request, case):
    """Who has looked at, downloaded or exported this case, newest first, and a summary per
    person (counted in the database)."""
    rows = case.access_logs.select_related("user").order_by("-at", "-id")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    by_user = (
        case.access_logs.values("user__username", "user__first_name", "user__last_name")
        .annotate(count=Count("id"), last=Max("at"))
        .order_by("-last")
    )
    return render(
        request,
        "casework/case_access_log.html",
        {"case": case, "page": page, "by_user": by_user},
    )


class ProtectionForm(forms.Form):
    restricted = forms.BooleanField(
        label="Only named staff may see this case",
        required=False,
        help_text="For a complaint by or about a member of staff, a public figure, or "
        "safeguarding. Nobody else will find it in any list or search.",
    )
    restriction_reason = forms.ChoiceField(
        label="Why it is restricted",
        choices=[("", "Choose…")] + RestrictionReason.choices,
        required=False,
    )
    restricted_to = forms.ModelMultipleChoiceField(
        label="Staff who may see it",
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You are added automatically.",
    )
    litigation_hold = forms.BooleanField(
        label="Under litigation: keep beyond the retention period",
        required=False,
    )
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the reason for the change"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["restricted_to"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=CASEWORK_ROLES)
            .distinct()
            .order_by("first_name", "last_name")
        )
        self.fields["restricted_to"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean(self):
        data = super().clean()
        if data.get("restricted") and not data.get("restriction_reason"):
            self.add_error("restriction_reason", "Select why the case is restricted")
        return data


@case_access(MANAGER, action=None)
def case_protection(request, case):
    """Restrict a case to named staff, and set litigation hold."""
    form = ProtectionForm(
        request.POST or None,
        initial={
            "restricted": case.restricted,
            "restriction_reason": case.restriction_reason,
            "restricted_to": list(case.restricted_to.all()),
            "litigation_hold": case.litigation_hold,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_case_protection(case, by=request.user, at=timezone.now(), **form.cleaned_data)
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Access and retention settings saved.")
            return redirect("case_detail", reference=case.reference)
    return render(request, "casework/case_protection.html", {"case": case, "form": form})


@role_required(MANAGER, ADMINISTRATOR)
def retention_review(request):
    """Cases past their retention period, for a recorded decision each. Only coded facts are
    listed (reference, kind, dates, outcome), so administrators can review them too."""
    today = timezone.localdate()
    due = Case.objects.past_retention(today).order_by("closed_on", "id")
    held = (
        Case.objects.filter(litigation_hold=True, destroyed_on__isnull=True)
        .exclude(closed_on__isnull=True)
        .order_by("closed_on")
    )
    return render(
        request,
        "casework/retention_review.html",
        {
            "today": today,
            "due": Paginator(due, 100).get_page(request.GET.get("page")),
            "held": held[:200],
            "decisions": DestructionDecision.objects.select_related("decided_by")[:50],
        },
    )


class DestructionForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the decision",
        help_text="For example: reviewed, no litigation, no further need (Records Management "
        "Code of Practice).",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the decision"},
    )
    confirm = forms.BooleanField(
        label="I understand the personal data on this case will be destroyed for good",
        error_messages={"required": "Confirm that the personal data will be destroyed"},
    )


@role_required(MANAGER, ADMINISTRATOR)
def retention_destroy(request, reference):
    today = timezone.localdate()
    case = Case.objects.past_retention(today).filter(reference=reference).first()
    if case is None:
        raise Http404("No case with that reference is due for destruction.")
    form = DestructionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            destroy_case(
                case, by=request.user, at=timezone.now(), reason=form.cleaned_data["reason"]
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Personal data on {case.reference} destroyed and recorded.")
            return redirect("retention_review")
    return render(request, "casework/retention_destroy.html", {"case": case, "form": form})


@person_access(MANAGER, action=None)
def subject_access(request, person):
    return render(request, "casework/subject_access.html", {"person": person})


@person_access(MANAGER, action=None)
def subject_access_pdf(request, person):
    data = subject_access_data(person, request.user)
    record_access(
        request, EXPORT, object_type="person", object_id=person.pk, detail="Subject access (PDF)"
    )
    pdf = render_pdf(
        "pdf/subject_access.html", {"data": data, "person": person, "now": timezone.now()}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-person-{person.pk}.pdf"'
    )
    return response


@person_access(MANAGER, action=None)
def subject_access_json(request, person):
    data = subject_access_data(person, request.user)
    record_access(
        request, EXPORT, object_type="person", object_id=person.pk, detail="Subject access (JSON)"
    )
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-person-{person.pk}.json"'
    )
    return response
