"""Attachment rules: media type sniffing, file-name sanitising, size and count limits."""

from __future__ import annotations

import pytest
from registration_programme import programme

from kernel.files import sniff_media_type
from registration.rules.attachments import (
    check_file,
    check_room,
    is_executable,
    sanitise_filename,
)


@pytest.mark.parametrize(("head", "media_type"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    (b"\xff\xd8\xff\xe1\x00\x18Exif", "image/jpeg"),
    (b"MZ\x90\x00\x03\x00", "application/x-msdownload"),
    (b"\x7fELF\x02\x01\x01", "application/x-executable"),
    (b"\xcf\xfa\xed\xfe\x07\x00", "application/x-mach-binary"),
    (b"#!/usr/bin/env python", "text/x-script"),
    (b"\xef\xbb\xbf#!/bin/sh", "text/x-script"),
    (b"PK\x03\x04\x14\x00", "application/zip"),
    ("营业执照".encode(), "text/plain"),
    (b"\x00\x01\x02\xff\xfe", "application/octet-stream"),
    (b"", "application/octet-stream"),
])
def test_the_content_decides_the_media_type(head: bytes, media_type: str) -> None:
    assert sniff_media_type(head) == media_type


def test_executables() -> None:
    assert all(is_executable(sniff_media_type(h)) for h in (b"MZ", b"\x7fELF", b"#!"))
    assert not is_executable("application/pdf")


@pytest.mark.parametrize(("raw", "media_type", "expected"), [
    ("../../etc/passwd", "application/pdf", "passwd.pdf"),
    ("C:\\Users\\张三\\Desktop\\营业执照.PDF", "application/pdf", "营业执照.PDF"),
    ("a\x00b\x07c.pdf", "application/pdf", "abc.pdf"),
    ("invoice\u202efdp.exe", "application/pdf", "invoicefdp.exe.pdf"),
    ("scan.jpeg", "image/jpeg", "scan.jpeg"),
    ("scan.png", "image/jpeg", "scan.png.jpg"),
    ("...", "image/png", "附件.png"),
    (".htaccess", "", "htaccess"),
    ('what?*"<>|.pdf', "application/pdf", "what______.pdf"),
    ("  spaced name .pdf ", "application/pdf", "spaced name.pdf"),
])
def test_file_names_are_sanitised(raw: str, media_type: str, expected: str) -> None:
    assert sanitise_filename(raw, media_type) == expected


def test_long_names_keep_their_extension() -> None:
    name = sanitise_filename("很" * 500 + ".pdf", "application/pdf")
    assert len(name) == 120 and name.endswith(".pdf")


def test_file_checks() -> None:
    licence = programme().attachment("licence")
    assert licence is not None
    assert check_file(licence, "a.pdf", "application/pdf", 1024) == []
    problems = check_file(licence, "a.png", "image/png", 1025)
    assert [v.code for v in problems] == ["media_type", "too_large"]
    assert "可上传：PDF、JPG" in problems[0].message and "不能超过1KB" in problems[1].message
    assert [v.code for v in check_file(licence, "a.exe", "application/x-msdownload", 10)] == ["executable"]
    assert [v.code for v in check_file(licence, "a.pdf", "application/pdf", 0)] == ["empty"]
    assert check_room(licence, 0) == [] and [v.code for v in check_room(licence, 1)] == ["attachment_too_many"]
