"""Turning fetched bytes into text: the declared charset if valid, else UTF-8, else cp1252."""

from __future__ import annotations

import codecs
import logging
import re

logger = logging.getLogger(__name__)

# Only the head of a page is searched for a <meta charset>; browsers look at the first 1024
# bytes, we are a little more generous because some CMSs put comments first.
_META_SCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def charset_from_content_type(content_type: str | None) -> str | None:
    """The `charset=` parameter of a Content-Type header value, or None."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def declared_charset(body: bytes, content_type: str | None = None) -> str | None:
    """The charset the page says it uses: the HTTP header first, then a `<meta>` tag."""
    found = charset_from_content_type(content_type)
    if found:
        return found
    match = _META_CHARSET.search(body[:_META_SCAN_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def _valid_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page: declared charset if it names a real codec and decodes, else UTF-8 strict,
    else cp1252 (the usual undeclared encoding of old UK sites).

    Args:
        body: the raw bytes.
        content_type: the HTTP Content-Type header value, if any.

    Returns:
        (text, encoding used). Never raises; undecodable cp1252 bytes become U+FFFD.
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8) :].decode("utf-8", "replace"), "utf-8"
    declared = _valid_codec(declared_charset(body, content_type))
    if declared:
        # Pages often declare latin-1 but are really cp1252 (the WHATWG rule); cp1252 is a
        # superset for every printable character.
        if declared in ("latin-1", "iso8859-1", "ascii"):
            declared = "cp1252"
        try:
            return body.decode(declared), declared
        except UnicodeDecodeError:
            logger.debug("declared charset %s does not decode, trying UTF-8", declared)
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return body.decode("cp1252", "replace"), "cp1252"
