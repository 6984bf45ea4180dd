"""Hostile input: operator and dotted keys, operator objects as values, query-string
tricks, oversized and malformed bodies, markup. Nothing reaches a query as an operator,
every refusal is a clear Chinese message with a stable code, and nothing is lost."""

from __future__ import annotations

import json

import pytest
import requests
from gwclient import PASSWORD, Api, fresh_uscc
from pymongo import MongoClient

from gateway.api.privacy import VERSION as PRIVACY_NOTICE
from harness.wait import until


def registration(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "uscc": fresh_uscc(), "name": "衡阳输入校验机械有限公司", "region_code": "430405", "industry": "通用设备制造业",
        "contact": {"person": "王五", "mobile": "13700137000", "email": "wang@example.cn"}, "password": PASSWORD,
        "privacy_notice_version": PRIVACY_NOTICE}
    body.update(changes)
    return body


@pytest.mark.parametrize("body, field", [
    (registration(**{"$where": "sleep(1000)"}), "$where"),
    (registration(contact={"person": "王五", "mobile": "1", "email": "a@b.cn", "$set": {"x": 1}}), "contact.$set"),
    (registration(**{"contact.person": "王五"}), "contact.person"),
    (registration(name={"$ne": ""}), "name.$ne"),
])
def test_operator_and_dotted_keys_are_refused(api: Api, body: dict[str, object], field: str) -> None:
    answer = api.post("/api/v1/enterprises", body, token="")
    assert (answer.status, answer.code) == (400, "request.invalid")
    violation = next(v for v in answer.body["violations"] if v["field"] == field)
    assert violation["code"] == "request.forbidden_key" and "不被接受" in violation["message"]


def test_operator_objects_as_credentials_cannot_sign_in(api: Api) -> None:
    answer = api.post("/api/v1/sessions/enterprise", {"uscc": {"$gt": ""}, "password": {"$gt": ""}}, token="")
    assert (answer.status, answer.code) == (400, "request.invalid")
    assert {v["field"] for v in answer.body["violations"]} == {"uscc.$gt", "password.$gt"}
    answer = api.post("/api/v1/sessions/staff", {"username": "ops", "password": {"$ne": None}}, token="")
    assert answer.status == 400 and answer.body["violations"][0]["field"] == "password.$ne"
    answer = api.post("/api/v1/sessions/staff", {"username": "ops", "password": ["a"]}, token="")
    assert answer.status == 400 and answer.body["violations"][0]["code"] == "request.type"


@pytest.mark.parametrize("query, code", [
    ("box[$ne]=x", "request.unknown_field"),
    ("$where=1", "request.forbidden_key"),
    ("limit[$gt]=0", "request.unknown_field"),
    ("limit=$gt", "request.type"),
    ("box=unit:x&box=unit:y", "request.repeated"),
    ("box=enterprise:a.b", "request.format"),
])
def test_query_string_tricks_are_refused(api: Api, query: str, code: str) -> None:
    _, token = api.register_enterprise()
    answer = api.get(f"/api/v1/inbox?{query}", token=token)
    assert (answer.status, answer.code) == (400, "request.invalid"), answer.body
    assert code in {v["code"] for v in answer.body["violations"]}


def test_markup_is_stored_verbatim_and_returned_inert(api: Api, gateway_url: str, mongo: MongoClient) -> None:
    name = "<script>alert('x')</script>&<b>衡阳标记有限公司</b>"
    answer = api.post("/api/v1/enterprises", registration(name=name), token="")
    assert answer.status == 201, answer.body
    assert answer.body["name"] == name
    stored = mongo.zjtx_registration.enterprises.find_one({"_id": answer.body["id"]})
    assert stored["profile"]["name"] == name
    token = api.sign_in_enterprise(answer.body["uscc"])
    raw = requests.get(f"{gateway_url}/api/v1/enterprise", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert "<script>" not in raw.text and "\\u003cscript\\u003e" in raw.text
    assert raw.json()["name"] == name
    assert raw.headers["Content-Type"].startswith("application/json")
    assert raw.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in raw.headers["Content-Security-Policy"]


def test_an_oversized_body_is_refused_before_it_is_read(api: Api) -> None:
    answer = api.post("/api/v1/sessions/staff", data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                      headers={"Content-Type": "application/json"}, token="")
    assert (answer.status, answer.code) == (413, "request.too_large")
    assert "请求内容超过该接口的上限（最大65536字节）" in answer.body["message"]  # the route's limit, named


@pytest.mark.parametrize("data, content_type, status, code", [
    (b'{"username": "ops", "password": "x"', "application/json", 400, "request.malformed_json"),
    (b'{"username": "ops", "username": "admin", "password": "x"}', "application/json", 400, "request.malformed_json"),
    (b'{"username": "ops", "password": NaN}', "application/json", 400, "request.malformed_json"),
    (b"\xff\xfe", "application/json", 400, "request.malformed_json"),
    (b'{"username": "ops", "password": "\\ud800"}', "application/json", 400, "request.malformed_json"),
    (b'{"username": "ops", "password": 1e400}', "application/json", 400, "request.malformed_json"),
    (b"username=ops&password=x", "application/x-www-form-urlencoded", 415, "request.media_type"),
    (b"[]", "application/json", 400, "request.invalid"),
])
def test_malformed_bodies(api: Api, data: bytes, content_type: str, status: int, code: str) -> None:
    answer = api.post("/api/v1/sessions/staff", data=data, headers={"Content-Type": content_type}, token="")
    assert (answer.status, answer.code) == (status, code)
    assert answer.body["message"] and set(answer.body) == {"code", "message", "violations"}


def test_unknown_paths_and_methods(api: Api) -> None:
    missing = api.get("/api/v1/nothing-here", token="")
    assert (missing.status, missing.code) == (404, "not_found")
    wrong = api.request("PATCH", "/api/v1/me", token="")
    assert (wrong.status, wrong.code) == (405, "method_not_allowed") and "GET" in wrong.headers["Allow"]
    bad_id = api.get("/api/v1/programmes/..%2F..%2Fetc", token="")
    assert bad_id.status in (400, 404)


def test_every_answer_carries_a_trace_id_and_no_store(api: Api) -> None:
    answer = api.get("/api/v1/programmes", token="")
    assert answer.status == 200
    assert len(answer.headers["X-Trace-Id"]) == 32 and answer.headers["Cache-Control"] == "no-store"


def test_a_refused_registration_loses_nothing(api: Api, mongo: MongoClient) -> None:
    """A registration the service refuses leaves no credential behind: the USCC stays free."""
    body = registration(region_code="999999")
    refused = api.post("/api/v1/enterprises", body, token="")
    assert refused.status == 400, refused.body
    assert refused.body["violations"], "the service names the problem"
    assert mongo.zjtx_gateway.credentials.find_one({"login": f"enterprise:{body['uscc']}"}) is None
    fixed = api.post("/api/v1/enterprises", {**body, "region_code": "430405"}, token="")
    assert fixed.status == 201, fixed.body
    again = api.post("/api/v1/enterprises", {**body, "region_code": "430405"}, token="")
    assert (again.status, again.code) == (409, "enterprise.uscc_registered")


def test_the_write_log_names_who_what_and_where(suite: object, api: Api) -> None:
    enterprise, token = api.register_enterprise()
    api.delete("/api/v1/session", token=token)
    log = suite.log_dir / "gateway.log"  # type: ignore[attr-defined]

    def line() -> dict[str, object] | None:
        for text in reversed(log.read_text(encoding="utf-8").splitlines()):
            if text.startswith("{") and '"route": "signOut"' in text and enterprise["id"] in text:
                return json.loads(text)
        return None

    record = until(line, timeout=10, what="the sign-out's log line")
    assert record["role"] == "enterprise" and record["client_address"] == "127.0.0.1"
    assert record["status"] == 204 and len(str(record["trace_id"])) == 32


def test_a_whole_number_written_as_a_decimal_is_an_integer(api: Api) -> None:
    """Found by the fuzz: 2.0 is a valid JSON Schema integer and must reach the service as 2."""
    _, token = api.register_enterprise()
    answer = api.put("/api/v1/enterprise", data=b'{"expected_version": 2.0, "name": "x", "region_code": "430405", '
                     b'"industry": "y", "contact": {"person": "z"}}', headers={"Content-Type": "application/json"},
                     token=token)
    assert answer.status in (400, 409) and answer.code != "internal", answer.body
