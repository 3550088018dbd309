"""The filters every page shares (dates, topics, voices, source kinds, outlets), kept in the URL."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from core.vocabulary import (
    SOURCE_KINDS,
    TOPICS,
    VOICES,
    source_kind_name,
    topic_name,
    voice_name,
)

logger = logging.getLogger(__name__)

DEFAULT_DAYS = 90  # the date range a first visit shows, ending at the newest day with data

# Query-parameter names (the widgets' keys): a URL such as
# /trends?topic=road_safety&voice=public&dates=2026-09-01&dates=2026-11-27 reopens that view.
KEY_DATES = "dates"
KEY_TOPICS = "topic"
KEY_VOICES = "voice"
KEY_KINDS = "kind"
KEY_OUTLETS = "outlet"
KEY_EXTERNAL = "external"
KEY_FORCE = "force"  # the force shown, where several are watched (its id)
# Not a sidebar widget: the Stories page's "came in after" (an ISO date or UTC time), set by
# the Overview's "Since the last run" links and cleared on that page.
KEY_SINCE = "since"
# Set by the links one page makes to another (`link_params`): the filters come from the URL.
KEY_FROM = "from"
_FILTER_KEYS = (
    KEY_DATES, KEY_TOPICS, KEY_VOICES, KEY_KINDS, KEY_OUTLETS, KEY_EXTERNAL, KEY_FORCE
)  # fmt: skip


@dataclass(frozen=True)
class Filters:
    """What the reader asked to see; empty tuples mean "all".

    Attributes:
        start: first day (Europe/London date, inclusive).
        end: last day (inclusive); the Overview's "this week" ends here.
        topics, voices, source_kinds, outlets: the selected values.
        external_only: leave out the force's own voice (voice <> 'force').
        force: the id of the force shown where several are watched (pages read its rows
            through `snapshot.scoped`); None with one force.
    """

    start: date
    end: date
    topics: tuple[str, ...] = ()
    voices: tuple[str, ...] = ()
    source_kinds: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    external_only: bool = True
    force: str | None = None

    def where(
        self, dates: bool = True, start: date | None = None, voices: bool = True
    ) -> tuple[str, list]:
        """A SQL condition over `passage_scores` columns, with its bound parameters.

        Args:
            dates: restrict `day` to the date range.
            start: use this first day instead of `self.start` (e.g. to fill a rolling window).
            voices: apply the voice filters (off for article-level stances).

        Returns:
            ("cond AND cond ...", [params]); "TRUE" when nothing is restricted.
        """
        clauses: list[str] = []
        params: list = []
        if dates:
            clauses.append("day BETWEEN ? AND ?")
            params += [start or self.start, self.end]
        columns = [
            ("topic", self.topics),
            ("source_kind", self.source_kinds),
            ("source", self.outlets),
        ]
        if voices:
            columns.append(("voice", self.voices))
            if self.external_only:
                clauses.append("voice <> 'force'")
        for column, values in columns:  # column names are constants, values are bound
            if values:
                clauses.append(f"list_contains(?::VARCHAR[], {column})")
                params.append(list(values))
        return " AND ".join(clauses) or "TRUE", params

    def voice_condition(self) -> tuple[str, list]:
        """The voice part of `where` alone (for counting filtered passages inside a wider scan)."""
        clauses, params = [], []
        if self.external_only:
            clauses.append("voice <> 'force'")
        if self.voices:
            clauses.append("list_contains(?::VARCHAR[], voice)")
            params.append(list(self.voices))
        return " AND ".join(clauses) or "TRUE", params

    def describe(self) -> str:
        """One line for captions and CSV file names' neighbours."""
        parts = [f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"]
        for label, values, name in (
            ("topics", self.topics, topic_name),
            ("voices", self.voices, voice_name),
            ("kinds of outlet", self.source_kinds, source_kind_name),
            ("outlets", self.outlets, str),
        ):
            if values:  # in words, never the ids
                parts.append(f"{label}: {', '.join(name(v) for v in values)}")
        parts.append(
            "external voices only" if self.external_only else "including the force's own statements"
        )
        return "; ".join(parts)


def link_params(
    f: Filters,
    topic: str | None = None,
    start: date | None = None,
    end: date | None = None,
    **extra: str,
) -> dict[str, str | list[str]]:
    """Query parameters for a link to another page that keeps the reader's filters.

    The link opens that page with the same voices, source kinds, outlets and "External voices
    only" setting; `topic` replaces the topics, `start` and `end` the dates (both, or neither).
    Values are the ids the sidebar's widgets read from the URL, e.g.
    {"topic": "road_safety", "dates": ["2026-12-01", "2026-12-07"]}.

    Args:
        f: the filters of this page.
        topic: one topic id to filter to (else the page's topics, if any).
        start, end: the date range to open (else the page's).
        **extra: further parameters (e.g. article="12", since="2026-12-07T03:10:00Z").

    Returns:
        A mapping for `st.page_link(..., query_params=...)`.
    """
    params: dict[str, str | list[str]] = {}
    first, last = (start, end) if start and end else (f.start, f.end)
    params[KEY_DATES] = [first.isoformat(), last.isoformat()]
    topics = (topic,) if topic else f.topics
    for key, values in (
        (KEY_TOPICS, topics),
        (KEY_VOICES, f.voices),
        (KEY_KINDS, f.source_kinds),
        (KEY_OUTLETS, f.outlets),
    ):
        if values:
            params[key] = list(values)
    if not f.external_only:
        params[KEY_EXTERNAL] = "false"
    if f.force:
        params[KEY_FORCE] = f.force
    params.update(extra)
    params[KEY_FROM] = "link"
    return params


def follow_link() -> bool:
    """Let the sidebar's widgets take their values from the URL of a link just followed.

    Streamlit keeps a widget's earlier value over the URL of an `st.page_link` to another page,
    so the filters a link names (`link_params`, marked with `from=link`) would be ignored.
    Forgetting the widgets' values makes them read the URL as on a first visit; the marker is
    then removed, so that later changes in the sidebar win as usual.

    Returns:
        Whether a link was followed.
    """
    if KEY_FROM not in st.query_params:
        return False
    for key in _FILTER_KEYS:
        if key in st.session_state:
            del st.session_state[key]
    st.query_params.pop(KEY_FROM, None)
    logger.debug("filters taken from the link's URL")
    return True


def _named_multiselect(
    label: str, options: tuple[str, ...], key: str, name: Callable[[object], str], empty: str
) -> list[str]:
    """A sidebar multiselect that shows names ("Stop and search") and keeps ids, in the URL
    too (`?topic=stop_and_search`, as `link_params` writes it).

    `bind="query-params"` would put the shown names in the URL, so the widget and the URL are
    kept in step here: the URL gives the first value, the widget's value is written back.
    """
    if key not in st.session_state:
        st.session_state[key] = [v for v in st.query_params.get_all(key) if v in options]
    chosen = st.sidebar.multiselect(label, options, key=key, format_func=name, placeholder=empty)
    if chosen:
        st.query_params[key] = list(chosen)
    else:
        st.query_params.pop(key, None)
    return chosen


def force_picker(forces: dict[str, str]) -> str | None:
    """The sidebar's force picker, bound to `?force=<id>`; shown only where several forces are
    watched.

    Args:
        forces: {force id: name}, the default force first (the config's order).

    Returns:
        The chosen force's id, or None with one force.
    """
    if len(forces) < 2:
        return None
    follow_link()  # a link's ?force= wins over the picker's last value
    ids = list(forces)
    if KEY_FORCE not in st.session_state:
        wanted = st.query_params.get(KEY_FORCE)
        st.session_state[KEY_FORCE] = wanted if wanted in forces else ids[0]
    chosen = st.sidebar.selectbox(
        "Force",
        ids,
        key=KEY_FORCE,
        format_func=forces.get,
        help="The force whose coverage every page shows; the Compare page sets them side by side.",
    )
    st.query_params[KEY_FORCE] = chosen
    return chosen


def sidebar(
    first_day: date | None,
    last_day: date | None,
    outlets: list[str],
    force: str | None = None,
) -> Filters:
    """Draw the shared filter widgets in the sidebar; each is bound to a URL query parameter.

    Args:
        first_day: the oldest day with data (None for an empty warehouse).
        last_day: the newest day with data; the default range ends there.
        outlets: the outlet (source) names to offer.
        force: the force picked (`force_picker`, drawn first, at the top of the sidebar).

    Returns:
        The filters for this run.
    """
    last_day = last_day or date.today()
    first_day = min(first_day or last_day, last_day)
    default_start = max(first_day, last_day - timedelta(days=DEFAULT_DAYS - 1))
    follow_link()
    st.sidebar.header("Filters")
    picked = st.sidebar.date_input(
        "Dates",
        value=(default_start, last_day),
        min_value=first_day,
        max_value=last_day,
        key=KEY_DATES,
        bind="query-params",
        format="YYYY-MM-DD",
        help="Published date (Europe/London). The Overview's week ends on the last day.",
    )
    picked = (picked,) if isinstance(picked, date) else tuple(d for d in picked or () if d)
    start = picked[0] if picked else default_start
    # A half-picked range (first day only so far) shows that one day.
    end = picked[1] if len(picked) > 1 else (start if picked else last_day)
    topics = _named_multiselect("Topics", TOPICS, KEY_TOPICS, topic_name, "All topics")
    external = st.sidebar.toggle(
        "External voices only",
        value=True,
        key=KEY_EXTERNAL,
        bind="query-params",
        help="Leave out the words of the force's own staff: a confidence measure built "
        "from its own press releases measures its PR.",
    )
    voices = _named_multiselect("Voices", VOICES, KEY_VOICES, voice_name, "All voices")
    kinds = _named_multiselect(
        "Source kinds", SOURCE_KINDS, KEY_KINDS, source_kind_name, "All kinds"
    )
    chosen_outlets = st.sidebar.multiselect(
        "Outlets", outlets, key=KEY_OUTLETS, bind="query-params", placeholder="All outlets"
    )
    return Filters(
        start=start,
        end=end,
        topics=tuple(topics),
        voices=tuple(voices),
        source_kinds=tuple(kinds),
        outlets=tuple(chosen_outlets),
        external_only=bool(external),
        force=force,
    )
