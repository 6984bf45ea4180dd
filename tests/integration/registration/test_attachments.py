"""Attachments streamed over gRPC into GridFS: SHA-256, media type from the content,
the kind's size limit, sanitised names, counts, removal and download."""

from __future__ import annotations

import hashlib

import grpc
import pytest
from pymongo import MongoClient
from registration_support import (
    JPEG,
    PDF,
    PNG,
    chunks,
    create,
    refused,
    register,
    upload,
)

from harness.clients import DEADLINE, call, domain_error
from zjtx_api import registration_pb2 as pb
from zjtx_api.registration_pb2_grpc import RegistrationStub

pytestmark = pytest.mark.usefixtures("in_window")
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def application(stub: RegistrationStub) -> pb.Application:
    return create(stub, register(stub, "M").id)


def refused_upload(stub: RegistrationStub, application_id: str, kind: str, filename: str, content: bytes,
                   size: int = 64 * 1024) -> tuple[grpc.StatusCode, object]:
    try:
        stub.UploadAttachment(chunks(application_id, kind, filename, content, size), timeout=60)
    except grpc.RpcError as error:
        return error.code(), domain_error(error)
    raise AssertionError(f"{filename} was accepted")


def download(stub: RegistrationStub, application_id: str, attachment_id: str) -> tuple[pb.Attachment, bytes]:
    parts = list(stub.DownloadAttachment(pb.DownloadAttachmentRequest(application_id=application_id,
                                                                      attachment_id=attachment_id), timeout=DEADLINE))
    assert parts[0].WhichOneof("part") == "info"
    return parts[0].info, b"".join(p.data for p in parts[1:])


def files_named(mongo: MongoClient, filename: str) -> int:
    return mongo.zjtx_registration["attachment_files.files"].count_documents({"filename": filename})


def test_a_file_is_stored_with_its_sha256_and_comes_back_identical(stub: RegistrationStub, application: pb.Application,
                                                                 mongo: MongoClient) -> None:
    content = PDF + bytes(range(256)) * 2000  # ~0.5 MiB, several chunks
    attachment = upload(stub, application.id, "supporting_evidence", "上云上平台凭据.pdf", content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert (attachment.media_type, attachment.size, attachment.filename) == ("application/pdf", len(content),
                                                                             "上云上平台凭据.pdf")
    assert attachment.kind_title == "佐证材料"
    info, data = download(stub, application.id, attachment.id)
    assert data == content and info.sha256 == attachment.sha256
    stored = mongo.zjtx_registration["attachment_files.files"].find_one({"filename": "上云上平台凭据.pdf"})
    assert (stored["sha256"], stored["length"], stored["media_type"]) == (attachment.sha256, len(content),
                                                                         "application/pdf")
    assert stored["metadata"] == {"application_id": application.id, "kind": "supporting_evidence"}
    listed = call(stub.ListAttachments, pb.ListAttachmentsRequest(application_id=application.id))
    assert attachment.id in [a.id for a in listed.attachments]


def test_the_media_type_comes_from_the_content(stub: RegistrationStub, application: pb.Application) -> None:
    # a JPEG called .png is a JPEG
    attachment = upload(stub, application.id, "photos", "厂区概貌.png", JPEG)
    assert attachment.media_type == "image/jpeg"
    assert upload(stub, application.id, "photos", "主要设备", PNG).filename == "主要设备.png"


@pytest.mark.parametrize(("content", "what"), [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 2000, "Windows 可执行程序"),
    (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 2000, "Linux 可执行程序"),
    (b"#!/bin/sh\nrm -rf / --no-preserve-root\n", "脚本程序"),
])
def test_a_renamed_executable_is_refused(stub: RegistrationStub, application: pb.Application, mongo: MongoClient,
                                         content: bytes, what: str) -> None:
    code, error = refused_upload(stub, application.id, "financial_statements", "2019年财务报表.pdf", content)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.code == "attachment.executable" and what in error.message  # type: ignore[attr-defined]
    assert "PDF" in error.message  # what is accepted  # type: ignore[attr-defined]
    assert files_named(mongo, "2019年财务报表.pdf") == 0


@pytest.mark.parametrize(("kind", "filename", "content"), [
    ("development_report", "发展报告.pdf", PNG),        # PDF only
    ("photos", "照片.jpg", PDF),                        # images only
    ("business_licence", "营业执照.pdf", "营业执照（文字）".encode() * 10),
    ("business_licence", "营业执照.pdf", b"PK\x03\x04" + b"\x00" * 100),
])
def test_a_wrong_media_type_is_refused(stub: RegistrationStub, application: pb.Application, kind: str,
                                       filename: str, content: bytes) -> None:
    code, error = refused_upload(stub, application.id, kind, filename, content)
    assert code == grpc.StatusCode.INVALID_ARGUMENT and error.code == "attachment.media_type"  # type: ignore[attr-defined]
    assert "可上传：" in error.message  # type: ignore[attr-defined]


def test_an_oversize_file_is_stopped_and_leaves_nothing(stub: RegistrationStub, application: pb.Application,
                                                        mongo: MongoClient) -> None:
    limit = 10 * MIB  # photos: 10 MiB each
    content = PNG + b"\x00" * (limit + 1 - len(PNG))
    code, error = refused_upload(stub, application.id, "photos", "超大照片.png", content, size=MIB)
    assert code == grpc.StatusCode.INVALID_ARGUMENT and error.code == "attachment.too_large"  # type: ignore[attr-defined]
    assert "10MB" in error.message  # type: ignore[attr-defined]
    assert files_named(mongo, "超大照片.png") == 0
    # exactly at the limit is accepted
    assert upload(stub, application.id, "photos", "正好10MB.png", content[:limit]).size == limit


@pytest.mark.parametrize(("raw", "expected"), [
    ("../../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\Windows\\System32\\drivers\\etc\\hosts.pdf", "hosts.pdf"),
    ("/var/lib/zjtx/营业执照.pdf", "营业执照.pdf"),
    ("营业\x00执照\x1b[31m.pdf", "营业执照[31m.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe.pdf"),
    ("..", "附件.pdf"),
    ('a<b>c:d"e|f?g*h.pdf', "a_b_c_d_e_f_g_h.pdf"),
])
def test_file_names_are_sanitised(stub: RegistrationStub, raw: str, expected: str) -> None:
    application = create(stub, register(stub, "N").id)
    attachment = upload(stub, application.id, "business_licence", raw, PDF)
    assert attachment.filename == expected


def test_a_very_long_name_keeps_its_extension(stub: RegistrationStub, application: pb.Application) -> None:
    attachment = upload(stub, application.id, "supporting_evidence", "证" * 300 + ".pdf", PDF)
    assert len(attachment.filename) == 120 and attachment.filename.endswith(".pdf")


def test_counts_kinds_and_headers(stub: RegistrationStub) -> None:
    application = create(stub, register(stub, "P").id)
    upload(stub, application.id, "business_licence", "营业执照.pdf", PDF)
    code, error = refused_upload(stub, application.id, "business_licence", "营业执照2.pdf", PDF)
    assert code == grpc.StatusCode.FAILED_PRECONDITION and error.code == "attachment.too_many"  # type: ignore[attr-defined]
    code, error = refused_upload(stub, application.id, "tax_records", "纳税证明.pdf", PDF)
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "营业执照" in error.message  # type: ignore[attr-defined]
    try:
        stub.UploadAttachment(iter([pb.AttachmentChunk(data=PDF)]), timeout=DEADLINE)
        raise AssertionError("accepted without a header")
    except grpc.RpcError as rpc_error:
        assert rpc_error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert domain_error(rpc_error).code == "attachment.header_missing"


def test_removing_an_attachment_in_a_draft(stub: RegistrationStub, mongo: MongoClient) -> None:
    application = create(stub, register(stub, "Q").id)
    attachment = upload(stub, application.id, "business_licence", "旧营业执照.pdf", PDF)
    after = call(stub.RemoveAttachment, pb.RemoveAttachmentRequest(application_id=application.id,
                                                                   attachment_id=attachment.id))
    assert after.attachments == [] and after.version > application.version
    assert files_named(mongo, "旧营业执照.pdf") == 0  # never submitted: the bytes are gone
    # room for a new one again
    upload(stub, application.id, "business_licence", "新营业执照.pdf", PDF)
    code, _ = refused(stub.RemoveAttachment, pb.RemoveAttachmentRequest(application_id=application.id,
                                                                        attachment_id=attachment.id))
    assert code == grpc.StatusCode.NOT_FOUND
