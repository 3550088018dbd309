"""Access: with `auth.enabled`, every page needs an OIDC login (st.login) and an allowlisted email.

`st.login` only proves who someone is; whether they may see the data is decided here, from the
config's `auth.allowed_emails` and `auth.allowed_domains`.
"""

from __future__ import annotations

import logging

import streamlit as st

from core.config import Auth

logger = logging.getLogger(__name__)

NO_AUTH_BANNER = (
    "No authentication: anyone who can open this address can read the data and "
    "record corrections. Set auth.enabled in the config to require a login."
)


def is_verified(claim: object) -> bool:
    """Whether the identity provider's `email_verified` claim says yes.

    Args:
        claim: the claim as Streamlit hands it on: a boolean, or the text "true" from some
            providers; missing (None) is not verified.

    Returns:
        True only for True or "true" (any case).
    """
    if isinstance(claim, bool):
        return claim
    return isinstance(claim, str) and claim.strip().lower() == "true"


def is_allowed(email: str | None, auth: Auth, email_verified: object = False) -> bool:
    """Whether a signed-in email may see the dashboard.

    Args:
        email: the address the identity provider vouched for (None when it gave none).
        auth: the config's `auth` section.
        email_verified: the provider's `email_verified` claim; anything but true refuses
            (an unverified address can be anyone's).

    Returns:
        True when the address is verified, is a full address (a non-empty local part, "@" and
        a domain) and is listed in `allowed_emails` or its domain (the part after the last
        "@") is in `allowed_domains`; comparisons ignore case and surrounding spaces. A domain
        entry matches that domain exactly, not its subdomains.
    """
    if not email or "@" not in email or not is_verified(email_verified):
        return False
    email = email.strip().lower()
    local, _, domain = email.rpartition("@")
    if not local or not domain or any(c.isspace() for c in email):
        return False
    emails = {e.strip().lower() for e in auth.allowed_emails}
    domains = {d.strip().lower().lstrip("@") for d in auth.allowed_domains}
    return email in emails or domain in domains


def secrets_configured() -> bool:
    """Whether Streamlit has an `[auth]` section in its secrets (what st.login needs)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        return False


def current_email() -> str | None:
    """The signed-in user's email, or None when nobody is signed in."""
    if not st.user.get("is_logged_in", False):
        return None
    return st.user.get("email")


def gate(auth: Auth) -> bool:
    """Decide whether this run may show data, and say why not when it may not.

    Args:
        auth: the config's `auth` section.

    Returns:
        True to go on and draw the page; False after drawing a login prompt or a refusal (the
        caller then shows no data).
    """
    if not auth.enabled:
        st.sidebar.warning(NO_AUTH_BANNER, icon=":material/lock_open:")
        return True
    if not secrets_configured():
        st.error(
            "Sign-in is switched on (auth.enabled) but Streamlit has no [auth] section in "
            ".streamlit/secrets.toml, so nobody can sign in. Add the OIDC settings there "
            "(see docs/dashboard.md). No data is shown until then."
        )
        return False
    if not st.user.get("is_logged_in", False):
        st.title("Public Confidence Monitor")
        st.info("Sign in to see the dashboard.")
        st.button("Log in", on_click=st.login, type="primary")
        return False
    email = current_email()
    verified = is_verified(st.user.get("email_verified"))
    if not is_allowed(email, auth, verified):
        why = "not in the allowlist" if verified else "email not verified"
        logger.warning("refused dashboard access to %s (%s)", email, why)
        if verified:
            st.error(
                f"{email or 'This account'} is signed in but not allowed to see this "
                "dashboard. Ask the administrator to add the address to auth.allowed_emails "
                "or its domain to auth.allowed_domains."
            )
        else:
            st.error(
                f"{email or 'This account'} is signed in but the identity provider has not "
                "verified the address, so it is not allowed to see this dashboard. Verify it "
                "with the provider and sign in again."
            )
        st.button("Log out", on_click=st.logout)
        return False
    st.sidebar.caption(f"Signed in as {email}")
    st.sidebar.button("Log out", on_click=st.logout)
    return True
