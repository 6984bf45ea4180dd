from __future__ import annotations

import pytest

from gateway.rules.passwords import Hasher, password_problems


def test_password_policy_says_what_is_accepted() -> None:
    assert password_problems("Abcdefgh12") == []
    assert password_problems("short1")[0].code == "password.length"
    assert "10到128个字符" in password_problems("short1")[0].message
    assert password_problems("onlyletters")[0].code == "password.weak"
    assert password_problems("91430400MA4L0000X1a", login="91430400MA4L0000X1")[0].code == "password.contains_login"
    assert password_problems(" Abcdefgh12")[0].code == "password.whitespace"
    assert password_problems("Abcdefgh12\u3000")[0].code == "password.whitespace"
    assert password_problems("Abcdefgh\u0663\u0663")[0].code == "password.weak"  # an Arabic-Indic digit is not 0-9


@pytest.mark.parametrize("password", ["Abcdefgh12", " Abcdefgh12", "Abcdefgh12\n", "abcdefghij", "1234567890",
                                      "Abc 123 \u3000x", "Ab1", "A" * 120 + "1" * 8, "A" * 120 + "1" * 9,
                                      "Abcdefgh\u0663\u0663", "\u00e9" * 9 + "1", "Ab1\x1c" + "x" * 8,
                                      "Abcdefgh12\x1f", "\x1cAbcdefgh12", "Abcdefgh12\x85", "\ufeffAbcdefgh12",
                                      "Abcdefgh12\u3000", "Abcdefgh12\u180e", "Abc\n\x1fdefgh12"])
def test_the_document_says_exactly_what_the_policy_accepts(password: str) -> None:
    """In Python's regex engine (the gateway's validator) and Rust's (schemathesis's jsonschema_rs) alike."""
    import jsonschema_rs
    from jsonschema import Draft202012Validator

    from gateway.rules.passwords import NEW_PASSWORD_SCHEMA

    accepted = password_problems(password) == []
    assert Draft202012Validator(NEW_PASSWORD_SCHEMA).is_valid(password) == accepted
    assert jsonschema_rs.Draft202012Validator(NEW_PASSWORD_SCHEMA).is_valid(password) == accepted


def test_hashes_are_argon2id_and_salted() -> None:
    hasher = Hasher(time_cost=1, memory_kib=8192, parallelism=1)
    first, second = hasher.hash("Abcdefgh12"), hasher.hash("Abcdefgh12")
    assert first.startswith("$argon2id$") and first != second
    assert hasher.verify(first, "Abcdefgh12")
    assert not hasher.verify(first, "Abcdefgh13")
    assert not hasher.verify("not a hash", "Abcdefgh12")
    assert Hasher(time_cost=2, memory_kib=8192, parallelism=1).needs_rehash(first)
