"""E-mail intake: read the unit's published mailbox over IMAP; each message becomes a contact.

For each message not yet marked as imported:

1. The raw message is fetched without changing its \\Seen flag (BODY.PEEK[]).
2. If its Message-ID (or, when it has none, a hash of the raw bytes) is already on a contact,
   it was imported before (perhaps the marking failed): it is only marked.
3. Otherwise it is parsed: the body (text/plain preferred, else the HTML with the markup
   stripped) becomes the contact's summary and each attachment a ContactAttachment. If the
   subject carries a case reference, `match_case(subject)` (supplied by casework) may attach
   the contact to that case; otherwise it waits in triage.
4. A message that cannot be read is never dropped: its raw .eml is kept on a contact waiting in
   triage with the reason, and it is reported in the result (and the log).
5. Only after the database transaction commits is the message marked with the IMAP keyword
   `PalsImported`, so a crash in between leaves it to be read again, and the Message-ID stops
   it being imported twice.

`contacts` knows nothing of casework, so case matching is passed in as a function.
"""

import email
import email.policy
import hashlib
import html
import imaplib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from core.history import save_with_reason

from .filetypes import EML
from .intake import add_attachment
from .models import Channel, Contact, TriageStatus

logger = logging.getLogger(__name__)

IMPORTED_KEYWORD = "PalsImported"


@dataclass
class IntakeResult:
    imported: list[Contact] = field(default_factory=list)
    matched: list[Contact] = field(default_factory=list)
    already_imported: int = 0
    # (IMAP UID, reason) for each message kept raw because it could not be read.
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class MailboxSettings:
    host: str
    port: int
    user: str
    password: str
    mailbox: str = "INBOX"
    use_ssl: bool = True

    @classmethod
    def from_settings(cls) -> "MailboxSettings":
        return cls(
            host=settings.INTAKE_IMAP_HOST,
            port=settings.INTAKE_IMAP_PORT,
            user=settings.INTAKE_IMAP_USER,
            password=settings.INTAKE_IMAP_PASSWORD,
            mailbox=settings.INTAKE_IMAP_MAILBOX,
            use_ssl=settings.INTAKE_IMAP_SSL,
        )


class MailIntakeError(Exception):
    """The mailbox could not be reached or read. Messages imported before the failure are
    committed and marked; the rest are read on the next run."""


def _check(response, what: str):
    status, data = response
    if status != "OK":
        raise MailIntakeError(f"The mail server refused to {what}: {data!r}")
    return data


def _connect(mailbox: MailboxSettings) -> imaplib.IMAP4:
    cls = imaplib.IMAP4_SSL if mailbox.use_ssl else imaplib.IMAP4
    try:
        client = cls(mailbox.host, mailbox.port, timeout=60)
    except OSError as error:
        raise MailIntakeError(f"Could not reach {mailbox.host}:{mailbox.port}: {error}") from error
    try:
        client.login(mailbox.user, mailbox.password)
    except imaplib.IMAP4.error as error:
        raise MailIntakeError(f"The mail server refused the login: {error}") from error
    _check(client.select(_quote(mailbox.mailbox)), f"open the folder {mailbox.mailbox}")
    return client


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fetch_mail(
    mailbox: MailboxSettings | None = None,
    *,
    match_case: Callable[[str], object | None] | None = None,
    now: datetime | None = None,
) -> IntakeResult:
    """Import every message in the mailbox not yet marked as imported; see the module doc."""
    mailbox = mailbox or MailboxSettings.from_settings()
    result = IntakeResult()
    client = _connect(mailbox)
    try:
        data = _check(client.uid("SEARCH", None, "UNKEYWORD", IMPORTED_KEYWORD), "search")
        uids = data[0].split() if data and data[0] else []
        for uid in uids:
            uid = uid.decode()
            data = _check(client.uid("FETCH", uid, "(BODY.PEEK[])"), f"fetch message {uid}")
            raw = next((part[1] for part in data if isinstance(part, tuple)), None)
            if raw is None:
                raise MailIntakeError(f"The mail server sent no content for message {uid}")
            _import_one(uid, raw, result, match_case, now or timezone.now())
            # Marked only once the contact is committed (the import above ran in its own
            # transaction); if marking fails, the Message-ID stops a second import.
            _check(client.uid("STORE", uid, "+FLAGS", f"({IMPORTED_KEYWORD})"), "mark")
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return result


def _message_key(message: EmailMessage | None, raw: bytes) -> str:
    message_id = ""
    if message is not None:
        try:
            message_id = str(message.get("Message-ID", "") or "").strip()
        except Exception:  # noqa: BLE001 - an unreadable header falls back to the hash
            message_id = ""
    return message_id[:998] or f"sha256:{hashlib.sha256(raw).hexdigest()}"


def _import_one(uid, raw, result, match_case, now) -> None:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    key = _message_key(message, raw)
    if Contact.objects.filter(message_id=key).exists():
        result.already_imported += 1
        return
    try:
        with transaction.atomic():
            contact = _contact_from_message(message, key, match_case, now)
    except Exception as error:  # noqa: BLE001 - any unreadable message is kept, not dropped
        reason = f"{type(error).__name__}: {error}"
        logger.warning("E-mail %s (uid %s) could not be read: %s", key, uid, reason)
        with transaction.atomic():
            _keep_unreadable(raw, key, reason, now)
        result.problems.append((uid, reason))
        return
    result.imported.append(contact)
    if contact.case_id:
        result.matched.append(contact)


def _sender(message: EmailMessage) -> tuple[str, str]:
    addresses = getaddresses([str(message.get("From", ""))])
    name, address = addresses[0] if addresses else ("", "")
    if address and "@" not in address:
        address = ""
    return name[:200], address[:254]


def _received_at(message: EmailMessage, now: datetime) -> datetime:
    try:
        sent = parsedate_to_datetime(str(message["Date"]))
    except (TypeError, ValueError, IndexError):
        return now
    if sent.tzinfo is None:
        sent = timezone.make_aware(sent)
    # A sender's clock running fast must not put the contact in the future.
    return min(sent, now)


def _body_text(message: EmailMessage) -> str:
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        return plain.get_content().strip()
    rich = message.get_body(preferencelist=("html",))
    if rich is not None:
        text = re.sub(r"(?is)<(script|style).*?</\1>", "", rich.get_content())
        text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", text)
        text = html.unescape(strip_tags(text))
        return re.sub(r"\n\s*\n\s*\n+", "\n\n", text).strip()
    return ""


def _contact_from_message(message, key, match_case, now) -> Contact:
    subject = str(message.get("Subject", "") or "").strip()
    name, address = _sender(message)
    body = _body_text(message)
    case = match_case(subject) if (match_case and subject) else None
    contact = Contact(
        channel=Channel.EMAIL,
        contacted_at=_received_at(message, now),
        summary=body or "(The e-mail had no text.)",
        sender_name=name,
        sender_email=address,
        message_id=key,
        email_subject=subject[:998],
    )
    if case is not None:
        contact.case = case
        contact.organisation = getattr(case, "organisation", None)
        contact.triage_status = TriageStatus.ATTACHED
        contact.triaged_at = now
        reason = f"E-mail matched to {case} by its subject line"
    else:
        contact.triage_status = TriageStatus.WAITING
        reason = "E-mail received into the triage queue"
    save_with_reason(contact, None, reason)
    for part in message.iter_attachments():
        data = part.get_content()
        if isinstance(data, str):
            data = data.encode(part.get_content_charset() or "utf-8", errors="replace")
        elif isinstance(data, EmailMessage):
            data = data.as_bytes()
        add_attachment(
            contact,
            name=part.get_filename() or "attachment",
            data=data,
            reason="Attached to the e-mail",
        )
    return contact


def _keep_unreadable(raw: bytes, key: str, reason: str, now: datetime) -> Contact:
    contact = Contact(
        channel=Channel.EMAIL,
        contacted_at=now,
        summary=(
            "This e-mail could not be read automatically. Open the original message "
            "(attached) to see what it says."
        ),
        message_id=key,
        triage_status=TriageStatus.WAITING,
        intake_problem=reason,
    )
    try:
        contact.email_subject = str(
            email.message_from_bytes(raw, policy=email.policy.compat32).get("Subject", "")
        )[:998]
    except Exception:  # noqa: BLE001 - the subject is a convenience only
        pass
    save_with_reason(contact, None, "E-mail that could not be read kept for triage")
    add_attachment(
        contact, name="original-message.eml", data=raw, content_type=EML, reason="Original e-mail"
    )
    return contact
