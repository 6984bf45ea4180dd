"""The HTTP edge against hostile clients, over real HTTP to the running gateway: deep JSON,
bodies beyond a route's limit, clients that promise more than they send, too many or too
large headers, bad query parameters, and the health endpoints. Every refusal is the API's
JSON error with a Chinese message naming the limit; the gateway logs no traceback and
stores nothing."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from gwclient import PASSWORD, Api, fresh_uscc
from pymongo import MongoClient

from gateway.limits import DEFAULT_JSON_LIMIT, DEFAULT_UPLOAD_LIMIT, NO_BODY_LIMIT
from gateway.rules.validation import MAX_DEPTH
from harness.wait import until
from zjtx.clock import set_clock_file
from zjtx.config import REPO_ROOT
from zjtx.embedded_mongo import free_port
from zjtx.up import Suite

READ_TIMEOUT = 10  # the gateway's default GATEWAY_READ_TIMEOUT_SECONDS


@pytest.fixture
def gateway_log(suite: Suite) -> Iterator[Path]:
    """The gateway's log; after the test, no traceback may have been written to it."""
    path = suite.log_dir / "gateway.log"
    start = path.stat().st_size
    yield path
    with path.open("rb") as handle:
        handle.seek(start)
        written = handle.read().decode("utf-8", "replace")
    assert "Traceback" not in written and "RecursionError" not in written, written[-3000:]


def address(gateway_url: str) -> tuple[str, int]:
    parsed = urllib.parse.urlsplit(gateway_url)
    return parsed.hostname or "127.0.0.1", int(parsed.port or 80)


def exchange(gateway_url: str, head: bytes, body: bytes = b"", timeout: float = 30.0) -> tuple[int, dict[str, str], Any]:
    """Send raw bytes, read the one answer; (status, headers, JSON body)."""
    with socket.create_connection(address(gateway_url), timeout=timeout) as sock:
        sock.sendall(head + body)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        header_text, _, rest = data.partition(b"\r\n\r\n")
        lines = header_text.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
    return status, headers, json.loads(rest[:length].decode("utf-8")) if length else None


def request_head(method: str, path: str, *, length: int | None = None, extra: str = "",
                 content_type: str = "application/json") -> bytes:
    text = f"{method} {path} HTTP/1.1\r\nHost: gateway\r\nContent-Type: {content_type}\r\n"
    if length is not None:
        text += f"Content-Length: {length}\r\n"
    return (text + extra + "\r\n").encode("latin-1")


def assert_api_error(status: int, headers: dict[str, str], body: Any, expected_status: int, code: str) -> None:
    assert status == expected_status, body
    assert headers["content-type"].startswith("application/json"), headers
    assert set(body) == {"code", "message", "violations"} and body["code"] == code, body


# ---- 1. deep JSON ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/sessions/enterprise", "/api/v1/enterprises"])
def test_deep_json_is_refused_before_it_is_parsed(gateway_url: str, gateway_log: Path, mongo: MongoClient,
                                                  path: str) -> None:
    before = mongo.zjtx_gateway.credentials.count_documents({})
    deep = b"[" * 10000 + b"]" * 10000  # 20 KB: a RecursionError for a recursive parser
    status, headers, body = exchange(gateway_url, request_head("POST", path, length=len(deep)), deep)
    assert_api_error(status, headers, body, 400, "request.too_deep")
    assert f"{MAX_DEPTH}层" in body["message"], body
    assert body["violations"][0]["field"] == "body"
    # a deep value inside an otherwise valid registration: refused the same way, nothing stored
    uscc = fresh_uscc()
    nested: Any = "x"
    for _ in range(MAX_DEPTH + 1):
        nested = [nested]
    registration = json.dumps({"uscc": uscc, "name": "衡阳深层嵌套有限公司", "region_code": "430405", "industry": "y",
                               "contact": {"person": nested}, "password": PASSWORD}).encode()
    status, headers, body = exchange(gateway_url, request_head("POST", "/api/v1/enterprises", length=len(registration)),
                                     registration)
    assert_api_error(status, headers, body, 400, "request.too_deep")
    assert mongo.zjtx_gateway.credentials.find_one({"login": f"enterprise:{uscc}"}) is None
    assert mongo.zjtx_gateway.credentials.count_documents({}) == before
    # as deep as accepted is accepted (then judged by the schema)
    edge = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    status, headers, body = exchange(gateway_url, request_head("POST", path, length=len(edge)), edge)
    assert_api_error(status, headers, body, 400, "request.invalid")


# ---- 2. too large a body: the API's JSON error, per route --------------------------------------


def test_a_json_body_beyond_its_routes_limit_is_refused_from_its_content_length(gateway_url: str, gateway_log: Path) -> None:
    """27 MiB announced and not one byte sent: refused at once, as JSON, naming the route's limit."""
    status, headers, body = exchange(gateway_url, request_head("POST", "/api/v1/sessions/staff", length=27 * 1024 * 1024))
    assert_api_error(status, headers, body, 413, "request.too_large")
    assert f"最大{DEFAULT_JSON_LIMIT}字节" in body["message"], body
    # just over the limit, sent in full
    data = b'{"username": "ops", "password": "' + b"x" * DEFAULT_JSON_LIMIT + b'"}'
    status, headers, body = exchange(gateway_url, request_head("POST", "/api/v1/sessions/staff", length=len(data)), data)
    assert_api_error(status, headers, body, 413, "request.too_large")


def test_an_upload_beyond_the_largest_attachment_is_refused_before_it_is_read(api: Api, gateway_url: str,
                                                                              gateway_log: Path,
                                                                              clock_file: Path) -> None:
    _, token = api.register_enterprise()
    set_clock_file(clock_file, "2020-05-10T10:00:00+08:00")  # the programme's window is open
    try:
        created = api.post("/api/v1/applications", {"programme_id": "hunan-2020-little-giant"}, token=token)
    finally:
        set_clock_file(clock_file, "")
    assert created.status == 201, created.body
    app_id = created.body["id"]
    path = f"/api/v1/applications/{app_id}/attachments?kind=business_licence&filename=big.pdf"
    head = request_head("POST", path, length=DEFAULT_UPLOAD_LIMIT + 1, content_type="application/pdf",
                        extra=f"Authorization: Bearer {token}\r\n")
    status, headers, body = exchange(gateway_url, head)
    assert_api_error(status, headers, body, 413, "request.too_large")
    assert f"最大{DEFAULT_UPLOAD_LIMIT}字节" in body["message"], body
    # chunked, with no Content-Length: refused once the bytes pass the limit
    head = (f"POST {path} HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/pdf\r\n"
            f"Authorization: Bearer {token}\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    chunk = b"%x\r\n" % (1024 * 1024) + b"\0" * (1024 * 1024) + b"\r\n"
    with socket.create_connection(address(gateway_url), timeout=30) as sock:
        sock.sendall(head)
        answer = b""
        try:
            for _ in range(DEFAULT_UPLOAD_LIMIT // (1024 * 1024) + 4):
                sock.sendall(chunk)
        except OSError:
            pass  # the gateway answered and closed while the rest was on its way
        sock.settimeout(30)
        while True:  # the gateway closes the connection after its refusal
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            answer += data
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"code": "request.too_large"' in answer
    listed = api.get(f"/api/v1/applications/{app_id}/attachments", token=token)
    assert listed.status == 200 and not listed.body.get("attachments"), listed.body  # nothing stored


def test_a_body_on_a_route_without_one_is_bounded(gateway_url: str, gateway_log: Path) -> None:
    status, headers, body = exchange(gateway_url, request_head("GET", "/api/v1/programmes", length=NO_BODY_LIMIT + 1))
    assert_api_error(status, headers, body, 413, "request.too_large")
    assert f"最大{NO_BODY_LIMIT}字节" in body["message"]


def test_the_document_states_each_routes_body_limit(api: Api) -> None:
    document = api.get("/openapi.json", token="").body
    paths = document["paths"]
    assert paths["/api/v1/sessions/staff"]["post"]["x-max-body-bytes"] == DEFAULT_JSON_LIMIT
    assert paths["/api/v1/sessions/staff"]["post"]["x-max-json-depth"] == MAX_DEPTH
    upload = paths["/api/v1/applications/{application_id}/attachments"]["post"]
    assert upload["x-max-body-bytes"] == DEFAULT_UPLOAD_LIMIT and str(DEFAULT_UPLOAD_LIMIT) in \
        upload["requestBody"]["description"]
    assert "413" in upload["responses"] and "431" in upload["responses"]


# ---- 3. clients that promise more than they send -------------------------------------------------


def test_two_hundred_clients_that_promise_more_than_they_send_neither_hold_the_gateway_nor_delay_a_sign_in(
        api: Api, gateway_url: str, gateway_log: Path) -> None:
    uscc_body, _ = api.register_enterprise()

    def sign_in() -> float:
        started = time.perf_counter()
        api.sign_in_enterprise(uscc_body["uscc"])  # asserts the 200
        return time.perf_counter() - started

    baseline = min(sign_in() for _ in range(3))
    liars: list[socket.socket] = []
    try:
        for _ in range(200):
            sock = socket.create_connection(address(gateway_url), timeout=5)
            sock.sendall(request_head("POST", "/api/v1/sessions/enterprise", length=1000) + b'{"uscc": "9143')
            liars.append(sock)
        connected_at = time.monotonic()
        loaded = [sign_in() for _ in range(3)]  # while all 200 hold their half-sent requests
        delay = min(loaded) - baseline
        print(f"\nsign-in: {baseline * 1000:.0f} ms alone, {min(loaded) * 1000:.0f} ms (best of 3) with 200 clients "
              f"holding half-sent requests: +{delay * 1000:.0f} ms")
        # the gateway closes every one of them after its read timeout, without an answer
        for sock in liars:
            sock.settimeout(max(1.0, READ_TIMEOUT * 3 - (time.monotonic() - connected_at)))
            assert sock.recv(1) == b"", "the gateway answered a request that never arrived in full"
        held = time.monotonic() - connected_at
        print(f"all 200 closed by the gateway {held:.1f} s after they connected (read timeout {READ_TIMEOUT} s)")
    finally:
        for sock in liars:
            sock.close()
    sign_in()  # and the gateway still serves


def test_a_client_dripping_its_headers_is_cut_off(gateway_url: str, gateway_log: Path) -> None:
    """One header byte every 2 s never trips the idle timeout, but the headers' deadline does."""
    with socket.create_connection(address(gateway_url), timeout=5) as sock:
        sock.sendall(b"GET /api/v1/programmes HTTP/1.1\r\nHost: gateway\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < READ_TIMEOUT * 4:
            try:
                sock.sendall(b"X")
            except OSError:
                closed = True
                break
            sock.settimeout(2)
            try:
                if sock.recv(1) == b"":
                    closed = True
                    break
            except TimeoutError:
                continue
            except ConnectionResetError:  # cut off while a dripped byte was still unread: a reset
                closed = True
                break
        assert closed, "the dripping client was never cut off"
        print(f"\ndripping client cut off after {time.monotonic() - started:.1f} s")


# ---- 4. headers -------------------------------------------------------------------------------


def test_too_many_headers_are_refused_with_431(gateway_url: str, gateway_log: Path) -> None:
    many = "".join(f"X-Filler-{i}: {i}\r\n" for i in range(2000))
    status, headers, body = exchange(gateway_url, request_head("GET", "/api/v1/programmes", extra=many))
    assert_api_error(status, headers, body, 431, "request.headers_too_large")
    assert "最多100行" in body["message"], body
    few = "".join(f"X-Filler-{i}: {i}\r\n" for i in range(60))
    status, headers, body = exchange(gateway_url, request_head("GET", "/api/v1/programmes", extra=few))
    assert status == 200


def test_too_large_headers_are_refused_with_431(gateway_url: str, gateway_log: Path) -> None:
    big = f"X-Big: {'a' * 40000}\r\n"
    status, headers, body = exchange(gateway_url, request_head("GET", "/api/v1/programmes", extra=big))
    assert_api_error(status, headers, body, 431, "request.headers_too_large")
    assert "32768字节" in body["message"], body


def test_a_malformed_request_is_a_json_error(gateway_url: str, gateway_log: Path) -> None:
    status, headers, body = exchange(gateway_url, b"GET /api/v1/programmes HTTP/1.1\r\nHost: gateway\r\nBad Header\r\n\r\n")
    assert_api_error(status, headers, body, 400, "request.malformed_http")


# ---- 5. a bad query parameter is named as one ----------------------------------------------------


def test_a_bad_query_parameter_is_named(api: Api, gateway_log: Path) -> None:
    _, token = api.register_enterprise()
    answer = api.get("/api/v1/inbox?bogus=1&limit=x", token=token)
    assert (answer.status, answer.code) == (400, "request.invalid"), answer.body
    fields = {v["field"]: v for v in answer.body["violations"]}
    assert set(fields) == {"bogus", "limit"}, answer.body  # never `body`
    assert "查询参数“bogus”" in fields["bogus"]["message"] and "查询参数“limit”" in fields["limit"]["message"]
    assert "查询参数" in answer.body["message"]


# ---- 7. health ------------------------------------------------------------------------------------


def test_readiness_answers_from_a_result_at_most_a_second_old(api: Api) -> None:
    live = api.get("/healthz", token="")
    assert live.status == 200 and live.body == {"status": "ok"}
    ages = []
    for _ in range(30):
        ready = api.get("/readyz", token="")
        assert ready.status == 200 and set(ready.body["services"]) == {"registration", "review", "notification",
                                                                        "reporting"}
        ages.append(ready.body["age_seconds"])
    assert max(ages) <= 1.0, ages
    print(f"\nreadiness ages over 30 probes: max {max(ages):.3f} s, {sum(1 for a in ages if a > 0)} from the cache")


def test_liveness_touches_no_other_service(tmp_path: Path, suite: Suite) -> None:
    """A gateway whose services are all unreachable is alive (liveness) and not ready (readiness)."""
    port = free_port()  # the suite's: never one of the ports the suite's services were given
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "GATEWAY_"))}
    env.update({"PYTHONPATH": str(REPO_ROOT / "services"), "ZJTX_VAR_DIR": str(tmp_path), "GATEWAY_HTTP_PORT": str(port),
                "GATEWAY_HTTP_HOST": "127.0.0.1", "MONGO_URI": suite.env["MONGO_URI"],
                "GATEWAY_DATABASE": "zjtx_gateway_liveness", "ZJTX_PKI_DIR": suite.env["ZJTX_PKI_DIR"],
                "OTEL_TRACES_EXPORTER": "none", "OTEL_SDK_DISABLED": "true",
                "ZJTX_BOOTSTRAP_ADMIN_PASSWORD": "", "ZJTX_BOOTSTRAP_OPERATIONS_PASSWORD": "",
                **{f"{name}_TARGET": "127.0.0.1:9" for name in ("REGISTRATION", "REVIEW", "NOTIFICATION", "REPORTING")}})
    log = (tmp_path / "gateway.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "gateway"], env=env, stdout=log, stderr=subprocess.STDOUT,
                               cwd=tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"

        def alive() -> requests.Response | None:
            try:
                return requests.get(f"{base}/healthz", timeout=2)
            except requests.RequestException:
                return None

        live = until(alive, timeout=60, what="the private gateway's liveness")
        assert live.status_code == 200 and live.json() == {"status": "ok"}
        ready = requests.get(f"{base}/readyz", timeout=30)
        assert ready.status_code == 503 and ready.json()["status"] == "degraded", ready.text
        assert all(state != "SERVING" for state in ready.json()["services"].values())
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    assert "Traceback" not in (tmp_path / "gateway.log").read_text(encoding="utf-8", errors="replace")
