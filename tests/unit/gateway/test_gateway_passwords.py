from __future__ import annotations

from gateway.rules.passwords import Hasher, password_problems


def test_password_policy_says_what_is_accepted() -> None:
    assert password_problems("Abcdefgh12") == []
    assert password_problems("short1")[0].code == "password.length"
    assert "10到128个字符" in password_problems("short1")[0].message
    assert password_problems("onlyletters")[0].code == "password.weak"
    assert password_problems("91430400MA4L0000X1a", login="91430400MA4L0000X1")[0].code == "password.contains_login"
    assert password_problems(" Abcdefgh12")[0].code == "password.whitespace"


def test_hashes_are_argon2id_and_salted() -> None:
    hasher = Hasher(time_cost=1, memory_kib=8192, parallelism=1)
    first, second = hasher.hash("Abcdefgh12"), hasher.hash("Abcdefgh12")
    assert first.startswith("$argon2id$") and first != second
    assert hasher.verify(first, "Abcdefgh12")
    assert not hasher.verify(first, "Abcdefgh13")
    assert not hasher.verify("not a hash", "Abcdefgh12")
    assert Hasher(time_cost=2, memory_kib=8192, parallelism=1).needs_rehash(first)
