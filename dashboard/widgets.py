"""Small pieces every page uses: CSV download, stance badges, freshness and "refreshing" notices."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from core import vocabulary
from dashboard import queries, snapshot
from warehouse.csvsafe import neutralise_frame

logger = logging.getLogger(__name__)

REFRESHING = "Refreshing — the nightly job is writing; this page will update."
UPDATING = "Newer data is loading in the background; this page will update by itself."
RECHECK_S = 3  # how often a page waiting for the writer checks again
# A nightly job that has not succeeded for this long has stopped (a day, plus a long run's slack).
OVERDUE_AFTER_H = 26

# Stance badges: colour plus a symbol plus the word, so no reader depends on colour alone.
_BADGES = {
    "positive": ":blue-badge[▲ positive]",
    "negative": ":orange-badge[▼ negative]",
    "neutral": ":gray-badge[● neutral]",
    "mixed": ":violet-badge[◆ mixed]",
}
TREND_BADGES = {
    "improving": ":blue-badge[▲ improving]",
    "worsening": ":orange-badge[▼ worsening]",
    "steady": ":gray-badge[▶ steady]",
    "no clear change": ":gray-badge[● no clear change]",
    "new": ":gray-badge[new]",
    "no data": ":gray-badge[no data]",
}
# An article's stance on a topic as a reader says it (the `story_topics` / `article_topics`
# stance: negative, positive, mixed, neutral).
STANCE_WORDS = {
    "negative": "critical",
    "positive": "favourable",
    "mixed": "balanced",
    "neutral": "neutral",
}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$])")


def page_title(page: str, ctx) -> None:
    """The page's title; where several forces are watched, with the force shown
    ("Overview: Suffolk Constabulary"), so a screenshot or print says whose figures they are."""
    many = len(ctx.cfg.forces) > 1
    st.title(f"{page}: {ctx.force_name}" if many else page)


def stance_badge(label: str) -> str:
    """Markdown for a stance label (positive, negative, neutral or mixed)."""
    return _BADGES.get(str(label), f":gray-badge[{escape(str(label))}]")


def stance_words(stance: str) -> str:
    """An article's stance towards the force in plain words: "negative" -> "critical"."""
    return STANCE_WORDS.get(str(stance), "not known")


def escape(text: str) -> str:
    """Text shown inside Streamlit Markdown exactly as written (news text has * _ [ ] etc.)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def topic_label(topic: str) -> str:
    """A topic id as people read it (core.vocabulary): "victim_updates" -> "Keeping victims
    updated"."""
    return vocabulary.topic_name(topic)


def voice_label(voice: str) -> str:
    """A voice id as people read it (core.vocabulary): "inspectorate" -> "Inspectors and
    watchdogs"."""
    return vocabulary.voice_name(voice)


def source_kind_label(kind: str) -> str:
    """A source-kind id as people read it (core.vocabulary): "local_news" -> "Local news"."""
    return vocabulary.source_kind_name(kind)


def csv_bytes(df: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV with formula-like text cells neutralised.

    Args:
        df: the rows.

    Returns:
        The CSV bytes, header first.
    """
    return neutralise_frame(df).to_csv(index=False).encode("utf-8")


def csv_download(df: pd.DataFrame, name: str, label: str = "Download CSV") -> None:
    """A button that downloads exactly the table shown, as UTF-8 CSV (text cells that a
    spreadsheet would run as a formula start with an apostrophe: warehouse.csvsafe).

    Args:
        df: the rows shown on the page.
        name: the file name without extension.
        label: the button text.
    """
    st.download_button(
        label,
        csv_bytes(df),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
        icon=":material/download:",
    )


def _when(ts) -> str:
    return "never" if ts is None else pd.Timestamp(ts).strftime("%d %b %Y %H:%M")


def freshness_panel(fresh: dict) -> None:
    """The last successful run and the newest data, in the sidebar of every page."""
    box = st.sidebar.container(border=True)
    box.markdown(f"**Last successful run:** {_when(fresh['last_success'])}")
    if fresh["last_status"] and fresh["last_status"] != "success":
        box.warning(
            f"The latest run ({_when(fresh['last_run_at'])}) ended "
            f"**{fresh['last_status']}**: {escape(fresh['last_error'] or 'no reason')}",
            icon=":material/warning:",
        )
    box.markdown(
        f"**Newest article fetched:** {_when(fresh['newest_fetched'])}  \n"
        f"**Newest published:** {_when(fresh['newest_published'])}"
    )
    box.caption("Times are Europe/London.")


def _hours_since(ts, now: datetime) -> float:
    then = pd.Timestamp(ts)
    if then.tzinfo is None:
        then = then.tz_localize(UTC)
    return (pd.Timestamp(now) - then).total_seconds() / 3600


def run_overdue_banner(fresh: dict, now: datetime | None = None) -> bool:
    """Above the page: say so when no nightly run has succeeded for `OVERDUE_AFTER_H` hours.

    Args:
        fresh: `queries.freshness` (with the runs journal folded in).
        now: the time to judge by (default: now).

    Returns:
        True when the banner was shown.
    """
    now = now or datetime.now(UTC)
    last = fresh.get("last_success")
    if last is None:
        if fresh.get("last_run_at") is None:
            return False  # no run recorded at all: a new or hand-built warehouse
        st.error(
            "No nightly run has succeeded yet: these figures may be incomplete. The sidebar "
            "shows the last run's error; docs/operations.md says how to check the schedule.",
            icon=":material/error:",
        )
        return True
    hours = _hours_since(last, now)
    if hours < OVERDUE_AFTER_H:
        return False
    st.error(
        f"No nightly run has succeeded since {_when(last)} ({hours:.0f} hours ago): the "
        "figures are out of date. Check that the scheduler (`pcm schedule` or its systemd "
        "timer) is running and read the last run's error in the sidebar.",
        icon=":material/error:",
    )
    return True


def refreshing_notice(db_path: str) -> None:
    """Say the writer is busy, and rerun the page by itself once the warehouse is free again."""
    st.info(REFRESHING, icon=":material/sync:")

    @st.fragment(run_every=RECHECK_S)
    def _wait_for_writer() -> None:
        if queries.lock_free(db_path):
            queries.clear_version()
            st.rerun(scope="app")

    _wait_for_writer()


def updating_notice(db_path: str, version: str) -> None:
    """Say the page shows the previous data while the newest loads; rerun once it has loaded."""
    st.caption(UPDATING)

    @st.fragment(run_every=RECHECK_S)
    def _wait_for_snapshot() -> None:
        if snapshot.ready(db_path, version):
            st.rerun(scope="app")

    _wait_for_snapshot()
