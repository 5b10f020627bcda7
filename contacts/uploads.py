"""Checks on every uploaded file, in one place: size, and type by its content.

`validate_upload(file)` returns the detected type (a key of ALLOWED_TYPES) or raises a
ValidationError with a plain-English message for the field. The type is read from the first
bytes of the file (its "magic number"), never trusted from the name or the browser; a file
whose name says one type and whose content is another is refused. Files are stored under
MEDIA_ROOT, which no URL serves; send them with `casework.access.serve_private_file`.
"""

import os
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# Detected type → (description for messages, file name extensions that may carry it).
ALLOWED_TYPES = {
    "pdf": ("a PDF", {".pdf"}),
    "png": ("a PNG image", {".png"}),
    "jpeg": ("a JPEG image", {".jpg", ".jpeg"}),
    "docx": ("a Word document", {".docx"}),
    "xlsx": ("an Excel spreadsheet", {".xlsx"}),
    "text": ("a plain text file", {".txt", ".csv"}),
}

_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"PK\x03\x04", "zip"),
)


def detect_type(file) -> str | None:
    """The type of the file's content, or None if it is not one we accept."""
    file.seek(0)
    head = file.read(2048)
    file.seek(0)
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return _office_type(file) if kind == "zip" else kind
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is still text.
            if error.start < len(head) - 3:
                return None
        return "text"
    return None


def _office_type(file) -> str | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


def validate_upload(file, allowed: set[str] | None = None) -> str:
    """Check an uploaded file's size and content; return its detected type."""
    allowed = allowed or set(ALLOWED_TYPES)
    name = getattr(file, "name", "") or ""
    if file.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            f"The file must be smaller than {filesizeformat(settings.UPLOAD_MAX_BYTES)}; "
            f"“{os.path.basename(name)}” is {filesizeformat(file.size)}",
            code="too_large",
        )
    if file.size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    accepted = ", ".join(ALLOWED_TYPES[k][0] for k in ALLOWED_TYPES if k in allowed)
    detected = detect_type(file)
    if detected is None or detected not in allowed:
        raise ValidationError(f"The file must be {accepted}", code="bad_type")
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED_TYPES[detected][1]:
        raise ValidationError(
            f"The file’s name ends {extension or 'with no extension'} but it is "
            f"{ALLOWED_TYPES[detected][0]}: rename it, or choose the right file",
            code="mismatch",
        )
    return detected
