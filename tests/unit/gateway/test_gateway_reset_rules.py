"""Issue 18: the one-time code rules of the enterprise password reset (gateway/rules/reset.py)."""

from __future__ import annotations

from gateway.rules import reset


def test_codes_are_six_digits_and_kept_only_as_an_hmac() -> None:
    key = reset.derive_key(b"k" * 32)
    code = reset.new_code()
    assert len(code) == 6 and code.isdigit()
    digest = reset.digest(key, "enterprise:X", code)
    assert code not in digest and digest != reset.digest(key, "enterprise:Y", code)


def test_a_code_is_valid_once_before_it_expires_and_within_its_tries() -> None:
    pending = reset.Pending("d", expires_at=1000.0, attempts=0, used=False)
    assert reset.code_matches(pending, "d", 999.0)
    assert not reset.code_matches(pending, "e", 999.0)
    assert not reset.code_matches(pending, "d", 1000.5)  # expired
    assert not reset.code_matches(reset.Pending("d", 1000.0, reset.MAX_ATTEMPTS, False), "d", 10.0)  # tries used
    assert not reset.code_matches(reset.Pending("d", 1000.0, 0, True), "d", 10.0)  # used
    assert not reset.code_matches(None, "d", 10.0)


def test_sending_is_throttled_per_login_and_per_address() -> None:
    assert reset.may_send([], 0)
    assert not reset.may_send([100.0], 100.0 + reset.RESEND_AFTER - 1)
    assert reset.may_send([100.0], 100.0 + reset.RESEND_AFTER)
    hour = [float(i * 61) for i in range(reset.MAX_PER_HOUR)]
    assert not reset.may_send(hour, hour[-1] + 61)
    assert reset.may_send(hour, 3601.0 + hour[0] + 61 * 0 + 3600)
    assert reset.address_allowed([0.0] * (reset.ADDRESS_LIMIT - 1), 1.0)
    assert not reset.address_allowed([0.0] * reset.ADDRESS_LIMIT, 1.0)
    assert reset.address_allowed([0.0] * reset.ADDRESS_LIMIT, reset.ADDRESS_WINDOW + 1.0)
