"""The briefing PDF: the Overview's own numbers in a file a comms officer can forward."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from core.config import load_config
from dashboard import context, overview, overview_briefing, queries
from dashboard.briefing_pdf import Briefing, briefing_pdf, latin1
from dashboard.filters import Filters
from demo.synthetic import build_fixture


def test_latin1_keeps_what_the_font_can_print():
    assert latin1("“Ynys Môn” – it’s… 5 − 3") == '"Ynys Môn" - it\'s... 5 - 3'
    assert latin1("Ŵyl Ŷd") == "Wyl Yd"  # Welsh circumflexes outside Latin-1
    assert latin1("北京") == "??"


def test_the_pdf_holds_every_section():
    topics = pd.DataFrame({"Topic": ["Road safety"], "Verdict": ["Worsening"]})
    pdf = briefing_pdf(
        Briefing(
            title="Wexmoor Constabulary: public confidence briefing",
            period="This week: 30 Nov - 06 Dec 2026",
            filters="Filters: all",
            generated="Made today",
            attention=[("Road safety", "3 of 4 stories negative")],
            topics=topics,
            new_stories=[("Road safety", "critical", "Wexmoor Gazette", "A “quoted” title")],
        )
    )
    assert pdf.startswith(b"%PDF")
    for text in (
        b"Needs attention",
        b"3 of 4 stories negative",
        b"Since the last run",
        b"Wexmoor Gazette",
        b"Every topic this week",
        b"Worsening",
    ):
        assert text in pdf, text


@pytest.fixture(scope="module")
def overview_context(tmp_path_factory):
    fx = build_fixture(tmp_path_factory.mktemp("brief"))
    cfg = load_config(str(fx.config), environ={"PCM_DB": str(fx.db)})
    version, _ = queries.data_version(str(fx.db))
    f = Filters(start=fx.end_day - timedelta(days=89), end=fx.end_day)
    return context.PageContext(cfg=cfg, db=str(fx.db), version=version, filters=f)


def test_the_overview_briefing_carries_the_pages_numbers(overview_context):
    ctx = overview_context
    df = overview.cards(ctx)
    attention = overview.needs_attention(df)
    week_start = ctx.filters.end - timedelta(days=queries.WEEK_DAYS - 1)
    pdf = overview_briefing.build(ctx, df, attention, week_start)
    assert pdf.startswith(b"%PDF")
    assert b"/Subtype /Image" in pdf  # the weekly chart
    for name in overview_briefing.topic_rows(df)["Topic"]:  # a long name may wrap in its cell
        assert latin1(name)[:12].encode("latin-1") in pdf
    for topic, line in overview_briefing.attention_lines(attention):
        assert latin1(line).encode("latin-1")[:60] in pdf, topic
    assert b"road_safety" not in pdf  # names, never ids
    name = overview_briefing.file_name(ctx)
    assert name.startswith(f"pcm-briefing_{ctx.filters.start:%Y-%m-%d}_")
    assert name.endswith(".pdf")
