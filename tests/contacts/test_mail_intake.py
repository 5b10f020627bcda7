"""E-mail intake against a real IMAP server: Debian's dovecot, started here on loopback with a
throwaway configuration, messages put in with IMAP APPEND, then the intake run (twice)."""

import getpass
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from casework.tasks import fetch_mail_once, fetch_mail_task
from contacts.mail_intake import IMPORTED_KEYWORD, MailboxSettings, fetch_mail
from contacts.models import Channel, Contact, TriageStatus
from tests.factories import CaseFactory

DOVECOT = shutil.which("dovecot") or (
    "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
)
USER, PASSWORD = "pals", "intake-test-password"

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def imap_server():
    """A dovecot IMAP server on 127.0.0.1 (plain text login, no TLS), run in the foreground
    as a child of the test process and stopped at the end of the module."""
    if not DOVECOT:
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd; .ci/run does this)")
    # Outside pytest's private (0700) temp folder: dovecot's mail process runs as another user
    # when the tests run as root (it refuses uid 0 for mail), and must reach the maildir.
    root = Path(tempfile.mkdtemp(prefix="pals-dovecot-"))
    root.chmod(0o755)
    port = _free_port()
    is_root = os.getuid() == 0
    me = pwd.getpwnam("nobody") if is_root else pwd.getpwuid(os.getuid())
    for folder in ("mail", "home"):
        (root / folder).mkdir()
        os.chown(root / folder, me.pw_uid, me.pw_gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    # Run as whoever runs the tests; as root, the auth processes stay root to read the
    # passwd-file, and mail belongs to "nobody".
    login_user = "dovenull" if is_root else getpass.getuser()
    internal_user = "dovecot" if is_root else getpass.getuser()
    auth_user = "root" if is_root else getpass.getuser()
    config = root / "dovecot.conf"
    config.write_text(
        f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 0
mail_location = maildir:{root}/mail/%u
default_login_user = {login_user}
default_internal_user = {internal_user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
# A static userdb: every user's mail belongs to one system account.
userdb {{
  driver = static
  args = uid={me.pw_uid} gid={me.pw_gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
service auth {{
  user = {auth_user}
}}
service auth-worker {{
  user = {auth_user}
}}
"""
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            client = imaplib.IMAP4("127.0.0.1", port, timeout=5)
            client.login(USER, PASSWORD)
            client.logout()
            break
        except (OSError, imaplib.IMAP4.error) as error:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.stdout.read().decode(errors="replace")
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                pytest.fail(f"dovecot did not start ({error}):\n{output}\n{log}")
            time.sleep(0.2)
    yield MailboxSettings(
        host="127.0.0.1", port=port, user=USER, password=PASSWORD, mailbox="INBOX", use_ssl=False
    )
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(imap_server, tmp_path, settings):
    """An empty INBOX for each test, and the settings pointing at it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    client = imaplib.IMAP4(imap_server.host, imap_server.port)
    client.login(imap_server.user, imap_server.password)
    _, data = client.select("INBOX")
    if int(data[0]):
        client.store("1:*", "+FLAGS", r"(\Deleted)")
        client.expunge()
    client.logout()
    settings.INTAKE_IMAP_HOST = imap_server.host
    settings.INTAKE_IMAP_PORT = imap_server.port
    settings.INTAKE_IMAP_USER = imap_server.user
    settings.INTAKE_IMAP_PASSWORD = imap_server.password
    settings.INTAKE_IMAP_MAILBOX = "INBOX"
    settings.INTAKE_IMAP_SSL = False
    return imap_server


def append(server, raw: bytes) -> None:
    client = imaplib.IMAP4(server.host, server.port)
    client.login(server.user, server.password)
    status, _ = client.append("INBOX", None, None, raw)
    assert status == "OK"
    client.logout()


def keywords_of_all(server) -> list[bytes]:
    client = imaplib.IMAP4(server.host, server.port)
    client.login(server.user, server.password)
    client.select("INBOX")
    _, data = client.fetch("1:*", "(FLAGS)")
    client.logout()
    return [item for item in data if item]


def message(subject="Parking at the hospital", body="The car park was full all day.", **kw):
    msg = EmailMessage()
    msg["From"] = kw.get("sender", "Pat Jones <pat@example.org>")
    msg["To"] = "pals@example.nhs.uk"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(kw.get("date", timezone.now() - timezone.timedelta(hours=2)))
    msg["Message-ID"] = kw.get("message_id", make_msgid(domain="example.org"))
    if kw.get("html"):
        msg.set_content(kw["html"], subtype="html")
    else:
        msg.set_content(body)
    for name, data, maintype, subtype in kw.get("attachments", []):
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


UNREADABLE = (
    b"From: someone@example.org\r\n"
    b"To: pals@example.nhs.uk\r\n"
    b"Subject: Broken\r\n"
    b"Message-ID: <broken-1@example.org>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: text/plain; charset="x-no-such-charset"\r\n'
    b"\r\n"
    b"\xff\xfe garbled body\r\n"
)


def test_each_message_becomes_a_contact_with_body_and_attachments(mailbox):
    pdf = b"%PDF-1.4\n1 0 obj\n"
    append(mailbox, message(attachments=[("scan.pdf", pdf, "application", "pdf")]).as_bytes())
    result = fetch_mail(mailbox)
    assert len(result.imported) == 1
    contact = Contact.objects.get()
    assert contact.channel == Channel.EMAIL
    assert contact.case is None
    assert contact.triage_status == TriageStatus.WAITING
    assert contact.summary == "The car park was full all day."
    assert contact.sender_name == "Pat Jones"
    assert contact.sender_email == "pat@example.org"
    assert contact.email_subject == "Parking at the hospital"
    attachment = contact.attachments.get()
    assert attachment.original_name == "scan.pdf"
    assert attachment.content_type == "application/pdf"
    with attachment.file.open("rb") as handle:
        assert handle.read() == pdf


def test_an_html_only_message_is_read_as_text(mailbox):
    html = "<html><body><p>Thank you to <b>Ward 7</b> &amp; the porters.</p></body></html>"
    append(mailbox, message(subject="Thanks", html=html).as_bytes())
    fetch_mail(mailbox)
    assert Contact.objects.get().summary == "Thank you to Ward 7 & the porters."


def test_a_subject_with_a_case_reference_joins_that_case(mailbox):
    case = CaseFactory()
    append(mailbox, message(subject=f"Re: {case.reference.lower()} my complaint").as_bytes())
    result = fetch_mail_once()
    contact = Contact.objects.get(channel=Channel.EMAIL)
    assert result.matched == [contact]
    assert contact.case == case
    assert contact.triage_status == TriageStatus.ATTACHED
    assert case.reference in contact.history.latest().history_change_reason


def test_nothing_is_imported_twice(mailbox):
    first = message()
    append(mailbox, first.as_bytes())
    append(mailbox, message(subject="Second").as_bytes())
    assert len(fetch_mail(mailbox).imported) == 2
    flags = keywords_of_all(mailbox)
    assert all(IMPORTED_KEYWORD.encode() in line for line in flags)
    assert fetch_mail(mailbox).imported == []
    # The same message sent again (same Message-ID) is marked but not imported again.
    append(mailbox, first.as_bytes())
    again = fetch_mail(mailbox)
    assert again.imported == [] and again.already_imported == 1
    assert Contact.objects.count() == 2


def test_an_unreadable_message_is_kept_and_reported_never_dropped(mailbox):
    append(mailbox, UNREADABLE)
    append(mailbox, message().as_bytes())
    result = fetch_mail(mailbox)
    assert len(result.problems) == 1
    assert "x-no-such-charset" in result.problems[0][1]
    kept = Contact.objects.get(message_id="<broken-1@example.org>")
    assert kept.triage_status == TriageStatus.WAITING
    assert kept.intake_problem
    assert kept.email_subject == "Broken"
    raw = kept.attachments.get()
    assert raw.content_type == "message/rfc822"
    with raw.file.open("rb") as handle:
        assert handle.read().replace(b"\r\n", b"\n") == UNREADABLE.replace(b"\r\n", b"\n")
    # The readable one still came in, and a second run keeps the broken one only once.
    assert Contact.objects.count() == 2
    assert fetch_mail(mailbox).problems == []
    assert Contact.objects.count() == 2


def test_the_command_reports_what_it_did(mailbox, capsys):
    append(mailbox, message().as_bytes())
    append(mailbox, UNREADABLE)
    call_command("fetch_mail")
    out = capsys.readouterr().out
    assert "1 messages imported" in out
    assert "could not be read and was kept for triage" in out


def test_the_celery_task_reads_the_configured_mailbox(mailbox):
    append(mailbox, message().as_bytes())
    assert fetch_mail_task.delay().get() == 1
    assert fetch_mail_task.delay().get() == 0
    assert Contact.objects.count() == 1
