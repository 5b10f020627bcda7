"""Staff pages for the organisations directory: search, an organisation's page with its
complaints contact (editable, with a reason), its referral history and how quickly it
answers. They show referrals, so they live in casework; the directory itself is contacts'."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.shortcuts import get_object_or_404, redirect, render

from casework.exceptions import CaseworkError
from casework.referrals import services as referrals
from casework.referrals.forms import ComplaintsContactForm
from casework.referrals.models import Referral
from casework.workflow import REFERRAL_OUTSTANDING
from config.roles import CASEWORK_ROLES, role_required
from contacts.models import Organisation

PAGE_SIZE = 25


@role_required(*CASEWORK_ROLES)
def organisation_list(request):
    query = request.GET.get("q", "").strip()
    orgs = Organisation.objects.all()
    if query:
        orgs = orgs.filter(
            Q(name__icontains=query) | Q(ods_code__iexact=query) | Q(postcode__iexact=query)
        )
    page = Paginator(orgs.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "casework/organisations/list.html", {"query": query, "page": page})


def responsiveness(org: Organisation) -> dict:
    """How quickly the organisation answers referrals, aggregated in the database."""
    stats = Referral.objects.filter(organisation=org, sent_on__isnull=False).aggregate(
        sent=Count("pk"),
        outstanding=Count("pk", filter=Q(status__in=REFERRAL_OUTSTANDING)),
        acknowledged=Count("pk", filter=Q(acknowledged_on__isnull=False)),
        acknowledged_in_time=Count("pk", filter=Q(acknowledged_on__lte=F("acknowledgement_due"))),
        answered=Count("pk", filter=Q(response_received_on__isnull=False)),
        answered_in_time=Count("pk", filter=Q(response_received_on__lte=F("response_due"))),
        average_to_answer=Avg(
            ExpressionWrapper(
                F("response_received_on") - F("sent_on"), output_field=DurationField()
            ),
            filter=Q(response_received_on__isnull=False),
        ),
    )
    average = stats.pop("average_to_answer")
    stats["average_days_to_answer"] = (
        round(average.total_seconds() / 86400, 1) if average is not None else None
    )
    return stats


@role_required(*CASEWORK_ROLES)
def organisation_detail(request, pk):
    org = get_object_or_404(Organisation.objects.select_related("parent"), pk=pk)
    history = (
        Referral.objects.visible_to(request.user)
        .filter(organisation=org)
        .select_related("case")
        .order_by("-created_at")[:100]
    )
    return render(
        request,
        "casework/organisations/detail.html",
        {"organisation": org, "referrals": history, "stats": responsiveness(org)},
    )


@role_required(*CASEWORK_ROLES)
def organisation_contact_edit(request, pk):
    org = get_object_or_404(Organisation, pk=pk)
    form = ComplaintsContactForm(
        request.POST or None,
        initial={
            "complaints_contact_name": org.complaints_contact_name,
            "complaints_contact_email": org.complaints_contact_email,
            "complaints_contact_address": org.complaints_contact_address,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referrals.update_complaints_contact(
                org,
                name=data["complaints_contact_name"],
                email=data["complaints_contact_email"],
                address=data["complaints_contact_address"],
                by=request.user,
                reason=data["reason"],
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Complaints contact saved.")
            return redirect("organisation_detail", pk=org.pk)
    return render(
        request, "casework/organisations/contact_edit.html", {"organisation": org, "form": form}
    )
