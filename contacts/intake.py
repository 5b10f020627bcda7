"""Writes for the channels the public use directly: the public form and the mailbox.

Every contact written here arrives with no case and waits in triage. Like the casework
services, each write records who (None: the public, or the system) and why in its history.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from core.history import save_with_reason

from .filetypes import detect_content_type
from .models import Channel, Contact, ContactAttachment, TriageStatus


def add_attachment(
    contact: Contact, *, name: str, data: bytes, by=None, reason: str = "", content_type=""
) -> ContactAttachment:
    """Store a file for `contact` through Django's storage API under a random path; the content
    type is worked out from the bytes unless the caller knows better (a raw e-mail)."""
    attachment = ContactAttachment(
        contact=contact,
        original_name=(name or "attachment")[:255],
        content_type=content_type or detect_content_type(data),
        size=len(data),
    )
    attachment.file.save(name or "attachment", ContentFile(data), save=False)
    save_with_reason(attachment, by, reason or f"File {attachment.original_name} received")
    return attachment


@transaction.atomic
def record_public_submission(*, at, attachment=None, **details) -> Contact:
    """A submission from the public form: a contact waiting in triage with a reference the
    person can quote, and an acknowledgement e-mailed once the transaction commits."""
    contact = Contact(
        channel=Channel.WEB_FORM,
        contacted_at=at,
        triage_status=TriageStatus.WAITING,
        **details,
    )
    save_with_reason(contact, None, "Received through the public form")
    contact.reference = f"WEB-{at.year}-{contact.pk:06d}"
    save_with_reason(contact, None, f"Reference {contact.reference} given")
    if attachment is not None:
        add_attachment(
            contact,
            name=attachment.name,
            data=attachment.read(),
            reason="Uploaded with the public form",
        )
    if contact.sender_email:
        transaction.on_commit(lambda: send_public_acknowledgement(contact))
    return contact


def send_public_acknowledgement(contact: Contact) -> None:
    """Confirm receipt to the person. This is not the reg 13 acknowledgement of a complaint
    (SI 2009/309 reg 13(1), with the offer to discuss handling): staff send that after triage,
    within 3 working days of the day the form was received."""
    context = {"contact": contact, "organisation_name": settings.ORGANISATION_NAME}
    send_mail(
        subject=f"We have received your message – reference {contact.reference}",
        message=render_to_string("contacts/public/acknowledgement_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[contact.sender_email],
    )
