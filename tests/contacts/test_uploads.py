"""The shared upload checks (contacts/uploads.py) and the private download helper."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from casework.access import serve_private_file
from casework.records.models import AccessLog
from contacts.uploads import validate_upload

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _office(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "detected"),
    [
        ("letter.pdf", PDF, "pdf"),
        ("photo.png", PNG, "png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "jpeg"),
        ("statement.docx", _office("docx"), "docx"),
        ("figures.xlsx", _office("xlsx"), "xlsx"),
        ("note.txt", "Café visit — ward 3\n".encode(), "text"),
    ],
)
def test_accepted_files_are_recognised_by_their_content(name, content, detected):
    assert validate_upload(SimpleUploadedFile(name, content)) == detected


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("invoice.pdf", PNG, "name ends .pdf but it is a PNG image"),
        ("photo.png", PDF, "name ends .png but it is a PDF"),
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 64, "The file must be a PDF"),
        ("macro.docm", b"PK\x03\x04not really a zip", "The file must be a PDF"),
        ("page.html", b"<html><script>alert(1)</script></html>", "name ends .html"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_mistyped_files_are_refused_in_plain_english(name, content, message):
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile(name, content))
    assert message in refused.value.messages[0]


def test_an_oversized_file_is_refused_before_its_content_is_read(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("big.pdf", PDF + b"x" * 2048))
    assert refused.value.messages[0].startswith("The file must be smaller than 1.0")


@pytest.mark.django_db
def test_a_private_file_is_sent_as_an_attachment_and_the_download_recorded(officer):
    request = RequestFactory().get("/cases/X/files/1/", REMOTE_ADDR="10.0.0.9")
    request.user = officer
    response = serve_private_file(
        request, ContentFile(PDF, name="stored.pdf"), "response.pdf", object_id="1"
    )
    assert response["Content-Disposition"] == 'attachment; filename="response.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.detail, log.ip_address) == (
        officer,
        "download",
        "response.pdf",
        "10.0.0.9",
    )


def test_uploaded_files_are_not_served_by_any_url(officer_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "secret.pdf").write_bytes(PDF)
    assert officer_client.get("/media/secret.pdf").status_code == 404
