"""The digest's SMTP: TLS with verified certificates, and no password over plaintext.

Real SMTP servers (aiosmtpd) on loopback, with certificates made at test time: the listener
records every login attempt and every message, so "refused" means nothing reached it.
"""

from __future__ import annotations

import socket
import ssl
from datetime import UTC, date, datetime
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from tlscerts import issue, make_ca, self_signed

from core.config import Smtp, load_config
from core.errors import ConfigError
from pcm.cli import main
from pcm.digest_data import Digest
from pcm.digest_send import DigestSendError, send_digest

PASSWORD = "s3cret-relay-password"
ENV = {"PCM_SMTP_PASSWORD": PASSWORD}
NOW = datetime(2025, 6, 3, 7, tzinfo=UTC)


class Listener:
    """An SMTP handler and authenticator that keeps what it is given."""

    def __init__(self) -> None:
        self.logins: list[tuple[str, str]] = []
        self.messages: list = []

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(envelope)
        return "250 OK"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_context(pem) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem.cert, pem.key)
    return context


def _serve(listener: Listener, port: int, starttls_pem=None, implicit_pem=None) -> Controller:
    kwargs = {}
    if starttls_pem:
        kwargs["tls_context"] = _server_context(starttls_pem)
    if implicit_pem:
        kwargs["ssl_context"] = _server_context(implicit_pem)
    controller = Controller(
        listener,
        hostname="127.0.0.1",
        port=port,
        authenticator=listener,
        auth_require_tls=False,  # the listener would take a password in clear: we must not
        **kwargs,
    )
    controller.start()
    return controller


def _digest() -> Digest:
    return Digest("Test Constabulary", date(2025, 6, 3), NOW, NOW, {}, 0, [], [])


def _smtp(port: int, **kw) -> Smtp:
    values = {
        "host": "127.0.0.1",
        "port": port,
        "sender": "pcm@force.example",
        "recipients": ["comms@force.example"],
        "username": "pcm",
        "password_env": "PCM_SMTP_PASSWORD",
    }
    return Smtp(**{**values, **kw})


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("certs")
    ca = make_ca(folder)
    return {
        "ca": ca,
        "good": issue(ca, folder, "relay", ["127.0.0.1", "localhost"]),
        "other_name": self_signed(folder, "other", ["mail.other.example"]),
        "wrong_name_from_ca": issue(ca, folder, "wrong", ["mail.other.example"]),
    }


def test_starttls_to_a_self_signed_certificate_for_another_host_sends_no_password(certs):
    listener, port = Listener(), _port()
    controller = _serve(listener, port, starttls_pem=certs["other_name"])
    try:
        with pytest.raises(DigestSendError, match="CERTIFICATE_VERIFY_FAILED") as err:
            send_digest(_digest(), _smtp(port), environ=ENV)
    finally:
        controller.stop()
    assert listener.logins == []
    assert listener.messages == []
    assert PASSWORD not in str(err.value)
    assert "\n" not in str(err.value)


def test_starttls_to_a_trusted_certificate_for_another_name_is_refused(certs):
    listener, port = Listener(), _port()
    controller = _serve(listener, port, starttls_pem=certs["wrong_name_from_ca"])
    try:
        with pytest.raises(DigestSendError, match=r"(?i)hostname|IP address mismatch"):
            send_digest(_digest(), _smtp(port, ca_file=str(certs["ca"].cert)), environ=ENV)
    finally:
        controller.stop()
    assert listener.logins == []
    assert listener.messages == []


def test_a_server_without_starttls_gets_no_password(certs):
    # A listener that strips STARTTLS from its answer (a downgrade): no fallback to plaintext.
    listener, port = Listener(), _port()
    controller = _serve(listener, port)
    try:
        with pytest.raises(DigestSendError, match="does not offer STARTTLS"):
            send_digest(_digest(), _smtp(port), environ=ENV)
    finally:
        controller.stop()
    assert listener.logins == []
    assert listener.messages == []


def test_implicit_tls_to_a_self_signed_certificate_is_refused(certs):
    listener, port = Listener(), _port()
    controller = _serve(listener, port, implicit_pem=certs["other_name"])
    try:
        with pytest.raises(DigestSendError, match="CERTIFICATE_VERIFY_FAILED"):
            send_digest(_digest(), _smtp(port, tls="implicit"), environ=ENV)
    finally:
        controller.stop()
    assert listener.logins == []
    assert listener.messages == []


@pytest.mark.parametrize("tls", ["starttls", "implicit"])
def test_a_relay_with_a_certificate_from_the_configured_ca_gets_the_digest(certs, tls):
    listener, port = Listener(), _port()
    pem = {"starttls_pem": certs["good"]} if tls == "starttls" else {"implicit_pem": certs["good"]}
    controller = _serve(listener, port, **pem)
    try:
        send_digest(_digest(), _smtp(port, tls=tls, ca_file=str(certs["ca"].cert)), environ=ENV)
    finally:
        controller.stop()
    assert listener.logins == [("pcm", PASSWORD)]  # the listener does see a password it gets
    [envelope] = listener.messages
    msg = message_from_bytes(envelope.content, policy=policy.default)
    assert msg["Subject"].startswith("Test Constabulary: public confidence digest")


def _config(tmp_path, smtp_yaml: str):
    path = tmp_path / "pcm.yaml"
    path.write_text(
        "force:\n  name: Test Constabulary\ndigest:\n  smtp:\n"
        "    host: smtp.example.org\n    sender: pcm@example.org\n"
        "    recipients: [press@example.org]\n" + smtp_yaml,
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "smtp_yaml",
    [
        "    username: pcm\n    password_env: PCM_SMTP_PASSWORD\n    tls: none\n",
        "    username: pcm\n    password_env: PCM_SMTP_PASSWORD\n    starttls: false\n",
    ],
)
def test_credentials_over_plaintext_fail_config_validation(tmp_path, capsys, smtp_yaml):
    config = _config(tmp_path, smtp_yaml)
    with pytest.raises(ConfigError, match="username is set but tls is none"):
        load_config(config, environ={})
    db = tmp_path / "w.duckdb"
    assert main(["init", "--config", str(config), "--db", str(db)]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "digest.smtp" in err
    assert "tls" in err
    assert not db.exists()


def test_tls_is_the_default_and_plaintext_without_credentials_is_allowed(tmp_path):
    cfg = load_config(_config(tmp_path, ""), environ={})
    assert (cfg.digest.smtp.tls, cfg.digest.smtp.effective_port) == ("starttls", 587)
    cfg = load_config(_config(tmp_path, "    tls: none\n"), environ={})
    assert (cfg.digest.smtp.tls, cfg.digest.smtp.effective_port) == ("none", 25)
    cfg = load_config(_config(tmp_path, "    tls: implicit\n"), environ={})
    assert cfg.digest.smtp.effective_port == 465
    with pytest.raises(ConfigError, match="ca_file"):
        load_config(_config(tmp_path, "    ca_file: no/such/ca.pem\n"), environ={})
