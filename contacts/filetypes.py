"""What a file really is, from its first bytes, never from its name or the browser's word.

Only the types the unit can open safely are recognised: PDF, PNG, JPEG, Word (.docx),
OpenDocument text (.odt) and plain text. Everything else is "application/octet-stream".
"""

import io
import zipfile

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain"
EML = "message/rfc822"
UNKNOWN = "application/octet-stream"

# What the public may upload, with the words used in messages.
PUBLIC_TYPES = {
    PDF: "PDF",
    PNG: "PNG image",
    JPEG: "JPEG photo",
    DOCX: "Word document",
    ODT: "OpenDocument text",
    TEXT: "plain text",
}
ALLOWED_DESCRIPTION = "a PDF, Word or OpenDocument file, a photo (JPEG or PNG) or plain text"


def _zip_document_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                if archive.read("mimetype").strip() == ODT.encode():
                    return ODT
            if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                return DOCX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, ValueError):
        pass
    return UNKNOWN


def _is_plain_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    # Control characters other than tab, newline, carriage return and form feed mean binary.
    return not any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text)


def detect_content_type(data: bytes) -> str:
    """The content type of `data` from its magic bytes (and, for zip files, their contents)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _zip_document_type(data)
    if data and _is_plain_text(data):
        return TEXT
    return UNKNOWN
