"""Streaming uploads (request body -> client-streaming gRPC) and downloads (server-streaming
gRPC -> WSGI response), neither ever holding a whole file in memory."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from google.protobuf.message import Message
from werkzeug.wrappers import Response

from gateway.routes import Context
from zjtx.errors import DomainError

UPLOAD_TYPES = ("application/pdf", "image/jpeg", "image/png")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/]')


class TooLarge(Exception):
    pass


def too_large(limit: int) -> DomainError:
    return DomainError("upload.too_large", f"文件超过大小上限（最大{limit // (1024 * 1024)} MB）；请压缩或拆分后重新上传",
                       [], "too_large")


def check_upload_headers(ctx: Context, limit: int, media_types: tuple[str, ...] = UPLOAD_TYPES) -> str:
    """The declared media type, after refusing what cannot be right before reading a byte."""
    mimetype = ctx.request.mimetype or ""
    if mimetype not in media_types:
        raise DomainError("upload.media_type", f"文件类型“{mimetype or '未指定'}”不被接受；可上传：{'、'.join(media_types)}"
                          "（请在 Content-Type 中写明）", [], "media_type")
    length = ctx.request.content_length
    if length is not None and length > limit:
        raise too_large(limit)
    return mimetype


def body_chunks(ctx: Context, limit: int) -> Iterator[bytes]:
    stream = ctx.request.stream
    size = int(ctx.gw.config.get("UPLOAD_CHUNK_BYTES") or 65536)
    total = 0
    while True:
        data = stream.read(size)
        if not data:
            return
        total += len(data)
        if total > limit:
            raise TooLarge()
        yield data


def upload(ctx: Context, service: str, method: str, first: Message, chunk: Callable[[bytes], Message],
           limit: int) -> Any:
    """Send ``first`` (the header), then the body chunk by chunk as it is read."""
    state = {"too_large": False}

    def messages() -> Iterator[Message]:
        yield first
        try:
            for data in body_chunks(ctx, limit):
                yield chunk(data)
        except TooLarge:
            state["too_large"] = True
            raise  # cancels the call: the service never stores a truncated file

    try:
        return ctx.gw.upstreams.upload(service, method, messages(), ctx.identity, ctx.client_address)
    except DomainError:
        if state["too_large"]:
            raise too_large(limit) from None
        raise


def content_disposition(filename: str) -> str:
    clean = _UNSAFE.sub("_", filename).strip() or "file"
    fallback = clean.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(clean, safe='')}"


def download(first_bytes: bytes, rest: Iterator[Any], *, filename: str, media_type: str, sha256: str = "",
             size: int = 0) -> Response:
    """A streamed response: ``first_bytes`` (from the header message), then each message's data."""
    def body() -> Iterator[bytes]:
        if first_bytes:
            yield first_bytes
        for message in rest:
            if message.data:
                yield bytes(message.data)

    headers = {"Content-Disposition": content_disposition(filename)}
    if sha256:
        headers["X-Content-SHA256"] = sha256
    if size:
        headers["Content-Length"] = str(size)
    return Response(body(), mimetype=media_type or "application/octet-stream", headers=headers,
                    direct_passthrough=True)
