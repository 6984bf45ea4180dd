"""Sign-in, tokens and credentials: the only place passwords are handled.

Enterprises sign in with their USCC, staff (reviewers, admins, operations) with a
username. Passwords are argon2id hashes; failures slow down and then lock the login
(``rules.lockout``); tokens are JWTs signed with Ed25519 (``rules.tokens``), expire, and are revoked
on sign-out or when the password changes. Lockout and expiry use the wall clock.

Sessions end at the token's absolute expiry (``TOKEN_TTL_SECONDS``) or after ``SESSION_IDLE_SECONDS``
without a request, whichever comes first. Staff (reviewers, admins, operations) confirm the password
with a TOTP code (RFC 6238, enrolled at their first sign-in): the password alone earns only a
short-lived, single-use challenge (``begin_second_factor``), never a token.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pyotp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.rules import lockout, reset, tokens
from gateway.rules.access import Identity
from gateway.rules.passwords import HISTORY, Hasher, previous_hashes, reused_problem
from gateway.storage import GatewayStore
from zjtx import audit as audit_trail
from zjtx import crypto
from zjtx.errors import DomainError, already_exists, invalid, precondition, unauthenticated

log = logging.getLogger(__name__)

SIGNIN_FAILED = "账号或密码错误，请检查后重试"
SECOND_FACTOR_ROLES = ("admin", "operations", "reviewer", "security_admin", "audit_admin")
CHALLENGE_TTL = 300  # seconds from a right password to its code
CHALLENGE_ATTEMPTS = 5  # wrong codes before the challenge is dropped (the password is needed again)
CHALLENGE_GONE = "验证已过期或已使用，请重新输入用户名和密码登录"


@dataclass(frozen=True)
class Session:
    token: str
    claims: tokens.Claims
    must_change_password: bool


@dataclass(frozen=True)
class Challenge:
    """A right password of someone who must still give a TOTP code (``mode`` "code") or enrol one ("enrol")."""

    challenge: str
    mode: str
    expires_at: int


def enterprise_login(uscc: str) -> str:
    return f"enterprise:{uscc.strip().upper()}"


def staff_login(username: str) -> str:
    return f"staff:{username.strip().lower()}"


class Accounts:
    def __init__(self, store: GatewayStore, hasher: Hasher, policy: lockout.Policy, key: Ed25519PrivateKey, ttl: int,
                 clock: Callable[[], float] = time.time, *, idle: int = 1800, second_factor: bool = True,
                 issuer: str = "ZJTX") -> None:
        tokens.check_key(key)
        self.reset_key = reset.derive_key(key.private_bytes_raw())
        self.store = store
        self.hasher = hasher
        self.policy = policy
        self.key = key
        self.ttl = ttl  # the absolute expiry of a session
        self.idle = idle  # seconds without a request that end a session (0: none)
        self.second_factor = second_factor
        self.issuer = issuer
        self.clock = clock
        # TOTP secrets are sealed at rest with a key of their own, derived from the signing key
        master = hmac.new(key.private_bytes_raw(), b"zjtx totp secret v1", hashlib.sha256).digest()
        self._secrets = crypto.FieldCipher(aes_key=crypto._subkey(master, "aes256gcm", 32, "sha256"),
                                           sm4_key=crypto._subkey(master, "sm4gcm", 16, "sm3"),
                                           algorithm="sm4gcm" if crypto.profile() == "sm" else "aes256gcm")
        # one attempt per login at a time: two parallel guesses must not share one delay
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def _lock_for(self, login: str) -> threading.Lock:
        with self._locks_guard:
            if len(self._locks) > 10000:
                self._locks = {k: v for k, v in self._locks.items() if v.locked()}
            return self._locks.setdefault(login, threading.Lock())

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), timezone.utc)

    # ---- sign-in ------------------------------------------------------------------

    def sign_in(self, login: str, password: str, kinds: tuple[str, ...], client_address: str = "") -> Session | Challenge:
        with self._lock_for(login):
            now = self.clock()
            state = self.store.attempts(login)
            lockout.check_allowed(state, self.policy, now)
            credential = self.store.credential_by_login(login)
            usable = credential is not None and credential.get("state") == "active" and credential["kind"] in kinds
            if not usable:
                self.hasher.verify_dummy(password)  # same cost whether or not the login exists
                ok = False
            else:
                ok = self.hasher.verify(credential["password_hash"], password)
            if not ok:
                # the delay runs from the answer, not the request
                self._fail(login, state, self.clock(), credential if usable else None, client_address)
            assert credential is not None
            if not self.needs_second_factor(credential):  # else the count is cleared by the right code
                self.store.clear_attempts(login)
        if self.hasher.needs_rehash(credential["password_hash"]):
            self.store.set_password(credential["_id"], self.hasher.hash(password), self.now(),
                                    must_change=bool(credential.get("must_change_password")))
        if self.needs_second_factor(credential):
            return self.begin_second_factor(credential)
        self.store.touch_sign_in(credential["_id"], self.now())
        return self.issue(credential)

    # ---- second factor (TOTP, RFC 6238) -------------------------------------------

    def needs_second_factor(self, credential: dict[str, Any]) -> bool:
        return self.second_factor and credential.get("role") in SECOND_FACTOR_ROLES

    def begin_second_factor(self, credential: dict[str, Any]) -> Challenge:
        expires_at = int(self.clock()) + CHALLENGE_TTL
        challenge = secrets.token_urlsafe(32)
        mode = "code" if credential.get("totp_secret") else "enrol"
        self.store.new_challenge({"_id": challenge, "credential_id": credential["_id"], "login": credential["login"],
                                  "mode": mode, "attempts": 0, "expires_at": datetime.fromtimestamp(expires_at,
                                                                                                    timezone.utc),
                                  "expires": expires_at})
        return Challenge(challenge, mode, expires_at)

    def _live_challenge(self, challenge: str) -> dict[str, Any]:
        found = self.store.challenge(challenge.strip())
        if found is None or int(found.get("expires", 0)) <= self.clock():  # the TTL index purges late
            raise unauthenticated("second_factor.challenge_gone", CHALLENGE_GONE)
        return found

    def enrol(self, challenge: str) -> tuple[str, str, str]:
        """A new TOTP secret for an enrolment challenge, given once: (secret, otpauth URI, login shown)."""
        found = self._live_challenge(challenge)
        if found["mode"] != "enrol":
            raise precondition("second_factor.enrolled", "该账号已绑定动态验证码，请直接输入验证器上的6位验证码")
        secret = pyotp.random_base32()
        if not self.store.give_enrolment_secret(found["_id"], self._secrets.encrypt("totp", secret)):
            raise precondition("second_factor.secret_given", "本次登录的密钥已发放过一次；如未保存，请重新登录以获取新密钥")
        shown = found["login"].partition(":")[2]
        return secret, pyotp.TOTP(secret).provisioning_uri(name=shown, issuer_name=self.issuer), shown

    def confirm_second_factor(self, challenge: str, code: str, client_address: str = "") -> Session:
        """The code of the challenge's person: enrolment confirmed (first time) and the session issued."""
        found = self._live_challenge(challenge)
        credential = self.store.credential_by_id(found["credential_id"])
        if credential is None or credential.get("state") != "active":
            raise unauthenticated("second_factor.challenge_gone", CHALLENGE_GONE)
        sealed = found.get("secret") if found["mode"] == "enrol" else credential.get("totp_secret")
        if not sealed:
            raise precondition("second_factor.not_enrolled", "请先获取动态验证码密钥（POST /api/v1/sessions/staff/"
                                                             "enrolment），在验证器中添加后再输入验证码")
        login = found["login"]
        state = self.store.attempts(login)
        lockout.check_allowed(state, self.policy, self.clock())  # wrong codes slow down and lock like passwords
        digits = code.strip()
        if not (digits.isdigit() and len(digits) == 6
                and pyotp.TOTP(self._secrets.decrypt("totp", sealed)).verify(digits, for_time=self.clock(),
                                                                             valid_window=1)):
            after = lockout.after_failure(state, self.policy, self.clock())
            self.store.save_attempts(login, after)
            self.store.audit(audit_trail.Entry(
                action="session.second_factor_failed", target=credential["subject"], subject=credential["subject"],
                role=credential["role"], unit=credential.get("unit", ""), principal="gateway", result="refused",
                client_address=client_address,
                reason="wrong TOTP code", details={"login": login}))
            if after.locked_until > self.clock():
                self.store.use_challenge(found["_id"])
                raise lockout.refused("account.locked", f"连续{self.policy.lock_after}次验证失败，账号已锁定，"
                                      f"请{lockout._wait_text(after.locked_until - self.clock())}后再试或联系管理员",
                                      after.locked_until - self.clock())
            if self.store.count_challenge_attempt(found["_id"]) >= CHALLENGE_ATTEMPTS:
                self.store.use_challenge(found["_id"])
                raise unauthenticated("second_factor.challenge_gone",
                                      f"动态验证码连续{CHALLENGE_ATTEMPTS}次不正确，请重新输入用户名和密码登录")
            raise unauthenticated("second_factor.wrong_code", "动态验证码不正确或已过期：请输入验证器当前显示的6位数字")
        if not self.store.use_challenge(found["_id"]):
            raise unauthenticated("second_factor.challenge_gone", CHALLENGE_GONE)
        self.store.clear_attempts(login)
        if found["mode"] == "enrol":
            self.store.set_second_factor(credential["_id"], sealed, self.now())
        self.store.touch_sign_in(credential["_id"], self.now())
        return self.issue(credential)

    def _fail(self, login: str, state: lockout.Attempts, now: float, credential: dict[str, Any] | None = None,
              client_address: str = "") -> None:
        after = lockout.after_failure(state, self.policy, now)
        self.store.save_attempts(login, after)
        # every failure, with the login tried (an unknown login too): the audit trail's, not a log's
        self.store.audit(audit_trail.Entry(
            action="session.signin_failed", target=credential["subject"] if credential else login,
            subject=credential["subject"] if credential else "", role=credential["role"] if credential else "anonymous",
            unit=credential.get("unit", "") if credential else "", principal="gateway", client_address=client_address,
            result="refused", reason="wrong password or unknown login", details={"login": login}))
        if after.locked_until > now:
            if state.locked_until <= now:  # the failure that locked it: an administrative change, audited once
                self.store.audit(audit_trail.Entry(
                    action="account.locked", target=credential["subject"] if credential else login,
                    subject=credential["subject"] if credential else "", role=credential["role"] if credential else "",
                    unit=credential.get("unit", "") if credential else "", principal="gateway",
                    client_address=client_address, result="refused",
                    reason=f"{self.policy.lock_after} failed sign-ins in a row",
                    details={"login": login, "locked_until": datetime.fromtimestamp(after.locked_until, timezone.utc)}))
            raise lockout.refused("account.locked", f"连续{self.policy.lock_after}次登录失败，账号已锁定，"
                                  f"请{lockout._wait_text(after.locked_until - now)}后再试或联系管理员",
                                  after.locked_until - now)
        left = lockout.remaining_attempts(after, self.policy)
        raise DomainError("signin.failed", f"{SIGNIN_FAILED}；再失败{left}次账号将被锁定", [], "unauthenticated")

    def issue(self, credential: dict[str, Any]) -> Session:
        now = int(self.clock())
        claims = tokens.new_claims(sub=credential["subject"], role=credential["role"], unit=credential.get("unit", ""),
                                   enterprise_id=credential.get("enterprise_id", ""), name=credential.get("name", ""),
                                   now=now, ttl=self.ttl, gen=int(credential.get("generation", 0)))
        return Session(tokens.issue(claims, self.key), claims, bool(credential.get("must_change_password")))

    # ---- every request ------------------------------------------------------------

    def authenticate(self, header: str) -> Identity:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthenticated("token.invalid", "登录凭证格式不正确；请在 Authorization 头中发送“Bearer <令牌>”")
        claims = tokens.verify(token.strip(), self.key, int(self.clock()))
        if self.store.is_revoked(claims.jti):
            raise unauthenticated("token.revoked", "该登录已退出或已失效，请重新登录")
        credential = self.store.credential_by_subject(claims.sub)
        if credential is None or credential["role"] != claims.role:
            raise unauthenticated("token.revoked", "账号已停用或已变更，请重新登录")
        if claims.gen != int(credential.get("generation", 0)):
            raise unauthenticated("token.revoked", "密码已修改，请用新密码重新登录")
        self._check_idle(claims)
        return Identity(subject=claims.sub, role=claims.role, unit=claims.unit, enterprise_id=claims.enterprise_id,
                        name=claims.name, token_id=claims.jti, expires_at=claims.exp,
                        must_change_password=bool(credential.get("must_change_password")))

    def _check_idle(self, claims: tokens.Claims) -> None:
        if self.idle <= 0:
            return
        now = self.clock()
        seen = max(float(claims.iat), self.store.last_active(claims.jti))
        if now - seen > self.idle:
            raise unauthenticated("token.idle", f"已超过{max(1, self.idle // 60)}分钟未操作，登录已失效，请重新登录")
        if now - seen >= min(60.0, self.idle / 10):  # one write a minute at most per session
            self.store.note_active(claims.jti, now, claims.exp)

    def sign_out(self, identity: Identity) -> None:
        self.store.revoke(identity.token_id, identity.subject, identity.expires_at, self.now())

    # ---- credentials --------------------------------------------------------------

    def reserve(self, login: str, kind: str, role: str, password: str, *, name: str, created_by: str,
                unit: str = "", must_change: bool = False, person: str = "") -> str:
        """A pending credential holding the hash, before the identity exists in its service (``person``: an
        administrator's e-mail, so no person holds two of the three administrator roles)."""
        credential_id = uuid.uuid4().hex
        document = {"_id": credential_id, "login": login, "kind": kind, "role": role, "unit": unit, "name": name,
                    "password_hash": self.hasher.hash(password), "must_change_password": must_change,
                    "created_at": self.now(), "created_by": created_by, "generation": 0}
        if person:
            document["person"] = person
        if not self.store.reserve_credential(document):
            raise already_exists("account.login_taken", "该登录名已被使用，请换一个")
        return credential_id

    def activate(self, credential_id: str, subject: str, **fields: Any) -> None:
        self.store.activate_credential(credential_id, subject, fields)

    def release(self, credential_id: str) -> None:
        self.store.drop_pending(credential_id)

    def change_password(self, identity: Identity, current: str, new: str) -> None:
        credential = self.store.credential_by_subject(identity.subject)
        if credential is None or not self.hasher.verify(credential["password_hash"], current):
            raise DomainError("password.wrong", "当前密码不正确", [], "invalid")
        if any(self.hasher.verify(old, new) for old in previous_hashes(credential)[:HISTORY]):
            raise invalid("password.reused", f"新密码不能与最近{HISTORY}次使用过的密码相同", [reused_problem()])
        # a new generation: every token issued before, this session's included, stops working
        self.store.set_password(credential["_id"], self.hasher.hash(new), self.now(), must_change=False,
                                new_generation=True)

    def set_initial_password(self, login: str, password: str) -> dict[str, Any]:
        """The security administrator's reset of a staff password: every session ends, a lock is lifted and the
        person must change it at the next sign-in (someone else set it)."""
        credential = self.store.credential_by_login(login)
        if credential is None or credential.get("kind") != "staff" or credential.get("state") != "active":
            raise DomainError("account.not_found", "没有该工作人员账号", [], "not_found")
        self.store.set_password(credential["_id"], self.hasher.hash(password), self.now(), must_change=True,
                                new_generation=True)
        self.store.clear_attempts(login)
        return credential

    def unlock(self, login: str) -> dict[str, Any]:
        credential = self.store.credential_by_login(login)
        if credential is None or credential.get("state") != "active":
            raise DomainError("account.not_found", "没有该账号", [], "not_found")
        self.store.clear_attempts(login)
        return credential

    # ---- password reset by a one-time code ---------------------------------------

    def reset_code_for(self, login: str) -> tuple[dict[str, Any], str, str] | None:
        """(credential, code, request id) when a code should be sent to ``login`` now; None when the login is
        not an active enterprise or is throttled (the caller answers the same either way)."""
        credential = self.store.credential_by_login(login)
        if credential is None or credential.get("state") != "active" or credential["kind"] != "enterprise":
            return None
        now = self.clock()
        state = self.store.reset_state(login)
        if not reset.may_send(state.get("sent_at", []), now):
            return None
        code, request_id = reset.new_code(), uuid.uuid4().hex
        sent = [t for t in state.get("sent_at", []) if now - t < 3600] + [now]
        self.store.save_reset_code(login, reset.digest(self.reset_key, login, code), now + reset.CODE_TTL, sent,
                                   request_id)
        return credential, code, request_id

    def reset_password(self, login: str, code: str, new_password: str) -> dict[str, Any]:
        """Set the new password if ``code`` is the live code of ``login``; every earlier token stops working
        and a lock from failed sign-ins is lifted. The same refusal for a wrong code and an unknown login."""
        state = self.store.reset_state(login)
        pending = None
        if state.get("digest"):
            pending = reset.Pending(state["digest"], float(state["expires_at"]), int(state.get("attempts", 0)),
                                    bool(state.get("used")))
        offered = reset.digest(self.reset_key, login, code.strip())
        credential = self.store.credential_by_login(login)
        if not reset.code_matches(pending, offered, self.clock()) or credential is None:
            if pending is not None:
                self.store.count_reset_attempt(login)
            raise DomainError("reset.invalid_code", reset.INVALID_CODE, [], "conflict")
        if not self.store.use_reset_code(login, offered):
            raise DomainError("reset.invalid_code", reset.INVALID_CODE, [], "conflict")
        self.store.set_password(credential["_id"], self.hasher.hash(new_password), self.now(), must_change=False,
                                new_generation=True)
        self.store.clear_attempts(login)
        return credential
