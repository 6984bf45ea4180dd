"""Proof of identity between processes: short-lived JWTs signed with Ed25519 (RFC 8037 EdDSA).

Every gRPC call carries ``authorization: Bearer <JWT>``. Two kinds of token exist:

- the gateway asserts the signed-in person: ``iss=gateway``, ``sub`` = the person's
  subject, ``role`` (enterprise | reviewer | admin | operations), ``unit``, ``ent`` (the
  enterprise id), ``addr`` (the client address);
- a service (or ``ops``, the operators' tools) asserts itself: ``iss`` = ``sub`` = its
  principal name, ``role=system``.

Each token names its audience (``aud`` = the service called) and lives ``IDENTITY_TTL``
seconds. A verifier holds only public keys (``<principal>.jwt.pub``, see zjtx.pki) and
accepts ``role=system`` only from a principal asserting itself, so a person's token can
never become a service's, and a stolen token is good for one service for a minute.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from zjtx import pki

ALGORITHM = "EdDSA"
IDENTITY_TTL = 60  # seconds a per-call identity token lives
LEEWAY = 5  # seconds of clock difference tolerated between hosts
GATEWAY = "gateway"
PERSON_ROLES = ("enterprise", "reviewer", "admin", "operations", "security_admin", "audit_admin")
SYSTEM = "system"
METADATA_KEY = "authorization"
MAX_TOKEN_LENGTH = 4096
VERIFIED_TOKENS = 256  # services' tokens remembered once verified (a handful are live at a time)


class IdentityError(Exception):
    """A missing, malformed, forged, expired or misdirected token: ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Proven:
    """What a verified token says: who signed it and whom it names."""

    issuer: str
    subject: str
    role: str
    unit: str = ""
    enterprise_id: str = ""
    client_address: str = ""


def load_private_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise pki.PkiError(f"{path} is not an Ed25519 private key (accepted: PKCS#8 PEM Ed25519, as `make certs` writes)")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(Path(path).read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise pki.PkiError(f"{path} is not an Ed25519 public key (accepted: SubjectPublicKeyInfo PEM Ed25519)")
    return key


class Keyring:
    """One principal's signing key and the public keys it trusts."""

    def __init__(self, principal: str, private_key: Ed25519PrivateKey | None,
                 trusted: dict[str, Ed25519PublicKey], clock: Any = time.time) -> None:
        self.principal = principal
        self.private_key = private_key
        self.trusted = trusted
        self.clock = clock
        self._cached: dict[str, tuple[str, float]] = {}
        # (token, audience) -> what it proved, the issuer's key then, its nbf/iat and exp
        self._verified: dict[tuple[str, str], tuple[Proven, Ed25519PublicKey, float, float]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_directory(cls, directory: Path, principal: str) -> Keyring:
        directory = Path(directory)
        own = pki.jwt_key_path(directory, principal)
        private_key = load_private_key(own) if own.exists() else None
        trusted = {name: load_public_key(pki.jwt_public_path(directory, name))
                   for name in pki.PRINCIPALS if pki.jwt_public_path(directory, name).exists()}
        return cls(principal, private_key, trusted)

    # ---- signing ------------------------------------------------------------------

    def sign(self, claims: dict[str, Any], ttl: int) -> str:
        if self.private_key is None:
            raise pki.PkiError(f"{self.principal} has no signing key ({self.principal}.jwt.key)")
        now = int(self.clock())
        payload = {"iss": self.principal, "iat": now, "nbf": now - 1, "exp": now + ttl,
                   "jti": secrets.token_urlsafe(12), **claims}
        return jwt.encode(payload, self.private_key, algorithm=ALGORITHM)

    def person_token(self, audience: str, *, subject: str, role: str, unit: str = "", enterprise_id: str = "",
                     client_address: str = "") -> str:
        """The gateway's assertion of a signed-in person, for one call to ``audience``."""
        if role not in PERSON_ROLES:
            raise ValueError(f"role {role!r} is not a person's; accepted: {', '.join(PERSON_ROLES)}")
        return self.sign({"aud": audience, "sub": subject, "role": role, "unit": unit, "ent": enterprise_id,
                          "addr": client_address}, IDENTITY_TTL)

    def service_token(self, audience: str) -> str:
        """This principal's own identity for calls to ``audience`` (reused until half its life is gone)."""
        with self._lock:
            cached = self._cached.get(audience)
            if cached and cached[1] - self.clock() > IDENTITY_TTL / 2:
                return cached[0]
            token = self.sign({"aud": audience, "sub": self.principal, "role": SYSTEM}, IDENTITY_TTL)
            self._cached[audience] = (token, self.clock() + IDENTITY_TTL)
            return token

    # ---- verifying ----------------------------------------------------------------

    def verify(self, token: str, audience: str | None = None) -> Proven:
        """The identity a genuine, current token addressed to ``audience`` (default: me) proves."""
        audience = audience or self.principal
        known = self._verified.get((token, audience))
        if known is not None:
            proven, key, not_before, expires = known
            # PyJWT's own time checks, with its clock; the issuer still trusted with the same key
            if self.trusted.get(proven.issuer) is key and not_before - LEEWAY <= time.time() < expires + LEEWAY:
                return proven
        proven, key, claims = self._verify_signed(token, audience)
        if proven.role == SYSTEM:
            # a service reuses its token for half its life (a person's is made for each call): its
            # signature is checked once, not on every call (EdDSA and three JWT parses; issue 16)
            times = [claims[k] for k in ("nbf", "iat") if isinstance(claims.get(k), (int, float))]
            with self._lock:
                if len(self._verified) >= VERIFIED_TOKENS:
                    self._verified.clear()
                self._verified[(token, audience)] = (proven, key, max(times, default=0), claims["exp"])
        return proven

    def _verify_signed(self, token: str, audience: str) -> tuple[Proven, Ed25519PublicKey, dict[str, Any]]:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise IdentityError("identity.invalid", "身份令牌格式不正确：须为网关或服务签发的 JWT（EdDSA）")
        try:
            header = jwt.get_unverified_header(token)
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError:
            raise IdentityError("identity.invalid", "身份令牌格式不正确：须为网关或服务签发的 JWT（EdDSA）") from None
        if header.get("alg") != ALGORITHM:
            raise IdentityError("identity.invalid", f"身份令牌的签名算法 {header.get('alg')!r} 不被接受；只接受 EdDSA")
        key = self.trusted.get(issuer) if isinstance(issuer, str) else None
        if key is None:
            raise IdentityError("identity.untrusted", f"身份令牌的签发方 {issuer!r} 不受信任；受信任的签发方："
                                f"{', '.join(sorted(self.trusted))}")
        try:
            claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=audience, issuer=issuer,
                                leeway=LEEWAY, options={"require": ["iss", "sub", "aud", "exp", "iat"]})
        except jwt.ExpiredSignatureError:
            raise IdentityError("identity.expired", "身份令牌已过期；每次调用须携带有效期内的新令牌") from None
        except jwt.InvalidAudienceError:
            raise IdentityError("identity.audience", f"身份令牌不是签发给 {audience} 的") from None
        except jwt.InvalidSignatureError:
            raise IdentityError("identity.forged", f"身份令牌的签名与签发方 {issuer} 的公钥不符") from None
        except jwt.PyJWTError as exc:
            raise IdentityError("identity.invalid", f"身份令牌无效：{exc}") from None
        role, subject = claims.get("role"), claims.get("sub")
        texts = [claims.get(k, "") for k in ("unit", "ent", "addr")]
        # a person's subject may be empty: the applicant registering an enterprise has no account yet
        if not isinstance(subject, str) or not all(isinstance(t, str) for t in texts):
            raise IdentityError("identity.invalid", "身份令牌的声明类型不正确")
        if role == SYSTEM:
            if subject != issuer:
                raise IdentityError("identity.invalid", f"只有服务本身可以声明 system 角色（签发方 {issuer}，主体 {subject}）")
        elif issuer != GATEWAY or role not in PERSON_ROLES:
            raise IdentityError("identity.invalid", f"签发方 {issuer} 不能声明角色 {role!r}；人员角色只能由网关声明："
                                f"{', '.join(PERSON_ROLES)}")
        return (Proven(issuer=issuer, subject=subject, role=role, unit=texts[0], enterprise_id=texts[1],
                       client_address=texts[2]), key, claims)


def bearer(token: str) -> tuple[str, str]:
    return (METADATA_KEY, f"Bearer {token}")


def token_from_metadata(metadata: Any) -> str:
    for key, value in metadata or ():
        if key == METADATA_KEY:
            text = value if isinstance(value, str) else value.decode("ascii", "replace")
            scheme, _, token = text.partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return ""
