"""A file's media type from its first bytes (magic numbers), never from its name or the
type a client claims. Registration's attachments and review's 推荐汇总表 scans use it."""

from __future__ import annotations

# How many leading bytes sniffing needs (the longest signature below is 8 bytes).
SNIFF_BYTES = 16

MEDIA_TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}

# (signature, media type): checked in order against the start of the file.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # old .doc/.xls (macros)
    (b"MZ", "application/x-msdownload"),
    (b"\x7fELF", "application/x-executable"),
    (b"\xfe\xed\xfa\xce", "application/x-mach-binary"),
    (b"\xfe\xed\xfa\xcf", "application/x-mach-binary"),
    (b"\xce\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\xcf\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\xca\xfe\xba\xbe", "application/x-mach-binary"),  # also Java classes: refused either way
    (b"#!", "text/x-script"),
)
OCTET_STREAM = "application/octet-stream"


def sniff_media_type(head: bytes) -> str:
    """The media type of a file from its first bytes (``application/octet-stream`` if unknown)."""
    for signature, media_type in SIGNATURES:
        if head.startswith(signature):
            return media_type
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2] == b"#!":
        return "text/x-script"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return OCTET_STREAM
    return "text/plain" if head else OCTET_STREAM
