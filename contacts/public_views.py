"""The public feedback form at /feedback/: no sign-in, works without JavaScript.

A submission becomes a contact waiting in triage with a contact reference (see
docs/decisions/0004-public-form-reference.md). The confirmation page shows only the
submission this browser session made; nobody can look one up by reference.
"""

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.client_address import client_ip

from . import intake
from .models import Contact, DeclaredKind
from .public_forms import SOMEONE_ELSE, PublicFeedbackForm

SESSION_KEY = "public_feedback_contact"


def _rate_key(request) -> str:
    return f"public-feedback-rate:{client_ip(request) or 'unknown'}"


def _over_rate_limit(request) -> bool:
    return cache.get(_rate_key(request), 0) >= settings.PUBLIC_FORM_RATE_LIMIT


def _count_submission(request) -> None:
    key = _rate_key(request)
    # add() starts the window only if none is running; incr() is atomic on Redis.
    cache.add(key, 0, timeout=settings.PUBLIC_FORM_RATE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.PUBLIC_FORM_RATE_WINDOW_SECONDS)


@require_http_methods(["GET", "POST"])
def feedback(request):
    # Bound on every POST, even an empty one, so an empty submission shows its errors.
    form = (
        PublicFeedbackForm(request.POST, request.FILES)
        if request.method == "POST"
        else PublicFeedbackForm()
    )
    status = 200
    if request.method == "POST":
        if _over_rate_limit(request):
            form.is_valid()
            form.add_error(
                None,
                "We have had several messages from your connection in the last hour, so we "
                "cannot accept another just now. Try again in an hour, or phone us.",
            )
            status = 429
        elif form.is_spam:
            _count_submission(request)
            form.is_valid()
            form.add_error(
                None,
                "We could not accept this form because a field meant for computer programs "
                "was filled in. Phone us if you are a person having trouble with the form.",
            )
            status = 400
        elif form.is_valid():
            contact = _save(form)
            _count_submission(request)
            request.session[SESSION_KEY] = contact.pk
            return redirect("public_feedback_done")
        if request.FILES.get("attachment") and "attachment" not in form.errors:
            # Browsers never send a chosen file back, so say so rather than lose it silently.
            form.add_error(
                "attachment",
                "Choose your file again – we could not keep it because there was a problem "
                "with the form",
            )
    return render(request, "contacts/public/feedback_form.html", {"form": form}, status=status)


def _save(form) -> Contact:
    data = form.cleaned_data
    on_behalf = data["who_for"] == SOMEONE_ELSE
    return intake.record_public_submission(
        at=timezone.now(),
        attachment=data.get("attachment"),
        summary=data["details"],
        declared_kind=data["kind"],
        sender_name=data["your_name"],
        sender_email=data["email"],
        sender_phone=data["phone"],
        on_behalf=on_behalf,
        patient_name=data["patient_name"] if on_behalf else "",
        patient_date_of_birth=data["patient_date_of_birth"] if on_behalf else None,
        relationship_to_patient=data["relationship"] if on_behalf else "",
        representative_basis=data["representative_basis"] if on_behalf else "",
        event_date=data["event_date"],
        about_organisation=data["organisation"],
    )


def feedback_done(request):
    contact_id = request.session.get(SESSION_KEY)
    contact = Contact.objects.filter(pk=contact_id).first() if contact_id else None
    if contact is None:
        return redirect("public_feedback")
    return render(
        request,
        "contacts/public/feedback_done.html",
        {"contact": contact, "is_complaint": contact.declared_kind == DeclaredKind.COMPLAINT},
    )
