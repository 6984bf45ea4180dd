"""The built web front (web/dist, Vite) served by the gateway on the API's own origin.

- ``/assets/...``: Vite's content-hashed files, cached for a year (``immutable``); a name
  that is not there is a plain 404 (a stale page asking for an old chunk must not get HTML).
- any other GET/HEAD path that is not the API's (``/api/``, ``/openapi.json``,
  ``/asyncapi.json``, ``/healthz``, ``/metrics``): the file of that name in the build if
  there is one, else ``index.html`` (client-side routes such as ``/apply/abc``), never
  cached so a new build is picked up at once.
- not built: a short Chinese/English page (503) saying how to build it, and one warning
  in the log at start.

Text files are gzipped once in memory when the browser accepts it. Every page carries a
Content-Security-Policy that admits only the front's own scripts and styles (no inline
script, no eval; Element Plus and Vue set styles through the CSSOM, which CSP does not
restrict), plus nosniff, no-referrer and no framing.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path

from werkzeug.wrappers import Request, Response

log = logging.getLogger("gateway.web")

API_PREFIXES = ("/api/", "/openapi.json", "/asyncapi.json", "/healthz", "/readyz", "/metrics")
ASSETS = "/assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    # attachments are previewed in the page from blob: URLs (PDF viewer, images)
    "frame-src 'self' blob:",
    "object-src 'none'",
    "worker-src 'self' blob:",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/manifest+json")
NOT_BUILT = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>前端尚未构建 · ZJTX</title></head>
<body><main><h1>前端尚未构建</h1>
<p>网关找不到前端页面（{root}/index.html）。请在仓库根目录运行 <code>make web</code>（npm ci 后 npm run build），或直接运行
<code>make up</code> / <code>make demo</code>，它们会先构建前端。接口仍可使用：<a href="/openapi.json">/openapi.json</a>。</p>
<p lang="en">The web front has not been built ({root}/index.html is missing): run <code>make web</code>.
The API is unaffected.</p></main></body></html>
"""

mimetypes.add_type("application/javascript", ".js")
mimetypes.add_type("application/javascript", ".mjs")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("font/woff2", ".woff2")


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    media_type: str
    etag: str


def is_front_path(path: str) -> bool:
    return not any(path == p.rstrip("/") or path.startswith(p) for p in API_PREFIXES)


class Front:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._cache: dict[Path, tuple[float, Asset]] = {}
        self._lock = threading.Lock()
        if not (self.root / "index.html").is_file():
            log.warning("web front not built: %s/index.html is missing; `make web` builds it "
                        "(the gateway answers a page saying so at /)", self.root)

    @property
    def built(self) -> bool:
        return (self.root / "index.html").is_file()

    def serve(self, request: Request) -> Response | None:
        """The front's answer to ``request``, or None when the path is not the front's."""
        path = request.path
        if request.method not in ("GET", "HEAD") or not is_front_path(path):
            return None
        if not self.built:
            return self._page(Response(NOT_BUILT.format(root=self.root), status=503, mimetype="text/html"))
        file = self._file(path)
        if file is None:
            named_file = "." in path.rsplit("/", 1)[-1] and not path.endswith(".html")
            if path.startswith(ASSETS) or named_file:
                return self._page(Response("not found\n", status=404, mimetype="text/plain"))
            file = self.root / "index.html"
        cache = IMMUTABLE if path.startswith(ASSETS) else REVALIDATE
        return self._send(request, file, cache)

    def _file(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        if not relative or "\x00" in relative or "\\" in relative:
            return None
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    def _asset(self, file: Path) -> Asset:
        stamp = file.stat().st_mtime
        with self._lock:
            cached = self._cache.get(file)
            if cached and cached[0] == stamp:
                return cached[1]
        body = file.read_bytes()
        media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        gzipped = gzip.compress(body, 9, mtime=0) if media_type.startswith(COMPRESSIBLE) and len(body) > 512 else None
        asset = Asset(body, gzipped, media_type, hashlib.sha256(body).hexdigest()[:32])
        with self._lock:
            self._cache[file] = (stamp, asset)
        return asset

    def _send(self, request: Request, file: Path, cache: str) -> Response:
        asset = self._asset(file)
        headers = {"Cache-Control": cache, "ETag": f'"{asset.etag}"', "Vary": "Accept-Encoding"}
        if request.if_none_match.contains(asset.etag):
            return self._page(Response(status=304, headers=headers))
        body = asset.body
        if asset.gzipped is not None and "gzip" in request.accept_encodings:
            body = asset.gzipped
            headers["Content-Encoding"] = "gzip"
        media_type = asset.media_type + ("; charset=utf-8" if asset.media_type.startswith(("text/", "application/j"))
                                         else "")
        response = Response(b"" if request.method == "HEAD" else body, headers=headers, content_type=media_type)
        response.headers["Content-Length"] = str(len(body))
        return self._page(response)

    @staticmethod
    def _page(response: Response) -> Response:
        for name, value in PAGE_HEADERS.items():
            response.headers[name] = value
        response.headers.setdefault("Cache-Control", "no-store")
        return response
