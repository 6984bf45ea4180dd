"""The HTTP edge: waitress with limits that protect the gateway from hostile clients.

Waitress reads a whole request (headers and body) in its event loop before a worker thread
runs the application, so a slow or lying client costs a socket, never a thread. What this
module adds to it, all decided before the application sees anything:

- read timeouts in seconds: a connection that sends nothing for ``read_timeout`` seconds
  is closed, and a request whose line and headers are not complete ``header_timeout``
  seconds after their first byte is closed too (a client dripping one header byte at a
  time); a Content-Length larger than what is sent ends at the read timeout;
- at most ``max_header_count`` header lines and ``max_header_bytes`` bytes of request line
  and headers: 431 beyond;
- each route's own body limit, from the Content-Length before a byte of the body is read
  (and while a chunked body arrives): 413 beyond;
- every refusal the server itself makes (413, 431, a malformed request line or header, an
  unsupported transfer coding) is the API's JSON error, with a stable code and a Chinese
  message that names the limit, like every answer of the application.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher
from waitress.utilities import BadRequest, Error, RequestEntityTooLarge, RequestHeaderFieldsTooLarge

# (method, path) -> the largest body that route accepts, in bytes
LimitOf = Callable[[str, str], int]

EDGE_HEADERS = [
    ("Content-Type", "application/json; charset=utf-8"),
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Cache-Control", "no-store"),
    ("Referrer-Policy", "no-referrer"),
]


@dataclass(frozen=True)
class EdgeLimits:
    """What the edge accepts; every value is documented in docs/security.md."""

    read_timeout: float = 10.0  # seconds without a byte from the client: the connection is closed
    header_timeout: float = 10.0  # seconds from a request's first byte to the end of its headers
    max_header_bytes: int = 32768  # request line + headers
    max_header_count: int = 100  # header lines
    connection_limit: int = 1000  # open connections; beyond, new ones wait in the listen backlog
    cleanup_interval: float = 1.0  # how often the timeouts are checked

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> EdgeLimits:
        def number(key: str, default: float) -> float:
            value = config.get(key)
            return float(value) if value not in (None, "") else default

        return cls(read_timeout=number("READ_TIMEOUT_SECONDS", cls.read_timeout),
                   header_timeout=number("HEADER_TIMEOUT_SECONDS", cls.header_timeout),
                   max_header_bytes=int(number("MAX_HEADER_BYTES", cls.max_header_bytes)),
                   max_header_count=int(number("MAX_HEADER_COUNT", cls.max_header_count)),
                   connection_limit=int(number("CONNECTION_LIMIT", cls.connection_limit)))


class ApiError(Error):
    """A refusal of the edge with the API's code and Chinese message."""

    def __init__(self, status: int, reason: str, code: str, message: str) -> None:
        super().__init__(message)
        self.code = status  # waitress's name for the HTTP status
        self.reason = reason
        self.api_code = code
        self.message = message


def too_large(limit: int) -> ApiError:
    return ApiError(413, "Content Too Large", "request.too_large",
                    f"请求内容超过该接口的上限（最大{limit}字节）；请缩减内容后重试")


def headers_too_large(limits: EdgeLimits, detail: str) -> ApiError:
    return ApiError(431, "Request Header Fields Too Large", "request.headers_too_large",
                    f"请求头过大（{detail}）；最多{limits.max_header_count}行、请求行与请求头合计最多"
                    f"{limits.max_header_bytes}字节")


def error_body(code: str, message: str) -> bytes:
    text = json.dumps({"code": code, "message": message, "violations": []}, ensure_ascii=False)
    return text.translate(str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})).encode("utf-8")


def api_error_of(error: Error, limits: EdgeLimits) -> tuple[str, str]:
    """(code, Chinese message) for any refusal waitress makes."""
    if isinstance(error, ApiError):
        return error.api_code, error.message
    if isinstance(error, RequestHeaderFieldsTooLarge):
        return headers_too_large(limits, "超过字节上限").api_code, headers_too_large(limits, "超过字节上限").message
    if isinstance(error, RequestEntityTooLarge):
        return "request.too_large", "请求内容超过服务器上限；请缩减内容后重试"
    if isinstance(error, BadRequest):
        return "request.malformed_http", f"HTTP 请求格式不正确（{str(error.body)[:120]}）；请按 HTTP/1.1 发送请求行和请求头"
    if error.code == 501:
        return "request.transfer_encoding", "不支持该传输编码；请求体请直接发送并写明 Content-Length，或使用 chunked"
    return "internal", "服务器内部错误，请稍后重试；如持续出现请联系运维人员"


class JsonErrorTask(ErrorTask):
    """Waitress's own refusals, as the API's JSON error (the connection is closed after it)."""

    limits = EdgeLimits()

    def execute(self) -> None:
        error = self.request.error
        code, message = api_error_of(error, self.limits)
        body = error_body(code, message)
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend(EDGE_HEADERS)
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class EdgeParser(HTTPRequestParser):
    """Waitress's parser, plus the header-line count and each route's body limit."""

    limits = EdgeLimits()
    limit_of: LimitOf = staticmethod(lambda method, path: 0)  # type: ignore[assignment]

    def __init__(self, adj: Adjustments) -> None:
        super().__init__(adj)
        self.started = time.time()
        self.header_lines = 0
        self.body_limit = -1

    def parse_header(self, header_plus: bytes) -> None:
        # request line, the header lines, the empty line: each ends with a newline
        self.header_lines = max(0, header_plus.count(b"\n") - 2)
        super().parse_header(header_plus)

    def refuse(self, error: ApiError) -> None:
        self.error = error
        self.completed = True
        self.expect_continue = False  # never invite a body that will be refused

    def received(self, data: bytes) -> int:
        consumed = int(super().received(data))
        if self.error is not None or not self.headers_finished:
            return consumed
        if self.body_limit < 0:  # the headers just ended: check them once
            if self.header_lines > self.limits.max_header_count:
                self.refuse(headers_too_large(self.limits, f"共{self.header_lines}行"))
                return len(data)  # the rest of this read belongs to the refused request
            self.body_limit = self.limit_of(str(getattr(self, "command", "") or ""), str(getattr(self, "path", "") or ""))
            if self.content_length > self.body_limit:
                self.refuse(too_large(self.body_limit))
                return len(data)
        if self.chunked and self.body_bytes_received > self.body_limit:
            self.refuse(too_large(self.body_limit))
            return len(data)
        return consumed


class EdgeServer(TcpWSGIServer):
    """One listening socket; the header deadline is checked with waitress's idle timeout."""

    limits = EdgeLimits()
    stopping = False

    def run(self) -> None:
        """Waitress's loop, one poll at a time until ``stop``: poll(2), unlike select(2), has no
        1,024-descriptor ceiling, but does not notice the listening socket being closed."""
        while not self.stopping:
            self.asyncore.loop(timeout=self.adj.asyncore_loop_timeout, map=self._map, use_poll=True, count=1)

    def stop(self) -> None:
        """From a signal handler: the loop ends after the current poll."""
        self.stopping = True

    def close(self) -> None:
        self.task_dispatcher.shutdown()  # requests in progress finish (up to 5 s)
        super().close()

    def maintenance(self, now: float) -> None:
        super().maintenance(now)  # idle for read_timeout (channel_timeout): closed
        cutoff = now - self.limits.header_timeout
        for channel in list(self.active_channels.values()):
            request = channel.request
            if request is not None and not request.headers_finished and getattr(request, "started", now) < cutoff:
                channel.will_close = True


def create(application: Any, *, host: str, port: int, threads: int, limit_of: LimitOf, limits: EdgeLimits,
           **options: Any) -> EdgeServer:
    """The gateway's HTTP server: waitress with the edge's limits and JSON refusals."""
    parser = type("GatewayParser", (EdgeParser,), {"limits": limits, "limit_of": staticmethod(limit_of)})
    task = type("GatewayErrorTask", (JsonErrorTask,), {"limits": limits})
    channel = type("GatewayChannel", (HTTPChannel,), {"parser_class": parser, "error_task_class": task})
    server_class = type("GatewayServer", (EdgeServer,), {"limits": limits, "channel_class": channel})
    adj = Adjustments(host=host, port=port, threads=threads, channel_timeout=int(max(1, limits.read_timeout)),
                      cleanup_interval=int(max(1, limits.cleanup_interval)), connection_limit=limits.connection_limit,
                      max_request_header_size=limits.max_header_bytes,
                      max_request_body_size=2**62,  # each route's limit is enforced by EdgeParser, with its message
                      asyncore_use_poll=True, **options)
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    server: EdgeServer = server_class(application, {}, dispatcher=dispatcher, adj=adj)
    return server
