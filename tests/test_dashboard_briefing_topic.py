"""One topic's briefing PDF from the Trends page: built from a fixture warehouse and read back
as text, and its button on the page."""

from __future__ import annotations

import io
from datetime import timedelta

import pypdf
import pytest
from dashboard_apptest import open_page, wire

from core.config import load_config
from dashboard import context, queries, topic_briefing
from dashboard.briefing_pdf import StoryLine, TopicBriefing, topic_briefing_pdf
from dashboard.filters import Filters
from demo.synthetic import build_fixture

CRITICISED = "Families criticise slow response to A11 collision"  # demo.known_stories


def _text(pdf: bytes) -> str:
    """The PDF's text as a reader extracts it, lines joined with spaces."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pages)


def _links(pdf: bytes) -> list[str]:
    out = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for ref in page.get("/Annots") or []:
            action = ref.get_object().get("/A") or {}
            if "/URI" in action:
                out.append(str(action["/URI"]))
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_fixture(tmp_path_factory.mktemp("topic-brief"))


@pytest.fixture(scope="module")
def road_safety(built):
    """The Trends page's context with Road safety picked (the fixture's known stories)."""
    cfg = load_config(str(built.config), environ={"PCM_DB": str(built.db)})
    version, _ = queries.data_version(str(built.db))
    f = Filters(
        start=built.end_day - timedelta(days=89), end=built.end_day, topics=("road_safety",)
    )
    return context.PageContext(cfg=cfg, db=str(built.db), version=version, filters=f)


def test_the_topic_pdf_lays_out_level_chart_and_stories():
    pdf = topic_briefing_pdf(
        TopicBriefing(
            title="Wexmoor Constabulary: Road safety",
            period="01 Sep 2026 - 06 Dec 2026",
            filters="Filters: all",
            generated="Made today",
            level=["Verdict: no clear change (only 2 stories this week, 3 needed)."],
            stories=[
                StoryLine(
                    "A “quoted” title",
                    "Wexmoor Gazette",
                    "05 Dec 2026",
                    "critical",
                    "https://g.example/a",
                ),
                StoryLine("No link", "Pamphlet", "04 Dec 2026", "neutral", "javascript:alert(1)"),
            ],
        )
    )
    text = _text(pdf)
    for words in ("Wexmoor Constabulary: Road safety", "no clear change", '"quoted" title'):
        assert words in text
    assert "critical - Wexmoor Gazette - 05 Dec 2026" in text
    assert _links(pdf) == ["https://g.example/a"]  # only http(s) addresses are linked
    assert "No stories on this topic" in _text(
        topic_briefing_pdf(TopicBriefing("t", "p", "f", "g"))
    )


def test_the_topic_briefing_carries_the_pages_numbers(road_safety):
    ctx = road_safety
    f = ctx.filters
    pdf = topic_briefing.build(ctx, "road_safety")
    text = _text(pdf)
    assert pdf.startswith(b"%PDF")
    assert b"/Subtype /Image" in pdf  # the weekly chart
    assert f"{ctx.cfg.force.name}: Road safety" in text
    assert f"{f.start:%d %b %Y} - {f.end:%d %b %Y}" in text
    assert f"Filters: {f.describe()}".replace("–", "-") in text
    # the level and change, worded as the Trends page words them
    found = topic_briefing.level(ctx, "road_safety")
    assert topic_briefing.verdict_line(found) in text
    for line in found.lines:
        assert line in text
    # the stories behind it: title, stance, outlet, day and link
    assert CRITICISED in text
    assert f"critical - The Guardian - {f.end:%d %b %Y}" in text
    stories = queries.stories(ctx.db, ctx.version, f, "Newest first")
    url = stories.loc[stories["title"] == CRITICISED, "url"].iloc[0]
    assert url in _links(pdf)
    assert "road_safety" not in text  # names, never ids


def test_the_level_follows_the_change_rule(road_safety):
    ctx = road_safety
    found = topic_briefing.level(ctx, "road_safety")
    rule = queries.topic_changes(
        ctx.db,
        ctx.version,
        ctx.filters.end,
        True,
        ctx.cfg.alerts.min_stories,
        ctx.cfg.alerts.baseline_days,
    ).set_index("topic")
    row = rule.loc["road_safety"]
    assert (found.verdict, found.reason) == (row.verdict, row.reason)
    # 2 stories this week (one critical) from 2 outlets, against 1 favourable one before
    assert found.lines[0].startswith(f"{row.negative} of {row.stories} stories negative in ")
    assert (
        f"95% interval {100 * row.share_low:.0f}% to {100 * row.share_high:.0f}%"
        in (found.lines[0])
    )


def test_the_file_name_carries_topic_and_dates(road_safety):
    f = road_safety.filters
    assert topic_briefing.file_name(f, "road_safety") == (
        f"pcm-briefing_{f.start:%Y-%m-%d}_{f.end:%Y-%m-%d}_topic-road-safety.pdf"
    )
    name = topic_briefing.file_name(
        Filters(start=f.start, end=f.end, outlets=("The Guardian",), external_only=False),
        "stop_and_search",
    )
    assert name.endswith("_topic-stop-and-search_outlet-the-guardian_with-force-voice.pdf")


def test_trends_offers_the_topic_briefing_for_one_topic(built, tmp_path, monkeypatch):
    wire(built, tmp_path, monkeypatch)
    at = open_page("trends", topic=["road_safety"])
    buttons = {b.label: b for b in at.download_button}
    assert "Download briefing (PDF)" in buttons
    assert buttons["Download briefing (PDF)"].proto.help.endswith("_topic-road-safety.pdf")
    text = "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)
    assert "Road safety: this week against the weeks before" in text
    assert "95% interval" in text
    # several topics: no single topic to brief on
    at = open_page("trends", topic=["road_safety", "general"])
    assert "Download briefing (PDF)" not in [b.label for b in at.download_button]
