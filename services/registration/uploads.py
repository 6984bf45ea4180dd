"""Attachments: streamed into GridFS with their SHA-256, listed, removed, streamed out.

An upload is checked as the bytes arrive: the media type is sniffed from the first
bytes (an executable is refused there and then) and the kind's size limit stops the
upload as soon as it is exceeded; a refused or failed upload leaves no file behind.
The file is written before the transaction that records it; if that transaction
fails, the file is deleted.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bson import ObjectId
from opentelemetry import trace

from kernel.files import SNIFF_BYTES, sniff_media_type
from kernel.programme import AttachmentSpec, ProgrammeModel
from registration import messages, storage
from registration.context import Context
from registration.rules.applications import EDITABLE, Reopened, check_can_edit
from registration.rules.attachments import (
    check_file,
    check_room,
    executable_violation,
    is_executable,
    oversize_violation,
    sanitise_filename,
    unknown_kind,
)
from zjtx.attributes import APPLICATION_ID
from zjtx.errors import Violation, conflict, invalid, not_found, precondition
from zjtx.files import HashedUpload
from zjtx.mongo import UnitOfWork
from zjtx_api import registration_pb2 as pb

log = logging.getLogger(__name__)
DOWNLOAD_CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class Received:
    file_id: ObjectId
    filename: str
    media_type: str
    size: int
    sha256: str
    digests: dict[str, str]  # the profile's digest beside the SHA-256 (zjtx.files): {} or {digest_alg, digest}


def upload(ctx: Context, chunks: Iterator[pb.AttachmentChunk]) -> pb.Attachment:
    header = _header(chunks)
    trace.get_current_span().set_attribute(APPLICATION_ID, header.application_id)
    application, programme = ctx.application_for_write(header.application_id)
    spec = programme.attachment(header.kind)
    if spec is None:
        violation = unknown_kind(programme, header.kind)
        raise invalid("attachment.unknown_kind", violation.message, [violation])
    _check_may_add(application, spec, storage.count_attachments(ctx.store.db, application["_id"], spec.kind))
    received = receive(ctx, chunks, spec, header.filename, application["_id"])
    try:
        document = ctx.store.transact(lambda unit: _record(unit, ctx, application["_id"], spec, received))
    except BaseException:
        storage.delete_file(ctx.store.db, received.file_id)
        raise
    return messages.attachment_message(document, programme)


def _header(chunks: Iterator[pb.AttachmentChunk]) -> pb.AttachmentHeader:
    first = next(chunks, None)
    if first is None or first.WhichOneof("part") != "header":
        raise invalid("attachment.header_missing", "上传的第一条消息应为附件说明（申请编号、附件类型、文件名），其后才是文件内容",
                      [Violation("header", "required", "缺少附件说明")])
    return first.header


def _check_may_add(application: dict[str, Any], spec: AttachmentSpec, count: int) -> None:
    check_can_edit(application["status"], Reopened.from_document(application.get("reopened")), "attachment",
                   spec.kind, spec.title)
    problems = check_room(spec, count)
    if problems:
        raise precondition("attachment.too_many", problems[0].message, problems)


def receive(ctx: Context, chunks: Iterator[pb.AttachmentChunk], spec: AttachmentSpec, raw_name: str,
            application_id: str) -> Received:
    """Stream the data chunks into GridFS, checking type and size as they arrive."""
    media_type = ""
    provisional = sanitise_filename(raw_name)
    with HashedUpload(storage.files(ctx.store.db), provisional,
                      metadata={"application_id": application_id, "kind": spec.kind}) as upload:
        for chunk in chunks:
            if chunk.WhichOneof("part") != "data":
                raise invalid("attachment.header_repeated", "附件说明只能在第一条消息中发送一次",
                              [Violation("header", "repeated", "附件说明重复")])
            if upload.size + len(chunk.data) > spec.max_bytes:  # stop now: the rest is never read
                violation = oversize_violation(spec, provisional)
                raise invalid("attachment.too_large", violation.message, [violation])
            upload.write(chunk.data)
            if not media_type:
                media_type = _early_type(spec, provisional, upload.head)
        media_type = media_type or sniff_media_type(upload.head)
        filename = sanitise_filename(raw_name, media_type)
        problems = check_file(spec, filename, media_type, upload.size)
        if problems:
            raise invalid(f"attachment.{problems[0].code}", "；".join(p.message for p in problems), problems)
        # kept on the GridFS file document too, with the algorithm beside the profile's digest
        upload.close(sha256=upload.sha256, media_type=media_type, **upload.digests)
    return Received(upload.file_id, filename, media_type, upload.size, upload.sha256, upload.digests)


def _early_type(spec: AttachmentSpec, filename: str, head: bytes) -> str:
    """Once enough bytes are in, the type; an executable is refused at once."""
    if len(head) < SNIFF_BYTES:
        return ""
    media_type = sniff_media_type(head)
    if is_executable(media_type):
        violation = executable_violation(spec, filename, media_type)
        raise invalid("attachment.executable", violation.message, [violation])
    return media_type


def _record(unit: UnitOfWork, ctx: Context, application_id: str, spec: AttachmentSpec,
            received: Received) -> dict[str, Any]:
    """Record the stored file, re-checking status and count inside the transaction."""
    current = storage.get_application(unit.db, application_id, unit.session)
    if current is None:
        raise not_found("application.not_found", f"申请 {application_id} 不存在")
    _check_may_add(current, spec, storage.count_attachments(unit.db, application_id, spec.kind, unit.session))
    document = {
        "_id": uuid.uuid4().hex, "application_id": application_id, "kind": spec.kind, "filename": received.filename,
        "media_type": received.media_type, "size": received.size, "sha256": received.sha256, **received.digests,
        "file_id": received.file_id, "uploaded_at": ctx.now, "uploaded_by": ctx.actor, "seq": storage.seq(),
        "removed_at": None,
    }
    storage.insert_attachment(unit, document)
    updated = storage.change_application(unit, application_id, {"version": current["version"]}, {}, ctx.now)
    if updated is None:
        raise conflict("application.changed", "申请刚刚被修改，附件未保存；请重新上传")
    ctx.history(unit, updated, "attachment_added", f"上传附件“{spec.title}”：{received.filename}",
                data={"attachment_id": document["_id"], "kind": spec.kind, "sha256": received.sha256,
                      "size": received.size, "media_type": received.media_type})
    return document


def list_attachments(ctx: Context, application_id: str) -> pb.ListAttachmentsResponse:
    application, programme = ctx.application_for_read(application_id, "snapshot")
    documents = storage.live_attachments(ctx.store.db, application["_id"])
    if ctx.caller.role not in ("system", "enterprise"):
        submitted = storage.submitted_attachment_ids(ctx.store.db, application["_id"])
        documents = [d for d in documents if d["_id"] in submitted]  # reviewers see what was submitted
    return pb.ListAttachmentsResponse(attachments=[messages.attachment_message(d, programme) for d in documents])


def remove(ctx: Context, request: pb.RemoveAttachmentRequest) -> tuple[dict[str, Any], ProgrammeModel]:
    application, programme = ctx.application_for_write(request.application_id)
    document = storage.get_attachment(ctx.store.db, application["_id"], request.attachment_id)
    if document is None or document.get("removed_at") is not None:
        raise not_found("attachment.not_found", f"附件 {request.attachment_id} 不存在或已删除")
    spec = programme.attachment(document["kind"])
    title = spec.title if spec else document["kind"]
    check_can_edit(application["status"], Reopened.from_document(application.get("reopened")), "attachment",
                   document["kind"], title)

    def work(unit: UnitOfWork) -> dict[str, Any]:
        if not storage.remove_attachment(unit, document["_id"], ctx.now, ctx.actor):
            raise not_found("attachment.not_found", f"附件 {request.attachment_id} 已删除")
        updated = storage.change_application(unit, application["_id"], {"status": {"$in": list(EDITABLE)}}, {},
                                             ctx.now)
        if updated is None:
            raise conflict("application.changed", "申请状态刚刚发生变化，附件未删除；请刷新后重试")
        ctx.history(unit, updated, "attachment_removed", f"删除附件“{title}”：{document['filename']}",
                    data={"attachment_id": document["_id"], "kind": document["kind"]})
        return updated

    updated = ctx.store.transact(work)
    if document["_id"] not in storage.submitted_attachment_ids(ctx.store.db, application["_id"]):
        # a submitted file stays: its snapshot refers to it
        storage.delete_file(ctx.store.db, document["file_id"])
    return updated, programme


def download(ctx: Context, request: pb.DownloadAttachmentRequest) -> Iterator[pb.DownloadChunk]:
    application, programme = ctx.application_for_read(request.application_id, "snapshot")
    document = storage.get_attachment(ctx.store.db, application["_id"], request.attachment_id)
    owner = ctx.caller.role in ("system", "enterprise")
    visible = document is not None and ((owner and document.get("removed_at") is None)
                                        or document["_id"] in storage.submitted_attachment_ids(ctx.store.db,
                                                                                              application["_id"]))
    if not visible:
        raise not_found("attachment.not_found", f"附件 {request.attachment_id} 不存在")
    yield pb.DownloadChunk(info=messages.attachment_message(document, programme))
    for data in storage.read_file(ctx.store.db, document["file_id"], DOWNLOAD_CHUNK_BYTES):
        yield pb.DownloadChunk(data=data)
