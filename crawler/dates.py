"""Publication times from strings: ISO 8601, RFC 2822 and the written forms UK sites use."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from core.vocabulary import LOCAL_TZ

logger = logging.getLogger(__name__)

# A naive time on a UK site is local time; a date with no time becomes local midnight.
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)  # no news site published before this
FUTURE_SLACK = timedelta(days=2)  # time zones and embargoed stories, no more

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_TIME = r"(?:,?\s*(?:at\s+)?(\d{1,2})[:.](\d{2})\s*(am|pm)?(?:\s*(GMT|BST|UTC))?)?"
_DMY = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?,?\s+(\d{{4}}){_TIME}", re.I
)
_MDY = re.compile(rf"\b{_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_TIME}", re.I)
_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")  # UK order: day/month/year
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")


def aware(moment: datetime) -> datetime:
    """Attach the local zone to a naive datetime; leave aware ones alone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)


def plausible(moment: datetime | None, now: datetime | None = None) -> datetime | None:
    """The datetime if it lies between 1995 and two days from now, else None."""
    if moment is None:
        return None
    now = now or datetime.now(UTC)
    return moment if EARLIEST <= moment <= now + FUTURE_SLACK else None


def _build(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    ampm: str | None = None,
    zone: str | None = None,
) -> datetime | None:
    if ampm:
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    try:
        moment = datetime(year, month, day, hour, minute)
    except ValueError:
        return None
    if zone and zone.upper() in ("GMT", "UTC"):
        return moment.replace(tzinfo=UTC)
    return moment.replace(tzinfo=LOCAL_TZ)


def parse_datetime(value: str | None) -> datetime | None:
    """Parse one date string (ISO 8601, RFC 2822, "12 May 2024 at 10:30", "May 12, 2024").

    Args:
        value: the string as found in a tag or feed.

    Returns:
        A timezone-aware datetime (naive input is Europe/London), or None when unparseable
        or implausible.
    """
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        return plausible(aware(datetime.fromisoformat(iso)))
    except ValueError:
        pass
    try:
        return plausible(aware(parsedate_to_datetime(text)))
    except (TypeError, ValueError, IndexError):
        pass
    return find_date_in_text(text)


def find_date_in_text(text: str) -> datetime | None:
    """The first plausible written date in free text ("Published 3 March 2025, 14:05")."""
    candidates: list[tuple[int, datetime]] = []
    for match in _DMY.finditer(text):
        d, mon, y, hh, mm, ampm, zone = match.groups()
        moment = _build(
            int(y), MONTHS[mon.lower()[:3]], int(d), int(hh or 0), int(mm or 0), ampm, zone
        )
        if plausible(moment):
            candidates.append((match.start(), moment))
            break
    for match in _MDY.finditer(text):
        mon, d, y, hh, mm, ampm, zone = match.groups()
        moment = _build(
            int(y), MONTHS[mon.lower()[:3]], int(d), int(hh or 0), int(mm or 0), ampm, zone
        )
        if plausible(moment):
            candidates.append((match.start(), moment))
            break
    for match in _ISO_DATE.finditer(text):
        y, m, d, hh, mm, _ss = match.groups()
        moment = _build(int(y), int(m), int(d), int(hh or 0), int(mm or 0))
        if plausible(moment):
            candidates.append((match.start(), moment))
            break
    for match in _NUMERIC.finditer(text):
        d, m, y = match.groups()
        moment = _build(int(y), int(m), int(d))
        if plausible(moment):
            candidates.append((match.start(), moment))
            break
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1]


def date_from_url(url: str | None) -> datetime | None:
    """A date written into the URL path (`/2025/03/14/slug`), local midnight, or None."""
    if not url:
        return None
    match = _URL_DATE.search(url)
    if not match:
        return None
    y, m, d = (int(x) for x in match.groups())
    return plausible(_build(y, m, d))
