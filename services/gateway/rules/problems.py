"""From a domain error to an HTTP answer: status and the JSON body people and programs read.

Body: ``{"code": stable machine code, "message": Chinese, "violations": [{field, code, message}]}``.
"""

from __future__ import annotations

from typing import Any

from zjtx.errors import DomainError

STATUS = {
    "invalid": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "method": 405,
    "conflict": 409,
    "already_exists": 409,
    "precondition": 409,
    "too_large": 413,
    "media_type": 415,
    "locked": 429,  # a locked login: Retry-After says when (429 is what generic HTTP clients back off on)
    "throttled": 429,
    "upstream": 502,
    "unavailable": 503,
    "timeout": 504,
}


def status_of(error: DomainError) -> int:
    if error.code == "account.locked":
        return 429
    return STATUS.get(error.kind, 400)


def body_of(error: DomainError) -> dict[str, Any]:
    return {
        "code": error.code,
        "message": error.message,
        "violations": [{"field": v.field, "code": v.code, "message": v.message} for v in error.violations],
    }


def gateway_error(code: str, message: str, kind: str) -> DomainError:
    return DomainError(code, message, [], kind)
