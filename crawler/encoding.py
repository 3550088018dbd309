"""Turning fetched bytes into text: a byte order mark, else the declared charset if it is right,
else UTF-8, else cp1252."""

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


# Byte order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Single-byte Western charsets: a page labelled with one of these whose bytes are valid UTF-8
# (with some non-ASCII) is UTF-8 with a wrong label. Read as labelled, "é" becomes "Ã©" and
# "’" becomes "â€™": mojibake.
_WIDE = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})
_SINGLE_BYTE = frozenset({"cp1252", "latin-1", "iso8859-1", "iso8859-15", "ascii"})
# What UTF-8 looks like read as cp1252: a lead byte C2-C3 or E2 shown as Â/Ã/â followed by a
# continuation byte shown as a cp1252 character.
MOJIBAKE = re.compile(
    "[ÂÃ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|â€"
)


def bom_encoding(body: bytes) -> str | None:
    """The encoding a byte order mark at the start of `body` announces, or None.

    Args:
        body: the raw bytes (their start is enough).

    Returns:
        "utf-8", "utf-16" or "utf-32" (the codec that reads and drops the mark itself, except
        UTF-8 whose mark the caller strips), or None without a mark.
    """
    for mark, encoding in _BOMS:
        if body.startswith(mark):
            return encoding
    return None


def is_wide(body: bytes, content_type: str | None = None) -> bool:
    """True when the page is UTF-16 or UTF-32 (by its byte order mark or its Content-Type), so
    NUL bytes in it are text, not a sign of binary content.

    Args:
        body: the raw bytes.
        content_type: the HTTP Content-Type header value, if any.

    Returns:
        Whether the bytes are in a 16- or 32-bit Unicode encoding.
    """
    if bom_encoding(body) in ("utf-16", "utf-32"):
        return True
    return _valid_codec(charset_from_content_type(content_type)) in _WIDE


def _valid_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _utf8_if_mislabelled(body: bytes, text: str, declared: str) -> tuple[str, str] | None:
    """UTF-8 text for a page whose single-byte label turned it into mojibake, else None."""
    if declared not in _SINGLE_BYTE or body.isascii():
        return None
    try:
        fixed = body.decode("utf-8")
    except UnicodeDecodeError:
        # Mostly UTF-8 with a stray byte: still UTF-8 when that reads better than the label.
        fixed = body.decode("utf-8", "replace")
        if fixed.count("\ufffd") * 4 >= len(MOJIBAKE.findall(text)):
            return None
    logger.info("charset %s is wrong: the page is UTF-8 (mojibake avoided)", declared)
    return fixed, "utf-8"


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page: a byte order mark wins; else the declared charset if it names a real
    codec and decodes, unless the page is really UTF-8 under a single-byte label (read as
    labelled it would be mojibake: "Ã©", "â€™"); else UTF-8 strict, else cp1252 (the usual
    undeclared encoding of old UK sites).

    Args:
        body: the raw bytes.
        content_type: the HTTP Content-Type header value, if any.

    Returns:
        (text, encoding used). Never raises; undecodable bytes become U+FFFD.
    """
    marked = bom_encoding(body)
    if marked == "utf-8":
        return body[len(codecs.BOM_UTF8) :].decode("utf-8", "replace"), "utf-8"
    if marked:
        return body.decode(marked, "replace"), marked
    declared = _valid_codec(declared_charset(body, content_type))
    if declared in _WIDE and b"\x00" not in body[:_META_SCAN_BYTES]:
        declared = None  # a UTF-16 label on 8-bit bytes (the page was re-encoded)
    if declared:
        # Pages often declare latin-1 but are really cp1252 (the WHATWG rule); cp1252 is a
        # superset for every printable character.
        if declared in ("latin-1", "iso8859-1", "ascii"):
            declared = "cp1252"
        try:
            text = body.decode(declared)
        except UnicodeDecodeError:
            logger.debug("declared charset %s does not decode, trying UTF-8", declared)
        else:
            return _utf8_if_mislabelled(body, text, declared) or (text, declared)
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return body.decode("cp1252", "replace"), "cp1252"
