"""Attachment rules: media type from the content, file-name sanitising, size and count limits.

The media type an enterprise's browser or file name claims is never trusted: the first
bytes decide. Executables and scripts are refused outright, whatever they are called
(``setup.exe`` renamed ``财务报表.pdf`` is still an executable). File names keep only
their last path component, lose control and format characters (including bidi
overrides that disguise an extension) and the characters Windows forbids, and are
bounded in length with their extension kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal

from kernel.files import MEDIA_TYPE_NAMES
from kernel.programme import AttachmentSpec, ProgrammeModel
from registration.rules.values import echo, fmt
from zjtx.errors import Violation

MAX_FILENAME_CHARS = 120

# The extension a file of each accepted type is saved with (the first), and its aliases.
EXTENSIONS = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg", ".jpe"), "image/png": (".png",)}

EXECUTABLE_TYPES = {
    "application/x-msdownload": "Windows 可执行程序",
    "application/x-executable": "Linux 可执行程序",
    "application/x-mach-binary": "macOS 可执行程序",
    "text/x-script": "脚本程序",
}
# Characters Windows refuses in file names; replaced so a download saves everywhere.
RESERVED = re.compile(r'[<>:"|?*]')


def is_executable(media_type: str) -> bool:
    return media_type in EXECUTABLE_TYPES


def sanitise_filename(raw: str, media_type: str = "") -> str:
    """A safe display and download name: last path component, no control or format
    characters, no reserved characters, at most MAX_FILENAME_CHARS with the extension kept.

    With a known ``media_type`` the name ends in an extension of that type: one that does
    not fit (``invoice.exe`` holding a PDF) gets the right one appended, so a download
    never opens as something else."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")  # Cc, Cf (bidi), Co, Cs, Cn
    name = RESERVED.sub("_", name).strip().lstrip(".").strip()
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    fitting = EXTENSIONS.get(media_type, ())
    if fitting and f".{extension.lower()}" not in fitting:
        stem, extension = (f"{stem}.{extension}" if extension else stem), fitting[0][1:]
    extension = extension[:10]
    if not stem.strip(" ._"):
        stem = "附件"
    suffix = f".{extension}" if extension else ""
    return stem[: MAX_FILENAME_CHARS - len(suffix)].rstrip() + suffix


def accepted_types(spec: AttachmentSpec) -> str:
    return "、".join(MEDIA_TYPE_NAMES.get(m, m) for m in spec.media_types)


def size_limit_text(spec: AttachmentSpec) -> str:
    """10485760 -> '10MB', 1536 -> '1.5KB' (binary units, as file managers show them)."""
    unit, name = (1024 * 1024, "MB") if spec.max_bytes >= 1024 * 1024 else (1024, "KB")
    return f"{fmt((Decimal(spec.max_bytes) / unit).quantize(Decimal('0.01')))}{name}"


def executable_violation(spec: AttachmentSpec, filename: str, media_type: str) -> Violation:
    return Violation(f"attachments.{spec.kind}", "executable",
                     f"文件“{filename}”的内容是{EXECUTABLE_TYPES[media_type]}，不能作为“{spec.title}”上传；"
                     f"请上传{accepted_types(spec)}格式的文件")


def media_type_violation(spec: AttachmentSpec, filename: str, media_type: str) -> Violation:
    if is_executable(media_type):
        return executable_violation(spec, filename, media_type)
    return Violation(f"attachments.{spec.kind}", "media_type",
                     f"“{spec.title}”不接受该文件类型（文件“{filename}”的内容为{media_type}），"
                     f"可上传：{accepted_types(spec)}")


def oversize_violation(spec: AttachmentSpec, filename: str) -> Violation:
    return Violation(f"attachments.{spec.kind}", "too_large",
                     f"“{spec.title}”单个文件不能超过{size_limit_text(spec)}，文件“{filename}”超过了上限")


def check_file(spec: AttachmentSpec, filename: str, media_type: str, size: int) -> list[Violation]:
    """Problems with one received file for ``spec`` (ported from review's check_attachment_file)."""
    problems = []
    if media_type not in spec.media_types:
        problems.append(media_type_violation(spec, filename, media_type))
    if size <= 0:
        problems.append(Violation(f"attachments.{spec.kind}", "empty", f"“{spec.title}”的文件“{filename}”为空"))
    elif size > spec.max_bytes:
        problems.append(oversize_violation(spec, filename))
    return problems


def count_problems(programme: ProgrammeModel, counts: Mapping[str, int]) -> list[Violation]:
    """Problems per attachment kind given how many files of each are uploaded
    (ported from review's check_attachment_counts)."""
    problems: list[Violation] = []
    for spec in programme.attachments:
        count = counts.get(spec.kind, 0)
        # An optional attachment may be absent; once given, the same bounds apply.
        if (spec.required or count > 0) and count < spec.min_count:
            problems.append(Violation(f"attachments.{spec.kind}", "attachment_missing",
                                      f"“{spec.title}”至少需上传{spec.min_count}个文件（已上传{count}个）"))
        elif count > spec.max_count:
            problems.append(Violation(f"attachments.{spec.kind}", "attachment_too_many",
                                      f"“{spec.title}”最多上传{spec.max_count}个文件（已上传{count}个）"))
    return problems


def check_room(spec: AttachmentSpec, count: int) -> list[Violation]:
    """Before an upload: one more file of this kind must fit."""
    if count < spec.max_count:
        return []
    return [Violation(f"attachments.{spec.kind}", "attachment_too_many",
                      f"“{spec.title}”最多上传{spec.max_count}个文件（已上传{count}个）；如需更换，请先删除已上传的文件")]


def unknown_kind(programme: ProgrammeModel, kind: str) -> Violation:
    accepted = "、".join(f"{a.kind}（{a.title}）" for a in programme.attachments)
    return Violation("kind", "unknown_kind", f"本批次没有附件类型“{echo(kind, 64)}”；可上传：{accepted}")
