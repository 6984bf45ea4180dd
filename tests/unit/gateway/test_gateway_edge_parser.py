"""The edge's parser (waitress's, extended): header lines counted, each route's body limit taken
from the request line before a body byte is read, chunked bodies cut at the limit, and every
refusal rendered as the API's JSON error."""

from __future__ import annotations

import json

from waitress.adjustments import Adjustments
from waitress.utilities import RequestHeaderFieldsTooLarge

from gateway.edge import EdgeLimits, EdgeParser, api_error_of, error_body

LIMITS = EdgeLimits(max_header_count=5, max_header_bytes=4096)


class Parser(EdgeParser):
    limits = LIMITS
    limit_of = staticmethod(lambda method, path: 100 if (method, path) == ("POST", "/small") else 10_000)


def feed(parser: Parser, data: bytes) -> None:
    while data and not parser.completed:  # as waitress's channel does: the parser consumes what it can
        data = data[parser.received(data):]


def parse(data: bytes) -> Parser:
    parser = Parser(Adjustments(max_request_header_size=4096, max_request_body_size=2**62))
    feed(parser, data)
    return parser


def test_a_body_beyond_the_routes_limit_is_refused_from_its_content_length() -> None:
    parser = parse(b"POST /small HTTP/1.1\r\nContent-Length: 101\r\n\r\n")
    assert parser.completed and parser.error is not None and parser.error.code == 413
    assert api_error_of(parser.error, LIMITS) == ("request.too_large", parser.error.message)
    assert "最大100字节" in parser.error.message
    fine = parse(b"POST /small HTTP/1.1\r\nContent-Length: 100\r\n\r\n" + b"x" * 100)
    assert fine.completed and fine.error is None
    other = parse(b"POST /large HTTP/1.1\r\nContent-Length: 101\r\n\r\n" + b"x" * 101)
    assert other.completed and other.error is None


def test_a_chunked_body_is_cut_at_the_limit() -> None:
    parser = parse(b"POST /small HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + b"50\r\n" + b"x" * 80 + b"\r\n")
    assert not parser.completed and parser.error is None
    feed(parser, b"50\r\n" + b"x" * 80 + b"\r\n")
    assert parser.completed and parser.error is not None and parser.error.code == 413


def test_header_lines_are_counted() -> None:
    many = b"".join(b"X-%d: 1\r\n" % i for i in range(6))
    parser = parse(b"GET /x HTTP/1.1\r\n" + many + b"\r\n")
    assert parser.error is not None and parser.error.code == 431
    assert "共6行" in parser.error.message and "最多5行" in parser.error.message
    assert parse(b"GET /x HTTP/1.1\r\n" + many[:-8] + b"\r\n").error is None


def test_waitress_refusals_become_the_api_error() -> None:
    code, message = api_error_of(RequestHeaderFieldsTooLarge("exceeds"), LIMITS)
    assert code == "request.headers_too_large" and "4096字节" in message
    body = json.loads(error_body(code, "<b>"))
    assert body == {"code": code, "message": "<b>", "violations": []}
    assert b"<b>" not in error_body(code, "<b>")  # markup escaped as in every JSON answer
