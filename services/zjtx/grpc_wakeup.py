"""nameko-grpc without its 10 ms polling: connection loops that sleep until there is work.

nameko-grpc 1.3.0 runs each HTTP/2 connection in a green thread that loops
``on_iteration(); select([sock], timeout=0.01)``. A response a worker writes to a stream
is only noticed at the next turn of that loop, so every call waits up to 10 ms at each
nameko-grpc end (about 13 ms measured, 76 calls/s from a plain client: docs/stack.md),
and every open connection wakes its process 100 times a second while idle. Deadlines
cost more still: each call with a deadline gets a green thread that wakes every 1 ms
until the call ends, on both sides.

``install()`` (called by ``zjtx.launch`` in every service process) replaces those loops:

- each connection owns a wake-up pipe; the loop selects on the socket and the pipe, and
  anything that gives the loop work (a stream getting a message or closing, a client
  queueing a request, ``stop()``) writes one byte to the pipe. The loop still turns at
  least once a second (``IDLE_SECONDS``) as a safety net, so nothing is ever stuck for
  longer than that even if a wake-up were missed;
- a call's deadline is one hub timer instead of a 1 ms polling thread.

``ZJTX_GRPC_WAKEUP=0`` keeps nameko-grpc's own loop (used by the benchmark to show the
difference; see docs/performance.md).
"""

from __future__ import annotations

import os
import select
import socket
from typing import Any

IDLE_SECONDS = 1.0
_installed = False


def _raw_os() -> Any:
    """The unpatched ``os``: eventlet's green read/write yield to the hub before every call,
    which a wake-up (made from hub timers and inside Queue.put) must never do."""
    try:
        from eventlet.patcher import original
    except ImportError:  # pragma: no cover - eventlet is always there in a service
        return os
    return original("os")


class _Waking:
    """Mixin for nameko-grpc's ConnectionManager: a pipe that interrupts the loop's select."""

    sock: Any
    conn: Any
    run: bool
    terminating: bool
    stopped: Any
    send_streams: dict[int, Any]

    def _init_wakeup(self) -> None:
        # A call's headers and its message leave in separate writes once the loop no
        # longer batches them by sleeping: without TCP_NODELAY, Nagle holds the second
        # write until the peer's delayed ACK (40 ms on Linux).
        try:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, AttributeError):
            pass  # not a TCP socket (a test's socketpair): nothing to tune
        self._os = _raw_os()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._wake_pending = False

    def wake(self) -> None:
        if self._wake_pending or self._wake_w < 0:
            return  # a byte is already in the pipe, or the loop has ended and closed it
        self._wake_pending = True
        try:
            self._os.write(self._wake_w, b"w")
        except (BlockingIOError, OSError):
            pass  # pipe full (the loop will wake anyway) or closed (the loop has ended)

    def _drain(self) -> None:
        self._wake_pending = False
        try:
            self._os.read(self._wake_r, 4096)  # select said readable: holds a byte or a few
        except (BlockingIOError, OSError):
            pass

    def _watch(self, stream_id: int) -> None:
        """Wake the loop whenever a worker or a timeout puts something on this send stream."""
        stream = self.send_streams.get(stream_id)
        if stream is None or getattr(stream, "_zjtx_waking", False):
            return
        queue_put = stream.queue.put

        def put(item: Any, *args: Any, **kwargs: Any) -> None:
            queue_put(item, *args, **kwargs)
            self.wake()

        stream.queue.put = put
        stream._zjtx_waking = True

    def run_forever(self) -> None:
        # nameko-grpc's ConnectionManager.run_forever, with the wake-up pipe in the select
        from nameko_grpc import connection as base

        base.log.debug(f"connection initiated {self}")
        self.conn.initiate_connection()
        try:
            with self.cleanup_on_exit():  # type: ignore[attr-defined]
                while self.run:
                    self.on_iteration()  # type: ignore[attr-defined]
                    if not self.run:
                        break
                    self.sock.sendall(self.conn.data_to_send())
                    ready, _, _ = select.select([self.sock, self._wake_r], [], [], IDLE_SECONDS)
                    if self._wake_r in ready:
                        self._drain()
                    # with TLS, bytes already decrypted into the SSL object are invisible to select
                    if self.sock not in ready and not getattr(self.sock, "pending", lambda: 0)():
                        continue
                    data = self.sock.recv(65535)
                    if not data:
                        break
                    for event in self.conn.receive_data(data):
                        self._dispatch(event)
        finally:
            # forget the numbers first: a late wake() must not write into a reused descriptor
            read_end, write_end = self._wake_r, self._wake_w
            self._wake_r = self._wake_w = -1
            self._os.close(read_end)
            self._os.close(write_end)

    def _dispatch(self, event: Any) -> None:
        handler = _HANDLERS.get(type(event))
        if handler is not None:  # nameko-grpc ignores the others too (pings, priority...)
            getattr(self, handler)(event)

    def stop(self) -> None:
        self.conn.close_connection()
        self.terminating = True
        self.wake()
        self.stopped.wait(5)


def _handlers() -> dict[type, str]:
    from h2 import events

    return {
        events.RequestReceived: "request_received",
        events.ResponseReceived: "response_received",
        events.DataReceived: "data_received",
        events.StreamEnded: "stream_ended",
        events.StreamReset: "stream_reset",
        events.WindowUpdated: "window_updated",
        events.RemoteSettingsChanged: "settings_changed",
        events.SettingsAcknowledged: "settings_acknowledged",
        events.TrailersReceived: "trailers_received",
        events.ConnectionTerminated: "connection_terminated",
    }


_HANDLERS: dict[type, str] = {}


def _deadline(first: Any, second: Any, deadline: float, on_expiry: Any) -> None:
    """One hub timer per call: when the deadline passes and the call is still open, end it."""
    import eventlet.hubs

    def expire() -> None:
        if not (first.closed and second.closed):
            on_expiry()

    eventlet.hubs.get_hub().schedule_call_global(deadline, expire)


def install() -> bool:
    """Patch nameko-grpc in this process (idempotent). Returns False when switched off."""
    global _installed
    if _installed:
        return True
    if os.environ.get("ZJTX_GRPC_WAKEUP", "1").strip().lower() in {"0", "false", "no", "off"}:
        return False
    from grpc import StatusCode
    from nameko_grpc import channel, client, entrypoint
    from nameko_grpc.connection import ClientConnectionManager, ServerConnectionManager
    from nameko_grpc.errors import GrpcError

    _HANDLERS.update(_handlers())

    class WakingServerConnectionManager(_Waking, ServerConnectionManager):
        def __init__(self, sock: Any, handle_request: Any) -> None:
            super().__init__(sock, handle_request)
            self._init_wakeup()

        def request_received(self, event: Any) -> None:
            super().request_received(event)
            self._watch(event.stream_id)

    class WakingClientConnectionManager(_Waking, ClientConnectionManager):
        def __init__(self, sock: Any) -> None:
            super().__init__(sock)
            self._init_wakeup()

        def send_request(self, request_headers: Any) -> Any:
            request_stream, response_stream = super().send_request(request_headers)
            self._watch(request_stream.stream_id)
            self.wake()
            return request_stream, response_stream

    def server_timeout(self: Any, request_stream: Any, response_stream: Any, deadline: float) -> None:
        def expire() -> None:
            request_stream.close()
            response_stream.close(GrpcError(code=StatusCode.DEADLINE_EXCEEDED, message="Deadline Exceeded"))

        _deadline(request_stream, response_stream, deadline, expire)

    def client_timeout(self: Any, send_stream: Any, response_stream: Any, deadline: float) -> None:
        def expire() -> None:
            response_stream.close(GrpcError(code=StatusCode.DEADLINE_EXCEEDED, message="Deadline Exceeded"))
            send_stream.close()

        _deadline(send_stream, response_stream, deadline, expire)

    channel.ServerConnectionManager = WakingServerConnectionManager
    channel.ClientConnectionManager = WakingClientConnectionManager
    entrypoint.GrpcServer.timeout = server_timeout
    client.ClientBase.timeout = client_timeout
    _installed = True
    return True
