"""Field encryption, digests and masking of personal values: one building block for every service.

Two profiles, chosen by ``ZJTX_CRYPTO``:

- ``standard`` (default): AES-256-GCM for fields at rest, SHA-256 for digests;
- ``sm`` (商用密码, GB/T 39786-2021): SM4-GCM for fields at rest (SM4 block cipher,
  GB/T 32907-2016, in GCM as GB/T 36624 / RFC 8998 name it), SM3 for digests.
  ``cryptography`` 50 offers both through OpenSSL; SM3 matches GB/T 32905's "abc" vector
  (tests/unit/zjtx/test_crypto.py).

An encrypted field is a string ``enc:1:<alg>:<base64url(nonce | ciphertext | tag)>`` with
the field's name as associated data, so a value copied into another field does not open.
The algorithm travels with the value: switching the profile encrypts new writes with the new
cipher and still opens what was written before. A value without the prefix is returned as it
is (records written before encryption was switched on).

The key is a secret: ``ZJTX_FIELD_KEY`` (32 bytes, as 64 hex digits or base64) or ``ZJTX_FIELD_KEY_FILE`` (a file
holding that). Without either, a fixed development key is used, and ``ZJTX_MODE=production``
refuses to start (``FieldKeyMissing``). Both ciphers take subkeys derived from the one secret
with HKDF (SHA-256; SM3 under ``sm``), so one secret serves both profiles.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PROFILES = ("standard", "sm")
PREFIX = "enc:1:"
NONCE_BYTES = 12
TAG_BYTES = 16
# Development only: make up, make demo and the tests run without provisioning a secret.
DEV_KEY = hashlib.sha256(b"zjtx development field key - never in production").digest()


class FieldKeyMissing(RuntimeError):
    """Production mode without a field-encryption key."""


class FieldUnreadable(ValueError):
    """A stored value that does not open with this key (wrong key, or altered)."""


def profile(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    name = (env.get("ZJTX_CRYPTO") or "standard").strip().lower()
    if name not in PROFILES:
        raise ValueError(f"ZJTX_CRYPTO={name!r}; accepted: standard (AES-GCM, SHA-256), sm (SM4-GCM, SM3)")
    return name


# -- digests ---------------------------------------------------------------------------


def digest_name(env: Mapping[str, str] | None = None) -> str:
    return "sm3" if profile(env) == "sm" else "sha256"


def new_hash(name: str) -> hashes.Hash:
    if name == "sm3":
        return hashes.Hash(hashes.SM3())
    if name == "sha256":
        return hashes.Hash(hashes.SHA256())
    raise ValueError(f"digest {name!r}; accepted: sha256, sm3")


def digest(data: bytes, name: str | None = None) -> str:
    """Hex digest of ``data`` by the profile's algorithm (the audit chain, file digests)."""
    h = new_hash(name or digest_name())
    h.update(data)
    return h.finalize().hex()


# -- field encryption ------------------------------------------------------------------


def _read_key(env: Mapping[str, str]) -> bytes:
    text = env.get("ZJTX_FIELD_KEY", "").strip()
    where = "ZJTX_FIELD_KEY"
    if not text and env.get("ZJTX_FIELD_KEY_FILE"):
        where = env["ZJTX_FIELD_KEY_FILE"]
        try:
            text = Path(where).read_text(encoding="ascii").strip()
        except OSError as exc:
            raise FieldKeyMissing(f"ZJTX_FIELD_KEY_FILE={where}: {exc.strerror}") from None
    if not text:
        if env.get("ZJTX_MODE", "").strip().lower() == "production":
            raise FieldKeyMissing("ZJTX_MODE=production needs a field-encryption key: set ZJTX_FIELD_KEY (32 random "
                                  "bytes, base64) or ZJTX_FIELD_KEY_FILE; `python -m zjtx.crypto new-key` makes one")
        return DEV_KEY
    try:  # 64 hex digits (make compose-env writes hex) or base64
        key = bytes.fromhex(text) if re.fullmatch(r"[0-9a-fA-F]{64}", text) else base64.b64decode(text, validate=True)
    except binascii.Error:
        raise FieldKeyMissing(f"{where} is neither 64 hex digits nor base64; `python -m zjtx.crypto new-key` "
                              "makes a key") from None
    if len(key) != 32:
        raise FieldKeyMissing(f"{where} holds {len(key)} bytes; 32 needed")
    return key


def _subkey(master: bytes, purpose: str, length: int, hash_name: str) -> bytes:
    algorithm = hashes.SM3() if hash_name == "sm3" else hashes.SHA256()
    return HKDF(algorithm=algorithm, length=length, salt=None, info=f"zjtx field {purpose}".encode()).derive(master)


@dataclass(frozen=True)
class FieldCipher:
    """Encrypts and opens personal fields; ``algorithm`` is what new writes use."""

    aes_key: bytes
    sm4_key: bytes
    algorithm: str  # "aes256gcm" | "sm4gcm"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> FieldCipher:
        env = os.environ if env is None else env
        master = _read_key(env)
        return cls(aes_key=_subkey(master, "aes256gcm", 32, "sha256"), sm4_key=_subkey(master, "sm4gcm", 16, "sm3"),
                   algorithm="sm4gcm" if profile(env) == "sm" else "aes256gcm")

    def encrypt(self, field: str, value: str) -> str:
        """``value`` sealed for ``field``; "" and already sealed values are kept as they are."""
        if not value or value.startswith(PREFIX):
            return value
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._seal(self.algorithm, nonce, value.encode("utf-8"), field.encode("utf-8"))
        return f"{PREFIX}{self.algorithm}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, field: str, value: str) -> str:
        if not isinstance(value, str) or not value.startswith(PREFIX):
            return value
        algorithm, _, body = value[len(PREFIX):].partition(":")
        try:
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
            return self._open(algorithm, raw[:NONCE_BYTES], raw[NONCE_BYTES:], field.encode("utf-8")).decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise FieldUnreadable(f"field {field!r} ({algorithm}) does not open with this key: "
                                  f"{type(exc).__name__}") from None

    def encrypt_fields(self, document: Mapping[str, Any], fields: tuple[str, ...], prefix: str = "") -> dict[str, Any]:
        """A copy of ``document`` with the named string fields sealed (field names prefixed as AAD)."""
        return {k: self.encrypt(prefix + k, v) if k in fields and isinstance(v, str) else v
                for k, v in document.items()}

    def decrypt_fields(self, document: Mapping[str, Any], fields: tuple[str, ...], prefix: str = "") -> dict[str, Any]:
        return {k: self.decrypt(prefix + k, v) if k in fields and isinstance(v, str) else v
                for k, v in document.items()}

    def _seal(self, algorithm: str, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        if algorithm == "aes256gcm":
            return AESGCM(self.aes_key).encrypt(nonce, data, aad)
        if algorithm == "sm4gcm":
            encryptor = Cipher(algorithms.SM4(self.sm4_key), modes.GCM(nonce)).encryptor()
            encryptor.authenticate_additional_data(aad)
            return encryptor.update(data) + encryptor.finalize() + encryptor.tag
        raise ValueError(f"cipher {algorithm!r}; accepted: aes256gcm, sm4gcm")

    def _open(self, algorithm: str, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        if algorithm == "aes256gcm":
            return AESGCM(self.aes_key).decrypt(nonce, sealed, aad)
        if algorithm == "sm4gcm":
            if len(sealed) < TAG_BYTES:
                raise ValueError("sealed value shorter than its tag")
            decryptor = Cipher(algorithms.SM4(self.sm4_key), modes.GCM(nonce, sealed[-TAG_BYTES:])).decryptor()
            decryptor.authenticate_additional_data(aad)
            return decryptor.update(sealed[:-TAG_BYTES]) + decryptor.finalize()
        raise ValueError(f"cipher {algorithm!r}; accepted: aes256gcm, sm4gcm")


@lru_cache(maxsize=1)
def field_cipher() -> FieldCipher:
    """The process's cipher, from its environment (read once)."""
    return FieldCipher.from_env()


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


# -- masking and redaction -------------------------------------------------------------

MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")


def mask_mobile(mobile: str) -> str:
    """13800138000 -> 138****8000; anything shorter keeps at most its last two characters."""
    mobile = mobile.strip()
    if len(mobile) >= 11:
        return f"{mobile[:3]}****{mobile[-4:]}"
    return "*" * max(len(mobile) - 2, 0) + mobile[-2:] if mobile else ""


def mask_email(email: str) -> str:
    """zhangsan@example.cn -> z***@example.cn."""
    local, at, domain = email.strip().partition("@")
    if not at:
        return "***" if email else ""
    return f"{local[:1]}***@{domain}"


def mask_name(name: str) -> str:
    """张三丰 -> 张**: the family name only."""
    name = name.strip()
    return f"{name[:1]}{'*' * (len(name) - 1)}" if name else ""


def mask_address(channel: str, address: str) -> str:
    """A delivery's address by its channel (sms: a mobile; email: an address)."""
    if channel == "sms":
        return mask_mobile(address)
    if channel == "email":
        return mask_email(address)
    return address


def redact(text: str) -> str:
    """Text with every mobile number and e-mail address in it masked (log lines, error texts)."""
    if not text or ("@" not in text and not MOBILE_IN_TEXT.search(text)):
        return text
    text = EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group(0)), text)
    return MOBILE_IN_TEXT.sub(lambda m: mask_mobile(m.group(0)), text)


def main(argv: list[str] | None = None) -> int:
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["new-key"]:
        print(base64.b64encode(os.urandom(32)).decode("ascii"))
        return 0
    print("usage: python -m zjtx.crypto new-key   (prints a fresh ZJTX_FIELD_KEY)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
