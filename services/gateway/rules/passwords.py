"""Password policy and hashing (argon2id, memory-hard).

The gateway is the only component that ever sees a password. Hashes use argon2id with
parameters from config (defaults: RFC 9106's second recommended set, 64 MiB, t=3, p=4).
"""

from __future__ import annotations

import re
from typing import Any

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kernel.patterns import ANY, END, WHITESPACE
from zjtx.errors import Violation

MIN_LENGTH = 10
MAX_LENGTH = 128
LETTER = "[A-Za-z]"
DIGIT = "[0-9]"
NO_EDGE_SPACE = f"^[^{WHITESPACE}](?:{ANY}*[^{WHITESPACE}])?{END}"  # exactly what str.strip() removes, in any engine
ACCEPTED = f"请设置{MIN_LENGTH}到{MAX_LENGTH}个字符、同时包含字母和数字、首尾不是空白的密码"
# the rules below as JSON Schema: the OpenAPI document states exactly what password_problems accepts
NEW_PASSWORD_SCHEMA: dict[str, Any] = {
    "type": "string", "minLength": MIN_LENGTH, "maxLength": MAX_LENGTH,
    # one pattern (lookaheads), not allOf: generators such as schemathesis honour a single pattern exactly
    "pattern": f"^(?={ANY}*{LETTER})(?={ANY}*{DIGIT}){NO_EDGE_SPACE[1:]}",
    "x-secret": True,
    "description": f"{MIN_LENGTH} to {MAX_LENGTH} characters with at least one ASCII letter and one digit 0-9, "
                   "not starting or ending with whitespace, and not containing the login (the username or the USCC, "
                   "case-insensitive; refused as password.contains_login)",
    "x-not-containing": "login",
    "x-message": ACCEPTED,
}
_LETTER, _DIGIT, _EDGES = re.compile(LETTER), re.compile(DIGIT), re.compile(NO_EDGE_SPACE)


def password_problems(password: str, field: str = "password", *, login: str = "") -> list[Violation]:
    """Every problem with a new password, in Chinese (empty when acceptable). NEW_PASSWORD_SCHEMA
    states every rule on the password alone; the one rule that compares it with another field
    (it must not contain the login: the username or the USCC) is in the schema's description and
    ``x-not-containing``, which the contract tests honour (contract_hooks.py)."""
    problems: list[Violation] = []
    if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH:
        problems.append(Violation(field, "password.length", f"密码长度为{len(password)}个字符；{ACCEPTED}"))
    elif not (_LETTER.search(password) and _DIGIT.search(password)):
        problems.append(Violation(field, "password.weak", f"密码必须同时包含字母和数字；{ACCEPTED}"))
    elif not _EDGES.match(password):
        problems.append(Violation(field, "password.whitespace", f"密码首尾不能是空白；{ACCEPTED}"))
    elif login and login.lower() in password.lower():
        problems.append(Violation(field, "password.contains_login", "密码不能包含登录名或统一社会信用代码；请另设一个密码"))
    return problems


HISTORY = 5  # a new password must differ from the current one and the 4 before it (等保 8.1.4.1)


def previous_hashes(credential: dict[str, Any] | None) -> list[str]:
    """The current hash and the ones it replaced, newest first."""
    if not credential:
        return []
    return [h for h in [credential.get("password_hash"), *(credential.get("password_history") or [])] if h]


def reused_problem(field: str = "new_password") -> Violation:
    return Violation(field, "password.reused", f"新密码不能与最近{HISTORY}次使用过的密码相同；请另设一个密码")


class Hasher:
    """argon2id hashing; a dummy verification for unknown logins keeps timing uniform."""

    def __init__(self, time_cost: int = 3, memory_kib: int = 65536, parallelism: int = 4) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism,
                                      type=Type.ID)
        self._dummy = self._hasher.hash("zjtx-dummy-password-0")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def verify_dummy(self, password: str) -> None:
        self.verify(self._dummy, password)

    def needs_rehash(self, stored: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True
