"""Browser sessions: the session token in an HttpOnly cookie, with a CSRF token bound to it.

The protocol (the web front codes against it; services/gateway/README.md documents it):

- Sign-in (``POST /api/v1/sessions/enterprise|staff``) with the request header
  ``X-ZJTX-Session: cookie`` answers the usual session body without ``token``
  (``token_type: "Cookie"``) and sets two cookies, both ``SameSite=Strict; Path=/`` and
  ``Secure`` behind TLS (``GATEWAY_COOKIE_SECURE``: auto, true or false):
  ``zjtx_session`` (HttpOnly) holding the session token, and ``zjtx_csrf`` (readable by the
  page's script) holding HMAC-SHA256(key, token), so it is bound to that one session.
- A request without ``Authorization`` but with the ``zjtx_session`` cookie is authenticated
  with that token exactly as a bearer token would be. Every unsafe method (POST, PUT,
  PATCH, DELETE) so authenticated must carry ``X-CSRF-Token`` equal to the bound value,
  else 403 ``csrf.missing`` / ``csrf.mismatch``.
- ``Authorization: Bearer`` still works unchanged for systems (and wins over a cookie).
- Sign-out (``DELETE /api/v1/session``) revokes the token and clears both cookies.

The cookie holds whatever token string the gateway issues; nothing here reads its format.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from werkzeug.wrappers import Request, Response

from zjtx.errors import forbidden

SESSION_COOKIE = "zjtx_session"
CSRF_COOKIE = "zjtx_csrf"
MODE_HEADER = "X-ZJTX-Session"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_LABEL = b"zjtx browser session csrf v1"


class BrowserSessions:
    def __init__(self, key: bytes, secure: str = "auto") -> None:
        if secure not in ("auto", "true", "false"):
            raise ValueError(f"GATEWAY_COOKIE_SECURE={secure!r}; accepted: auto, true, false")
        self._key = hmac.new(key, _LABEL, hashlib.sha256).digest()  # a key of its own, derived
        self.secure = secure

    @staticmethod
    def wanted(request: Request) -> bool:
        """The sign-in asked for a cookie session."""
        return request.headers.get(MODE_HEADER, "").strip().lower() == "cookie"

    @staticmethod
    def token_of(request: Request) -> str:
        return request.cookies.get(SESSION_COOKIE, "").strip()

    def csrf_for(self, token: str) -> str:
        return hmac.new(self._key, token.encode("utf-8"), hashlib.sha256).hexdigest()

    def check_csrf(self, request: Request, token: str) -> None:
        """Unsafe methods authenticated by the cookie must prove the page read the CSRF cookie."""
        if request.method not in UNSAFE:
            return
        sent = request.headers.get(CSRF_HEADER, "").strip()
        if not sent:
            raise forbidden("csrf.missing", f"请求缺少防跨站伪造校验：使用登录 Cookie 的修改请求须在 {CSRF_HEADER} "
                                            f"请求头中携带 {CSRF_COOKIE} Cookie 的值；请刷新页面后重试")
        if not hmac.compare_digest(sent, self.csrf_for(token)):
            raise forbidden("csrf.mismatch", f"防跨站伪造校验未通过：{CSRF_HEADER} 请求头与本次登录的 {CSRF_COOKIE} "
                                             "Cookie 不一致；请刷新页面或重新登录后重试")

    def _secure(self, request: Request) -> bool:
        return self.secure == "true" or (self.secure == "auto" and request.is_secure)

    def signed_in(self, request: Request, body: dict[str, Any], token: str, max_age: int, status: int = 200) -> Response:
        """The sign-in answer of a cookie session: the body without the token, the two cookies set."""
        from gateway.app import json_response  # the gateway's JSON encoding (escaped markup)

        answer = {k: v for k, v in body.items() if k != "token"}
        answer["token_type"] = "Cookie"
        response = json_response(answer, status)
        secure = self._secure(request)
        response.set_cookie(SESSION_COOKIE, token, max_age=max_age, path="/", secure=secure, httponly=True,
                            samesite="Strict")
        response.set_cookie(CSRF_COOKIE, self.csrf_for(token), max_age=max_age, path="/", secure=secure,
                            httponly=False, samesite="Strict")
        return response

    def clear(self, request: Request, response: Response) -> Response:
        secure = self._secure(request)
        response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="Strict")
        response.delete_cookie(CSRF_COOKIE, path="/", secure=secure, httponly=False, samesite="Strict")
        return response

