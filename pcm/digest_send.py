"""The morning digest e-mailed over SMTP: TLS first and verified, the password from the
environment."""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from email.message import EmailMessage

from core.config import Smtp
from core.errors import PcmError
from pcm.digest_data import Digest
from pcm.digest_render import render_html, render_markdown

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_S = 30.0


class DigestSendError(PcmError):
    """The digest could not be e-mailed."""


def build_message(digest: Digest, smtp: Smtp) -> EmailMessage:
    """The e-mail: Markdown as the text part, HTML as the alternative.

    Args:
        digest: from `collect_digest`.
        smtp: the SMTP settings (sender and recipients).

    Returns:
        A multipart/alternative `EmailMessage`.
    """
    msg = EmailMessage()
    msg["Subject"] = digest.subject
    msg["From"] = smtp.sender
    msg["To"] = ", ".join(smtp.recipients)
    msg.set_content(render_markdown(digest))
    msg.add_alternative(render_html(digest), subtype="html")
    return msg


def tls_context(smtp: Smtp) -> ssl.SSLContext:
    """The TLS settings of the SMTP connection: the certificate chain and the host name are
    verified (`ssl.create_default_context`), TLS 1.2 at least.

    Args:
        smtp: the settings; `ca_file` replaces the system's CA certificates (a private relay).

    Returns:
        A client `ssl.SSLContext`.
    """
    context = ssl.create_default_context(cafile=smtp.ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _connect(smtp: Smtp) -> smtplib.SMTP:
    """An SMTP session on the configured transport, TLS established before anything else is
    said (no fallback to plaintext when STARTTLS is missing or fails)."""
    port = smtp.effective_port
    if smtp.tls == "implicit":
        return smtplib.SMTP_SSL(smtp.host, port, timeout=SMTP_TIMEOUT_S, context=tls_context(smtp))
    server = smtplib.SMTP(smtp.host, port, timeout=SMTP_TIMEOUT_S)
    if smtp.tls == "none":
        return server
    try:
        server.ehlo()
        if not server.has_extn("starttls"):
            raise DigestSendError(
                f"{smtp.host}:{port} does not offer STARTTLS, so nothing was sent; "
                "set digest.smtp.tls to implicit for an SMTPS port, or check the relay"
            )
        server.starttls(context=tls_context(smtp))
        server.ehlo()
    except BaseException:
        server.close()
        raise
    return server


def send_digest(digest: Digest, smtp: Smtp, environ: dict[str, str] | None = None) -> None:
    """E-mail the digest through the configured SMTP server.

    The connection is encrypted unless `smtp.tls` is none (which the config refuses together
    with a username), and the server's certificate and host name are verified: a listener with
    a self-signed or wrong-name certificate never sees the password or the message.

    Args:
        digest: from `collect_digest`.
        smtp: the settings; the password comes from the environment variable named by
            `smtp.password_env` (never from the YAML).
        environ: the environment to read it from (default `os.environ`).

    Raises:
        DigestSendError: no password, or connecting, TLS, login or sending failed.
    """
    env = os.environ if environ is None else environ
    msg = build_message(digest, smtp)
    password = ""
    if smtp.username:
        password = env.get(smtp.password_env or "", "")
        if not password:
            raise DigestSendError(
                f"digest.smtp.username is set but ${smtp.password_env or '(no name)'} "
                "is empty; export the SMTP password in that variable"
            )
    try:
        with _connect(smtp) as server:
            if smtp.username:
                server.login(smtp.username, password)
            server.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise DigestSendError(
            f"could not send the digest via {smtp.host}:{smtp.effective_port} "
            f"(tls {smtp.tls}): {reason}; check digest.smtp in the config"
        ) from None
    logger.info("digest e-mailed to %s (tls %s)", ", ".join(smtp.recipients), smtp.tls)
