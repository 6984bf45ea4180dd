"""Password policy and hashing (argon2id, memory-hard).

The gateway is the only component that ever sees a password. Hashes use argon2id with
parameters from config (defaults: RFC 9106's second recommended set, 64 MiB, t=3, p=4).
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from zjtx.errors import Violation

MIN_LENGTH = 10
MAX_LENGTH = 128
_CLASSES = (re.compile(r"[A-Za-z]"), re.compile(r"\d"))


def password_problems(password: str, field: str = "password", *, login: str = "") -> list[Violation]:
    """Every problem with a new password, in Chinese (empty when acceptable)."""
    accepted = f"请设置{MIN_LENGTH}到{MAX_LENGTH}个字符、同时包含字母和数字的密码"
    problems: list[Violation] = []
    if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH:
        problems.append(Violation(field, "password.length", f"密码长度为{len(password)}个字符；{accepted}"))
    elif not all(pattern.search(password) for pattern in _CLASSES):
        problems.append(Violation(field, "password.weak", f"密码必须同时包含字母和数字；{accepted}"))
    elif login and login.lower() in password.lower():
        problems.append(Violation(field, "password.contains_login", "密码不能包含登录名或统一社会信用代码"))
    elif password.strip() != password:
        problems.append(Violation(field, "password.whitespace", "密码首尾不能是空格"))
    return problems


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
