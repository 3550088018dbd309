"""Certificates made at test time (the `cryptography` package): a private CA, the certificates it
issues, and self-signed ones, written as PEM files."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Pem:
    """A certificate and its private key on disk."""

    cert: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _san(names: list[str]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


def _write(folder: Path, stem: str, cert: x509.Certificate, key) -> Pem:
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / f"{stem}.crt", folder / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Pem(cert_path, key_path)


def _build(subject: str, names: list[str], issuer: x509.Name, public_key, ca: bool):
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(_san(names), critical=False)
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        ).add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    return builder


def make_ca(folder: Path, name: str = "PCM test relay CA") -> Pem:
    """A private certificate authority (what `digest.smtp.ca_file` names)."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _build(name, [], _name(name), key.public_key(), ca=True).sign(key, hashes.SHA256())
    return _write(folder, "ca", cert, key)


def issue(ca: Pem, folder: Path, stem: str, names: list[str]) -> Pem:
    """A server certificate for `names` (host names or IP addresses), signed by `ca`."""
    ca_cert = x509.load_pem_x509_certificate(ca.cert.read_bytes())
    ca_key = serialization.load_pem_private_key(ca.key.read_bytes(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    builder = _build(names[0], names, ca_cert.subject, key.public_key(), ca=False)
    builder = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
    )
    return _write(folder, stem, builder.sign(ca_key, hashes.SHA256()), key)


def self_signed(folder: Path, stem: str, names: list[str]) -> Pem:
    """A certificate for `names` that signs itself (what a listener can make in a second)."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _build(names[0], names, _name(names[0]), key.public_key(), ca=False).sign(
        key, hashes.SHA256()
    )
    return _write(folder, stem, cert, key)
