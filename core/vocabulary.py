"""The shared vocabularies: topic, voice, stance, target and source-kind ids, the time zone,
and the one place that turns those ids into words.

Ids (`victim_updates`, `inspectorate`, `local_news`) are a contract for analysts and scripts;
people reading the dashboard, the digest and alert texts see these names instead.
"""

from __future__ import annotations

import logging
from typing import Literal
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

VOICES = ("force", "pcc", "inspectorate", "government", "public", "media")
SOURCE_KINDS = ("local_news", "national_news", "force_statement", "pcc_statement", "inspectorate")
TOPICS = (
    "victim_updates",
    "stop_and_search",
    "value_for_money",
    "crime_prevention",
    "investigations",
    "domestic_abuse",
    "emergency_response",
    "officer_conduct",
    "fair_treatment",
    "community_engagement",
    "road_safety",
    "vulnerable_people",
    "general",
)

# Which force a passage is about (passages/force_target.py): only `force` counts for the
# configured force's scores.
TARGETS = ("force", "other_force", "national", "none")

Voice = Literal["force", "pcc", "inspectorate", "government", "public", "media"]
SourceKind = Literal[
    "local_news", "national_news", "force_statement", "pcc_statement", "inspectorate"
]

# Stance labels as stored in the warehouse and shown in JSON (the model's head order is its own).
STANCES = ("positive", "neutral", "negative")

# Dates are reported in the force's local time.
LOCAL_TZ = ZoneInfo("Europe/London")


TOPIC_NAMES = {
    "victim_updates": "Keeping victims updated",
    "stop_and_search": "Stop and search",
    "value_for_money": "Value for money",
    "crime_prevention": "Preventing crime",
    "investigations": "Investigations",
    "domestic_abuse": "Domestic abuse",
    "emergency_response": "Emergency response",
    "officer_conduct": "Officer conduct",
    "fair_treatment": "Fair treatment",
    "community_engagement": "Working with communities",
    "road_safety": "Road safety",
    "vulnerable_people": "Protecting vulnerable people",
    "general": "The force as a whole",
}
VOICE_NAMES = {
    "force": "The force's own staff",
    "pcc": "Police and crime commissioner",
    "inspectorate": "Inspectors and watchdogs",
    "government": "Government, MPs and councils",
    "public": "The public",
    "media": "Journalists",
}
SOURCE_KIND_NAMES = {
    "local_news": "Local news",
    "national_news": "National news",
    "force_statement": "Force statements",
    "pcc_statement": "Commissioner statements",
    "inspectorate": "Inspection reports",
}
VERDICT_NAMES = {
    "worsening": "Worsening",
    "improving": "Improving",
    "no clear change": "No clear change",
}


def _fallback(value: object) -> str:
    """An unknown id as words: "new_topic" -> "New topic"; nothing at all -> "not known"."""
    if value is None or str(value).strip() == "":
        return "not known"
    return str(value).replace("_", " ").capitalize()


def topic_name(topic: object) -> str:
    """A topic as people read it.

    Args:
        topic: a topic id such as "victim_updates".

    Returns:
        Its display name ("Keeping victims updated"); an unknown id in plain words.
    """
    return TOPIC_NAMES.get(str(topic), _fallback(topic))


def voice_name(voice: object) -> str:
    """A voice as people read it.

    Args:
        voice: a voice id such as "inspectorate".

    Returns:
        Its display name ("Inspectors and watchdogs"); an unknown id in plain words.
    """
    return VOICE_NAMES.get(str(voice), _fallback(voice))


def source_kind_name(kind: object) -> str:
    """A source kind as people read it.

    Args:
        kind: a source-kind id such as "local_news".

    Returns:
        Its display name ("Local news"); an unknown id in plain words.
    """
    return SOURCE_KIND_NAMES.get(str(kind), _fallback(kind))


# Reasons that say the page was fetched but held nothing usable; the rest are fetch failures.
CONTENT_REASONS = frozenset(
    {"empty_body", "paywall_stub", "not_html", "bad_html", "bad_pdf", "store_failed"}
)
# A feed or sitemap that answered but is not one (an HTML page where the RSS used to be): the
# source's articles can no longer be found, so the source is partial, or failed when none of
# its feeds, sitemaps and listings could be read.
DISCOVERY_REASONS = frozenset({"bad_feed", "bad_sitemap"})
ROBOTS_REASONS = frozenset({"robots_disallowed", "robots_unavailable"})

# Crawl error reasons (`crawl_errors.reason`, `crawl_stats.errors_by_reason`) as people read them.
REASON_NAMES = {
    "timeout": "timed out",
    "dns": "address not found (DNS)",
    "connection_refused": "connection refused",
    "connection_lost": "connection dropped",
    "download_failed": "download failed",
    "truncated": "download cut short",
    "too_large": "page too large",
    "bad_url": "unusable link",
    "robots_disallowed": "robots.txt forbids it",
    "robots_unavailable": "robots.txt could not be read",
    "offsite_canonical": "page points to another site",
    "empty_body": "empty page",
    "paywall_stub": "behind a paywall",
    "not_html": "not a web page",
    "bad_html": "page could not be read",
    "bad_pdf": "PDF could not be read",
    "bad_feed": "feed is no longer a feed",
    "bad_sitemap": "sitemap could not be read",
    "store_failed": "could not be saved",
    "passages_capped": "article cut to the passage limit",
}


def reason_name(reason: object) -> str:
    """A crawl error reason as people read it.

    Args:
        reason: a reason code such as "robots_disallowed" or "http_503".

    Returns:
        Its plain words ("robots.txt forbids it", "server error (HTTP 503)"); an unknown code in
        plain words.
    """
    code = str(reason)
    if code.startswith("http_") and code[5:].isdigit():
        status = int(code[5:])
        kind = "server error" if status >= 500 else "page not found" if status == 404 else "refused"
        return f"{kind} (HTTP {status})"
    return REASON_NAMES.get(code, _fallback(reason))
