"""The filters every page shares (dates, topics, voices, source kinds, outlets), kept in the URL."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from core.vocabulary import SOURCE_KINDS, TOPICS, VOICES

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


@dataclass(frozen=True)
class Filters:
    """What the reader asked to see; empty tuples mean "all".

    Attributes:
        start: first day (Europe/London date, inclusive).
        end: last day (inclusive); the Overview's "this week" ends here.
        topics, voices, source_kinds, outlets: the selected values.
        external_only: leave out the force's own voice (voice <> 'force').
    """

    start: date
    end: date
    topics: tuple[str, ...] = ()
    voices: tuple[str, ...] = ()
    source_kinds: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    external_only: bool = True

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
        for label, values in (
            ("topics", self.topics),
            ("voices", self.voices),
            ("kinds", self.source_kinds),
            ("outlets", self.outlets),
        ):
            if values:
                parts.append(f"{label}: {', '.join(values)}")
        parts.append(
            "external voices only" if self.external_only else "including the force's own statements"
        )
        return "; ".join(parts)


def sidebar(first_day: date | None, last_day: date | None, outlets: list[str]) -> Filters:
    """Draw the shared filter widgets in the sidebar; each is bound to a URL query parameter.

    Args:
        first_day: the oldest day with data (None for an empty warehouse).
        last_day: the newest day with data; the default range ends there.
        outlets: the outlet (source) names to offer.

    Returns:
        The filters for this run.
    """
    last_day = last_day or date.today()
    first_day = min(first_day or last_day, last_day)
    default_start = max(first_day, last_day - timedelta(days=DEFAULT_DAYS - 1))
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
    topics = st.sidebar.multiselect(
        "Topics",
        TOPICS,
        key=KEY_TOPICS,
        bind="query-params",
        placeholder="All topics",
    )
    external = st.sidebar.toggle(
        "External voices only",
        value=True,
        key=KEY_EXTERNAL,
        bind="query-params",
        help="Leave out the words of the force's own staff: a confidence measure built "
        "from its own press releases measures its PR.",
    )
    voices = st.sidebar.multiselect(
        "Voices",
        VOICES,
        key=KEY_VOICES,
        bind="query-params",
        placeholder="All voices",
    )
    kinds = st.sidebar.multiselect(
        "Source kinds",
        SOURCE_KINDS,
        key=KEY_KINDS,
        bind="query-params",
        placeholder="All kinds",
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
    )
