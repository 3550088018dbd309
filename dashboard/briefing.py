"""Briefing exports: CSV files whose names say what they hold (page, dates, filters), with plain
column names, e.g. pcm-trends_2026-11-01_2026-12-06_topic-stop-and-search.csv."""

from __future__ import annotations

import logging
import re
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.filters import Filters
from dashboard.widgets import csv_bytes

logger = logging.getLogger(__name__)

MAX_NAME = 150  # characters before ".csv": long outlet lists are cut, and the name says so
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lower case, runs of anything but letters and digits as one hyphen: "Stop and search" ->
    "stop-and-search", "road_safety" -> "road-safety"."""
    return _NOT_SLUG.sub("-", str(text).lower()).strip("-")


def filter_parts(f: Filters, voices: bool = True, kinds: bool = True) -> dict[str, tuple]:
    """The filters that narrow a page's rows, as `file_name` takes them.

    Args:
        f: the sidebar's filters.
        voices: the page applies the voice filter (and the external-voices toggle).
        kinds: the page applies the source-kind and outlet filters.
    """
    parts: dict[str, tuple] = {"topic": f.topics}
    if kinds:
        parts |= {"kind": f.source_kinds, "outlet": f.outlets}
    if voices:
        parts["voice"] = f.voices
        if not f.external_only:
            parts["with"] = ("force-voice",)
    return parts


def file_name(page: str, start: date, end: date, parts: dict[str, tuple] | None = None) -> str:
    """A CSV file name carrying the page, the date range and the filters.

    Args:
        page: the page ("trends", "alerts", ...).
        start: the first day shown.
        end: the last day shown.
        parts: {filter name: values}; empty values are left out, several values are joined
            with "+" (e.g. {"topic": ("road_safety", "general")} -> "topic-road-safety+general").

    Returns:
        e.g. "pcm-trends_2026-11-01_2026-12-06_topic-stop-and-search.csv"; past `MAX_NAME`
        characters the filters are cut and the name ends in "_more-filters".
    """
    name = f"pcm-{slug(page)}_{start:%Y-%m-%d}_{end:%Y-%m-%d}"
    for key, values in (parts or {}).items():
        kept = [slug(v) for v in values if slug(v)]
        if not kept:
            continue
        piece = f"_{slug(key)}-{'+'.join(kept)}"
        if len(name) + len(piece) > MAX_NAME:
            name += "_more-filters"
            break
        name += piece
    return f"{name}.csv"


def download(df: pd.DataFrame, file: str, columns: dict[str, str], key: str) -> None:
    """A "Download CSV" button for exactly these rows, with plain column names.

    Args:
        df: the rows shown.
        file: the file name (from `file_name`).
        columns: {column in df: its plain name}; only these columns, in this order.
        key: the button's widget key (stable across filter changes).
    """
    plain = df[list(columns)].rename(columns=columns)
    st.download_button(
        "Download CSV",
        csv_bytes(plain),
        file_name=file,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        help=f"Saves {file}",
    )
