"""Signed bearer tokens: standard JWTs (RFC 7519) signed by the gateway's Ed25519 key (EdDSA).

The claims name the identity the gateway asserts (``sub``, ``role``, ``unit``,
``enterprise_id``, ``name``), a random token id (``jti``, what sign-out revokes), the
credential's generation (``gen``), and the issue and expiry times in whole seconds of the
wall clock; ``iss`` is ``gateway`` and ``aud`` is ``zjtx-gateway``, so a session token is
never mistaken for the per-call identity tokens the services accept (their ``aud`` is the
service). Any JWT library verifies them with ``gateway.jwt.pub`` (see zjtx.pki). Expiry
uses the wall clock, not the platform clock: the platform clock may replay 2020, a token may not.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from zjtx.errors import DomainError, unauthenticated

ALGORITHM = "EdDSA"
ISSUER = "gateway"
AUDIENCE = "zjtx-gateway"
MAX_TOKEN_LENGTH = 4096
ROLES = ("enterprise", "reviewer", "admin", "operations", "security_admin", "audit_admin")


@dataclass(frozen=True)
class Claims:
    sub: str
    role: str
    unit: str
    enterprise_id: str
    name: str
    jti: str
    iat: int
    exp: int
    gen: int = 0  # the credential's generation: a password change makes older tokens invalid


def check_key(key: Any) -> None:
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"the token key must be an Ed25519 private key (got {type(key).__name__}); "
                         "`make certs` writes one as gateway.jwt.key")


def new_claims(*, sub: str, role: str, unit: str = "", enterprise_id: str = "", name: str = "",
               now: int, ttl: int, gen: int = 0) -> Claims:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return Claims(sub=sub, role=role, unit=unit, enterprise_id=enterprise_id, name=name,
                  jti=secrets.token_urlsafe(18), iat=now, exp=now + ttl, gen=gen)


def issue(claims: Claims, key: Ed25519PrivateKey) -> str:
    return jwt.encode({"iss": ISSUER, "aud": AUDIENCE, **asdict(claims)}, key, algorithm=ALGORITHM)


def _invalid() -> DomainError:
    return unauthenticated("token.invalid", "登录凭证无效，请重新登录")


def verify(token: str, key: Ed25519PrivateKey | Ed25519PublicKey, now: int) -> Claims:
    """The claims of a genuine, unexpired token; ``token.invalid`` / ``token.expired`` otherwise."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise _invalid()
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    try:
        # the signature is checked before any claim is read: nothing unsigned is ever trusted
        raw = jwt.decode(token, public, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER,
                         options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                                  "require": ["iss", "aud", "sub", "exp", "iat", "jti"]})
        claims = Claims(**{name: raw[name] for name in Claims.__dataclass_fields__})
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        raise _invalid() from None
    texts = (claims.sub, claims.role, claims.unit, claims.enterprise_id, claims.name, claims.jti)
    if claims.role not in ROLES or not all(isinstance(v, str) for v in texts) or not claims.sub \
            or not all(type(v) is int for v in (claims.exp, claims.iat, claims.gen)):
        raise _invalid()
    if now >= claims.exp:
        raise unauthenticated("token.expired", "登录已过期，请重新登录")
    return claims
