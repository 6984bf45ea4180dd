"""Uploads and downloads stream through the gateway; limits and types are enforced
before a byte is read, and a refused upload stores nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from gwclient import PNG, Api, pdf

from harness.clients import domain_error
from zjtx.clock import set_clock_file
from zjtx.grpc_support import Caller
from zjtx_api import registration_pb2, registration_pb2_grpc

PROGRAMME = "hunan-2020-little-giant"


@pytest.fixture(scope="module")
def draft(api: Api, clock_file: Path) -> Iterator[dict[str, Any]]:
    set_clock_file(clock_file, "2020-05-10T10:00:00+08:00")
    try:
        enterprise, token = api.register_enterprise(region="430405", city="430400")
        created = api.post("/api/v1/applications", {"programme_id": PROGRAMME}, token=token)
        assert created.status == 201, created.body
        yield {"enterprise": enterprise, "token": token, "app": created.body["id"]}
    finally:
        set_clock_file(clock_file, "")


def attachments(api: Api, draft: dict[str, Any]) -> list[dict[str, Any]]:
    return api.get(f"/api/v1/applications/{draft['app']}/attachments", token=draft["token"]).body["attachments"]


def test_a_file_goes_up_and_comes_back_byte_for_byte(api: Api, draft: dict[str, Any]) -> None:
    content = pdf("x" * 3000) * 40  # ~150 KB: several chunks each way
    url = f"/api/v1/applications/{draft['app']}/attachments"
    uploaded = api.upload(url, content, "application/pdf", token=draft["token"],
                          params={"kind": "development_report", "filename": "../../发展报告<1>.pdf"})
    assert uploaded["sha256"] == hashlib.sha256(content).hexdigest() and uploaded["size"] == len(content)
    assert "/" not in uploaded["filename"]
    back = api.get(f"{url}/{uploaded['id']}/file", token=draft["token"])
    assert back.status == 200 and back.body == content
    assert back.headers["Content-Type"] == "application/pdf"
    assert back.headers["X-Content-SHA256"] == uploaded["sha256"]
    assert "filename*=UTF-8''" in back.headers["Content-Disposition"]


def test_a_file_over_the_programmes_limit_is_refused_before_it_is_read(api: Api, draft: dict[str, Any]) -> None:
    before = attachments(api, draft)
    big = PNG + b"\0" * (10 * 1024 * 1024)  # photos: at most 10 MiB
    answer = api.post(f"/api/v1/applications/{draft['app']}/attachments", data=big, token=draft["token"],
                      params={"kind": "photos", "filename": "大图.png"}, headers={"Content-Type": "image/png"})
    assert (answer.status, answer.code) == (413, "upload.too_large")
    assert "10 MB" in answer.body["message"]
    assert attachments(api, draft) == before


def test_a_type_the_kind_does_not_accept_is_refused(api: Api, draft: dict[str, Any]) -> None:
    answer = api.post(f"/api/v1/applications/{draft['app']}/attachments", data=pdf(), token=draft["token"],
                      params={"kind": "photos", "filename": "a.pdf"}, headers={"Content-Type": "application/pdf"})
    assert (answer.status, answer.code) == (415, "upload.media_type")
    assert "image/jpeg" in answer.body["message"]
    disguised = api.post(f"/api/v1/applications/{draft['app']}/attachments", data=b"MZ\x90\x00 not a png",
                         token=draft["token"], params={"kind": "photos", "filename": "a.png"},
                         headers={"Content-Type": "image/png"})
    assert disguised.status == 400 and disguised.body["message"], disguised.body  # detected from the bytes


def test_a_service_reached_directly_still_refuses_another_enterprise(channels: dict[str, grpc.Channel], api: Api,
                                                                     draft: dict[str, Any]) -> None:
    other, _ = api.register_enterprise()
    stub = registration_pb2_grpc.RegistrationStub(channels["registration"])
    forged = Caller(subject=other["id"], role="enterprise", enterprise_id=other["id"]).metadata()
    with pytest.raises(grpc.RpcError) as error:
        stub.GetApplication(registration_pb2.GetApplicationRequest(application_id=draft["app"]), timeout=10,
                            metadata=(forged,))
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert domain_error(error.value).message
