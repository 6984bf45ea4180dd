"""The project's key material: a CA, a TLS certificate per principal, and a JWT signing key per principal.

``python -m zjtx.pki generate DIR`` (``make certs``) writes, for every principal (the four
services, the gateway, and ``ops``, the operators' tools and the tests)::

    DIR/ca.crt, DIR/ca.key                    the project CA (EC P-256) that signs every certificate
    DIR/<principal>.crt, DIR/<principal>.key  TLS certificate (server and client use) and its key
    DIR/<principal>.jwt.key                   Ed25519 key that signs the principal's identity tokens
    DIR/<principal>.jwt.pub                   its public half, which every verifier holds

Private keys are written 0600. ``make up``, ``make demo`` and the tests generate a fresh
set when ``ZJTX_PKI_DIR`` is not set (``ensure``); production sets ``ZJTX_PKI_DIR`` to a
directory provisioned by its own CA (or a secret store) and refuses to start without it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import os
import sys
from pathlib import Path

PRINCIPALS = ("gateway", "registration", "review", "notification", "reporting", "ops")
SERVICES = ("registration", "review", "notification", "reporting")
CA_NAME = "ZJTX project CA"
# every certificate also names these, so a client can reach a service by loopback, by its
# docker-compose service name, or by its Kubernetes service name
LOCAL_NAMES = ("localhost",)
LOCAL_ADDRESSES = ("127.0.0.1", "::1")

_targets: dict[str, tuple[Path, str]] = {}


class PkiError(Exception):
    """Key material missing or unreadable, worded so that one line says what to provide."""


def cert_path(directory: Path, principal: str) -> Path:
    return Path(directory) / f"{principal}.crt"


def key_path(directory: Path, principal: str) -> Path:
    return Path(directory) / f"{principal}.key"


def jwt_key_path(directory: Path, principal: str) -> Path:
    return Path(directory) / f"{principal}.jwt.key"


def jwt_public_path(directory: Path, principal: str) -> Path:
    return Path(directory) / f"{principal}.jwt.pub"


def ca_path(directory: Path) -> Path:
    return Path(directory) / "ca.crt"


def _write(path: Path, data: bytes, private: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def generate(directory: Path, principals: tuple[str, ...] = PRINCIPALS, extra_hosts: tuple[str, ...] = (),
             days: int = 825) -> Path:
    """A new CA and, for each principal, a TLS certificate and a JWT key pair (overwrites DIR)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory = Path(directory)
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    pem = serialization.Encoding.PEM
    pkcs8 = serialization.PrivateFormat.PKCS8
    plain = serialization.NoEncryption()

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ZJTX"),
                            x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    ca = (x509.CertificateBuilder().subject_name(ca_subject).issuer_name(ca_subject)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now).not_valid_after(now + dt.timedelta(days=days))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    _write(directory / "ca.key", ca_key.private_bytes(pem, pkcs8, plain), private=True)
    _write(ca_path(directory), ca.public_bytes(pem), private=False)

    for principal in principals:
        key = ec.generate_private_key(ec.SECP256R1())
        names: list[x509.GeneralName] = [x509.DNSName(principal), *(x509.DNSName(n) for n in LOCAL_NAMES)]
        for host in extra_hosts:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                names.append(x509.DNSName(host.replace("{name}", principal)))
        names += [x509.IPAddress(ipaddress.ip_address(a)) for a in LOCAL_ADDRESSES]
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ZJTX"),
                                         x509.NameAttribute(NameOID.COMMON_NAME, principal)]))
                .issuer_name(ca_subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now).not_valid_after(now + dt.timedelta(days=days))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.SubjectAlternativeName(names), critical=False)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                      ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
                .sign(ca_key, hashes.SHA256()))
        _write(key_path(directory, principal), key.private_bytes(pem, pkcs8, plain), private=True)
        _write(cert_path(directory, principal), cert.public_bytes(pem), private=False)
        signing = ed25519.Ed25519PrivateKey.generate()
        _write(jwt_key_path(directory, principal), signing.private_bytes(pem, pkcs8, plain), private=True)
        _write(jwt_public_path(directory, principal),
               signing.public_key().public_bytes(pem, serialization.PublicFormat.SubjectPublicKeyInfo), private=False)
    return directory


def complete(directory: Path, principals: tuple[str, ...] = PRINCIPALS) -> bool:
    directory = Path(directory)
    needed = [ca_path(directory)]
    for principal in principals:
        needed += [cert_path(directory, principal), key_path(directory, principal),
                   jwt_key_path(directory, principal), jwt_public_path(directory, principal)]
    return all(p.exists() for p in needed)


def ensure(directory: Path) -> Path:
    """``directory`` with a full set (generated when anything is missing): for make up, demo, tests."""
    if not complete(directory):
        generate(directory)
    return Path(directory)


def check_principal(directory: str | os.PathLike[str] | None, principal: str, what: str = "ZJTX_PKI_DIR") -> Path:
    """The PKI directory of a process about to start as ``principal``; PkiError says what is missing."""
    if not directory:
        raise PkiError(f"{what} is not set; it must name a directory with ca.crt, {principal}.crt, {principal}.key, "
                       f"{principal}.jwt.key and the *.jwt.pub of every principal (`make certs` writes one into "
                       "var/pki for development; production provisions its own)")
    path = Path(directory)
    needed = [ca_path(path), cert_path(path, principal), key_path(path, principal), jwt_key_path(path, principal),
              jwt_public_path(path, "gateway")]
    missing = [p.name for p in needed if not p.is_file()]
    if missing:
        raise PkiError(f"{what}={path} lacks {', '.join(missing)}; run `make certs` (development) or provision "
                       "them from the project CA")
    return path


# ---- which PKI a target belongs to (the tests and the demo run several suites) ----------

def remember(target: str, directory: Path, service: str) -> None:
    _targets[target] = (Path(directory), service)


def service_at(target: str) -> str:
    """The service a started suite runs at ``target`` ("" when unknown)."""
    return _targets[target][1] if target in _targets else ""


def directory_for(target: str) -> Path:
    if target in _targets:
        return _targets[target][0]
    configured = os.environ.get("ZJTX_PKI_DIR")
    if configured:
        return Path(configured)
    from zjtx.config import REPO_ROOT

    local = Path(os.environ.get("ZJTX_VAR_DIR") or REPO_ROOT / "var") / "pki"
    if complete(local):
        return local  # the set `make up` generated
    raise PkiError(f"no PKI directory known for gRPC target {target}; set ZJTX_PKI_DIR")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate the project CA, TLS certificates and JWT keys")
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("generate", help="write a new CA and per-principal certificates and keys into DIR")
    make.add_argument("directory", nargs="?", default=os.environ.get("ZJTX_PKI_DIR") or "var/pki")
    make.add_argument("--host", action="append", default=[],
                      help="an extra DNS name or IP address in every certificate ({name} = the principal)")
    make.add_argument("--days", type=int, default=825)
    args = parser.parse_args(argv)
    path = generate(Path(args.directory), extra_hosts=tuple(args.host), days=args.days)
    print(f"zjtx pki: CA, certificates and JWT keys for {', '.join(PRINCIPALS)} in {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
