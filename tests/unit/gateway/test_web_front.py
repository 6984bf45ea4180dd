"""The gateway's serving of the built front (services/gateway/web.py) on a build made here."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from gateway.web import CSP, Front


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><script type="module" src="/assets/app-1a2b.js"></script>')
    (tmp_path / "assets" / "app-1a2b.js").write_text("console.log('前端');\n" * 200)
    (tmp_path / "robots.txt").write_text("User-agent: *\n")
    return tmp_path


def client(root: Path) -> Client:
    front = Front(root)

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        answer = front.serve(Request(environ)) or Response("api", status=404)
        return answer(environ, start_response)

    return Client(app)


def test_client_routes_get_index_uncached_with_the_csp(dist: Path) -> None:
    for path in ("/", "/apply/abc", "/review/tasks"):
        answer = client(dist).get(path)
        assert answer.status_code == 200 and b"app-1a2b.js" in answer.data
        assert answer.headers["Cache-Control"] == "no-cache"
        assert answer.headers["Content-Security-Policy"] == CSP
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self';" in CSP and "unsafe-inline" not in CSP and "frame-ancestors 'none'" in CSP


def test_hashed_assets_are_immutable_and_gzipped(dist: Path) -> None:
    answer = client(dist).get("/assets/app-1a2b.js", headers={"Accept-Encoding": "gzip, br"})
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(answer.data) == (dist / "assets" / "app-1a2b.js").read_bytes()
    again = client(dist).get("/assets/app-1a2b.js", headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


def test_missing_files_and_escapes_are_not_answered_with_the_page(dist: Path) -> None:
    assert client(dist).get("/assets/app-old.js").status_code == 404
    assert client(dist).get("/favicon.ico").status_code == 404
    assert client(dist).get("/robots.txt").data == b"User-agent: *\n"
    assert b"app-1a2b" in client(dist).get("/../../etc/passwd").data  # resolved inside the build: the page


def test_api_paths_and_writes_are_left_to_the_api(dist: Path) -> None:
    for path in ("/api/v1/nothing", "/openapi.json", "/asyncapi.json", "/healthz", "/api"):
        assert client(dist).get(path).data == b"api"
    assert client(dist).post("/apply").data == b"api"


def test_an_unbuilt_front_says_how_to_build_it(tmp_path: Path) -> None:
    answer = client(tmp_path / "missing").get("/apply")
    assert answer.status_code == 503
    assert "前端尚未构建" in answer.get_data(as_text=True) and "make web" in answer.get_data(as_text=True)
