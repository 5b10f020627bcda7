"""The public feedback form at /feedback/: no sign-in, plain-English errors that keep what was
typed, a reference on the confirmation page and in an e-mail, and the spam and abuse limits."""

import io
import zipfile

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.models import Channel, Contact, DeclaredKind, TriageStatus

URL = "/feedback/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def valid(**overrides):
    data = {
        "kind": "complaint",
        "who_for": "self",
        "your_name": "Sam Taylor",
        "email": "sam@example.com",
        "phone": "",
        "details": "The ward did not call me back about my mother's discharge.",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.django_db
def test_the_form_needs_no_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Raise a concern" in response.content.decode()
    assert "Make a complaint" in response.content.decode()


@pytest.mark.django_db
def test_an_empty_submission_lists_what_to_fill_in(client):
    response = client.post(URL, {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    for message in (
        "Select what you would like to do",
        "Select whether this is about you or someone else",
        "Enter your full name",
        "Tell us what happened",
        "Enter an email address or a phone number so we can reply",
    ):
        assert message in page
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_a_submission_waits_in_triage_with_a_reference_shown_and_emailed(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid())
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.case is None
    assert contact.channel == Channel.WEB_FORM
    assert contact.triage_status == TriageStatus.WAITING
    assert contact.declared_kind == DeclaredKind.COMPLAINT
    assert contact.sender_name == "Sam Taylor"
    assert contact.reference.startswith("WEB-")
    confirmation = client.get(response["Location"]).content.decode()
    assert contact.reference in confirmation
    assert "within 3 working days" in confirmation
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.com"]
    assert contact.reference in mail.outbox[0].subject
    assert contact.reference in mail.outbox[0].body
    assert contact.history.latest().history_change_reason.startswith("Reference")


@pytest.mark.django_db
def test_the_confirmation_page_shows_nothing_to_another_browser(client):
    client.post(URL, valid())
    other = client.__class__()
    response = other.get(reverse("public_feedback_done"))
    assert response.status_code == 302
    assert response["Location"] == URL


@pytest.mark.django_db
def test_writing_on_behalf_needs_who_why_and_the_declaration(client):
    response = client.post(URL, valid(who_for="someone_else"))
    page = response.content.decode()
    assert "Enter the full name of the person it is about" in page
    assert "Select your relationship to them" in page
    assert "Select why you are acting for them" in page
    assert "Confirm that what you have said about acting for them is true" in page
    # What was typed is still there.
    assert "Sam Taylor" in page
    assert "did not call me back" in page
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_writing_on_behalf_records_the_regulation_5_basis(client):
    client.post(
        URL,
        valid(
            who_for="someone_else",
            patient_name="Edna Taylor",
            patient_date_of_birth="02/05/1931",
            relationship="child",
            representative_basis="deceased",
            consent_declaration="on",
        ),
    )
    contact = Contact.objects.get()
    assert contact.on_behalf
    assert contact.patient_name == "Edna Taylor"
    assert contact.patient_date_of_birth.year == 1931
    assert contact.relationship_to_patient == "child"
    assert contact.representative_basis == "deceased"


@pytest.mark.django_db
def test_the_honeypot_refuses_robots_and_stores_nothing(client):
    response = client.post(URL, valid(website="http://spam.example"))
    assert response.status_code == 400
    assert "meant for computer programs" in response.content.decode()
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_one_address_is_limited_and_told_why_without_losing_what_was_typed(client, settings):
    settings.PUBLIC_FORM_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(URL, valid()).status_code == 302
    response = client.post(URL, valid(details="A third message in an hour."))
    assert response.status_code == 429
    page = response.content.decode()
    assert "cannot accept another just now" in page
    assert "A third message in an hour." in page
    assert Contact.objects.count() == 2
    # Another address is not affected.
    assert client.post(URL, valid(), REMOTE_ADDR="192.0.2.9").status_code == 302


@pytest.mark.django_db
def test_behind_the_proxy_a_made_up_forwarded_address_does_not_lift_the_limit(client, settings):
    settings.PUBLIC_FORM_RATE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    def send(forwarded):
        return client.post(URL, valid(), REMOTE_ADDR="172.16.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    for n in range(2):
        assert send(f"203.0.113.{n}, 198.51.100.7").status_code == 302
    assert send("203.0.113.9, 198.51.100.7").status_code == 429
    assert Contact.objects.count() == 2
    # Someone else behind the same proxy is not affected.
    assert send("198.51.100.8").status_code == 302


@pytest.mark.django_db
def test_text_over_the_limit_is_refused_with_the_count(client, settings):
    settings.PUBLIC_FORM_MAX_CHARS = 50
    response = client.post(URL, valid(details="x" * 60))
    page = response.content.decode()
    assert "50 characters or fewer" in page
    assert "you have used 60" in page
    assert not Contact.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, data, content_type",
    [
        ("letter.pdf", b"%PDF-1.7\n%...", "application/pdf"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("notes", "Café times written down".encode(), "text/plain"),
        (
            "letter.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_an_attachment_is_kept_with_its_type_from_the_content(client, name, data, content_type):
    client.post(URL, valid(attachment=SimpleUploadedFile(name, data, "application/x-anything")))
    attachment = Contact.objects.get().attachments.get()
    assert attachment.original_name == name
    assert attachment.content_type == content_type
    assert attachment.size == len(data)
    assert name not in attachment.file.name
    with attachment.file.open("rb") as handle:
        assert handle.read() == data


@pytest.mark.django_db
def test_a_program_named_like_a_pdf_is_refused_and_the_rest_kept(client):
    upload = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 50, "application/pdf")
    response = client.post(URL, valid(attachment=upload))
    page = response.content.decode()
    assert "invoice.pdf is not a type of file we can accept" in page
    assert "Sam Taylor" in page
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(client, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 200, "application/pdf")
    page = client.post(URL, valid(attachment=upload)).content.decode()
    assert "The file must be 100\xa0bytes or smaller" in page
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_a_good_file_sent_with_a_mistake_elsewhere_is_asked_for_again(client):
    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.7\n", "application/pdf")
    page = client.post(URL, valid(your_name="", attachment=upload)).content.decode()
    assert "Enter your full name" in page
    assert "Choose your file again" in page
