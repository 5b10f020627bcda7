"""The triage queue pages, and the one place contact attachments are served from.

The queue holds contacts no case scopes yet, so it is for the unit-wide roles (customer care
officers and complaints managers). Attachments are served only to a user who may see the
contact: anyone unit-wide for a contact still in triage, or someone who can see its case.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from casework.access import serve_private_file
from casework.exceptions import CaseworkError
from casework.models import Case
from casework.triage import services as triage
from casework.workflow import CaseKind
from config.roles import CASEWORK_ROLES, UNIT_WIDE_ROLES, has_role, role_required
from contacts.fields import OrganisationField
from contacts.models import Contact, ContactAttachment, Organisation, Priority, TriageStatus


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(
        label="Priority",
        choices=Priority.choices,
        widget=forms.RadioSelect,
        help_text="Urgent clinical and safeguarding concerns e-mail the duty manager at once",
        error_messages={"required": "Select a priority"},
    )


class AttachForm(forms.Form):
    case_reference = forms.CharField(
        label="Case reference",
        max_length=20,
        help_text="For example, COMP-2026-000045",
        error_messages={"required": "Enter the reference of the case to attach it to"},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_case_reference(self):
        reference = self.cleaned_data["case_reference"].strip().upper()
        case = Case.objects.visible_to(self.user).filter(reference=reference).first()
        if case is None:
            raise forms.ValidationError(
                f"There is no case {reference} that you can see. Check the reference"
            )
        self.case = case
        return reference


class OpenCaseForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of case?",
        choices=[("", "Choose…")] + CaseKind.choices,
        error_messages={"required": "Choose what kind of case to open"},
    )
    organisation = OrganisationField(
        label="Organisation it is about",
        queryset=Organisation.objects.open(),
        required=False,
        help_text="ODS code or name; leave it empty if not known yet",
    )


class ResolveForm(forms.Form):
    note = forms.CharField(
        label="How was it resolved?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say how the contact was resolved"},
    )


ACTIONS = {
    "priority": PriorityForm,
    "attach": AttachForm,
    "open_case": OpenCaseForm,
    "resolve": ResolveForm,
}


@role_required(*UNIT_WIDE_ROLES)
def queue(request):
    contacts = list(triage.waiting_contacts()[:200])
    now = timezone.now()
    for contact in contacts:
        contact.waited = now - contact.contacted_at
    return render(request, "casework/triage/queue.html", {"contacts": contacts, "now": now})


@role_required(*UNIT_WIDE_ROLES)
def contact_detail(request, pk):
    contact = get_object_or_404(
        Contact.objects.select_related("person", "triaged_by", "case").prefetch_related(
            "attachments"
        ),
        pk=pk,
        case__isnull=True,
    )
    proposed_kind = triage.DECLARED_KIND_TO_CASE_KIND.get(contact.declared_kind, "")
    bound_action = request.POST.get("action") if request.method == "POST" else None
    forms_ = {}
    for action, form_class in ACTIONS.items():
        kwargs = {"user": request.user} if form_class is AttachForm else {}
        if action == bound_action:
            forms_[action] = form_class(request.POST, prefix=action, **kwargs)
        else:
            initial = {
                "priority": {"priority": contact.priority},
                "open_case": {"kind": proposed_kind},
            }.get(action)
            forms_[action] = form_class(prefix=action, initial=initial, **kwargs)

    if bound_action in forms_ and contact.triage_status == TriageStatus.WAITING:
        form = forms_[bound_action]
        if form.is_valid():
            try:
                return _act(request, contact, bound_action, form)
            except CaseworkError as error:
                form.add_error(None, str(error))
    return render(
        request,
        "casework/triage/contact.html",
        {
            "contact": contact,
            "is_waiting": contact.triage_status == TriageStatus.WAITING,
            "bound_form": forms_.get(bound_action),
            **{f"{name}_form": form for name, form in forms_.items()},
        },
    )


def _act(request, contact, action, form):
    by, at = request.user, timezone.now()
    data = form.cleaned_data
    if action == "priority":
        triage.set_priority(contact, data["priority"], by=by, at=at)
        messages.success(request, f"Priority set to {Priority(data['priority']).label.lower()}.")
        return redirect("triage_contact", pk=contact.pk)
    if action == "attach":
        triage.attach_to_case(contact, form.case, by=by, at=at)
        messages.success(request, f"Contact attached to case {form.case.reference}.")
        return redirect("case_detail", reference=form.case.reference)
    if action == "open_case":
        case = triage.open_case_from_contact(
            contact, kind=data["kind"], by=by, at=at, organisation=data["organisation"]
        )
        messages.success(request, f"Case {case.reference} opened from the contact.")
        return redirect("case_detail", reference=case.reference)
    triage.resolve_on_the_spot(contact, by=by, at=at, note=data["note"])
    messages.success(request, "Contact resolved and taken off the queue.")
    return redirect("triage_queue")


@role_required(*CASEWORK_ROLES)
def attachment_download(request, pk):
    """Always a download (never shown inline) with the type worked out from the content."""
    attachment = get_object_or_404(ContactAttachment.objects.select_related("contact__case"), pk=pk)
    contact = attachment.contact
    if contact.case_id:
        allowed = Case.objects.visible_to(request.user).filter(pk=contact.case_id).exists()
    else:
        allowed = has_role(request.user, *UNIT_WIDE_ROLES)
    if not allowed:
        raise Http404("No such file, or not one you can see.")
    return serve_private_file(
        request,
        attachment.file,
        attachment.original_name,
        case=contact.case,
        object_id=attachment.pk,
        content_type=attachment.content_type,
    )
