"""Field encryption (AES-256-GCM, SM4-GCM), digests (SHA-256, SM3), masking and redaction."""

from __future__ import annotations

import base64

import pytest

from zjtx.crypto import (
    DEV_KEY,
    FieldCipher,
    FieldKeyMissing,
    FieldUnreadable,
    digest,
    digest_name,
    mask_email,
    mask_mobile,
    mask_name,
    redact,
)

KEY = base64.b64encode(bytes(range(32))).decode()


def test_sm3_matches_the_standards_test_vector() -> None:
    # GB/T 32905-2016 appendix A.1: SM3("abc")
    assert digest(b"abc", "sm3") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert digest(b"abc", "sha256") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert digest_name({"ZJTX_CRYPTO": "sm"}) == "sm3" and digest_name({}) == "sha256"


@pytest.mark.parametrize("profile, algorithm", [("standard", "aes256gcm"), ("sm", "sm4gcm")])
def test_fields_round_trip_and_are_bound_to_their_field(profile: str, algorithm: str) -> None:
    cipher = FieldCipher.from_env({"ZJTX_FIELD_KEY": KEY, "ZJTX_CRYPTO": profile})
    sealed = cipher.encrypt("contact.mobile", "13800138000")
    assert sealed.startswith(f"enc:1:{algorithm}:") and "13800138000" not in sealed
    assert sealed != cipher.encrypt("contact.mobile", "13800138000")  # a fresh nonce each time
    assert cipher.decrypt("contact.mobile", sealed) == "13800138000"
    with pytest.raises(FieldUnreadable):
        cipher.decrypt("contact.email", sealed)  # moved to another field
    tampered = sealed[:-3] + ("A" if sealed[-3] != "A" else "B") + sealed[-2:]
    with pytest.raises(FieldUnreadable):
        cipher.decrypt("contact.mobile", tampered)
    assert cipher.encrypt("x", "") == "" and cipher.decrypt("x", "plain") == "plain"


def test_a_profile_switch_still_opens_earlier_values_and_a_wrong_key_does_not() -> None:
    standard = FieldCipher.from_env({"ZJTX_FIELD_KEY": KEY})
    sm = FieldCipher.from_env({"ZJTX_FIELD_KEY": KEY, "ZJTX_CRYPTO": "sm"})
    assert sm.decrypt("f", standard.encrypt("f", "李四")) == "李四"
    assert standard.decrypt("f", sm.encrypt("f", "李四")) == "李四"
    other = FieldCipher.from_env({"ZJTX_FIELD_KEY": base64.b64encode(b"k" * 32).decode()})
    with pytest.raises(FieldUnreadable):
        other.decrypt("f", standard.encrypt("f", "李四"))


def test_key_rules() -> None:
    assert FieldCipher.from_env({}).aes_key != DEV_KEY  # a derived subkey, never the secret itself
    with pytest.raises(FieldKeyMissing, match="ZJTX_FIELD_KEY"):
        FieldCipher.from_env({"ZJTX_MODE": "production"})
    with pytest.raises(FieldKeyMissing, match="16 bytes"):
        FieldCipher.from_env({"ZJTX_FIELD_KEY": base64.b64encode(b"x" * 16).decode()})
    with pytest.raises(ValueError, match="accepted: standard"):
        FieldCipher.from_env({"ZJTX_CRYPTO": "des"})


def test_masks_and_redaction() -> None:
    assert mask_mobile("13800138000") == "138****8000"
    assert mask_email("zhangsan@example.cn") == "z***@example.cn"
    assert mask_name("张三丰") == "张**"
    line = "contact 13800138000 <li.si@example.cn> order 2020123456789 trace 4bf92f3577b34da6"
    assert redact(line) == "contact 138****8000 <l***@example.cn> order 2020123456789 trace 4bf92f3577b34da6"
