"""Share of voice and period comparison (views 14 and 15) on hand-built warehouses whose numbers
are known, and the Coverage page that shows them (AppTest on the synthetic fixture)."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta

import duckdb
import pandas as pd
import pytest
from dashboard_apptest import open_page, wire
from streamlit.testing.v1 import AppTest

from core.vocabulary import TOPICS
from demo.synthetic import build_fixture
from warehouse.migrate import migrate

COVERAGE = "dashboard/coverage.py"
END = date(2025, 11, 19)  # a Wednesday
A, B, C, D = "Eastern Daily Press", "BBC News", "Norwich Evening News", "Lynn News"
Z = 1.959963984540054
# What a reader must never see: ids with an underscore, "None", warehouse names.
RAW = re.compile(
    "|".join(
        [re.escape(t) for t in TOPICS if "_" in t]
        + [r"\bNone\b", r"\bnan\b", "share_of_voice", "period_comparison", "story_topics"]
        + ["local_news", "national_news", r"\bpcc\b", "stories_share"]
    )
)


class _Writer:
    """Stories with passages and scores, written straight into a migrated warehouse."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.article = 0
        self.passage = 0
        con.execute(
            "INSERT INTO models VALUES ('v1', 'test-model', ?, NULL)",
            [datetime(2024, 1, 1, tzinfo=UTC)],
        )

    def story(self, day: date, source: str, passages, copies=()) -> int:
        """`passages`: (voice, {topic: score}) each; `copies`: outlets that syndicated it."""
        self.article += 1
        original = self.article
        when = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        self._article(original, source, when, None)
        for position, (voice, topics) in enumerate(passages):
            self.passage += 1
            self.con.execute(
                "INSERT INTO passages (id, article_id, position, paragraph, text, voice) "
                "VALUES (?, ?, ?, 0, 'text', ?)",
                [self.passage, original, position, voice],
            )
            for topic, score in topics.items():
                label = "positive" if score > 0.2 else "negative" if score < -0.2 else "neutral"
                self.con.execute(
                    "INSERT INTO scores VALUES (?, ?, ?, ?, ?, ?, ?, 0.9, 'v1', ?, FALSE)",
                    [self.passage, topic, label, score, max(score, 0.0), 1 - abs(score),
                     max(-score, 0.0), when],
                )  # fmt: skip
        for outlet in copies:
            self.article += 1
            self._article(self.article, outlet, when, original)
        return original

    def _article(self, article_id: int, source: str, when: datetime, duplicate_of) -> None:
        self.con.execute(
            "INSERT INTO articles (id, url, source, source_kind, title, published_at, "
            "fetched_at, duplicate_of) VALUES (?, ?, ?, 'local_news', ?, ?, ?, ?)",
            [article_id, f"https://news.example/{article_id}", source, f"Story {article_id}",
             when, when, duplicate_of],
        )  # fmt: skip


@pytest.fixture(scope="module")
def sov():
    """Four stories on END from three outlets (A 2, B 1, C 1), one of A's run again by D.

    A1: public -0.8 and the force's own +0.8 on victim updates (mixed; negative without the
    force). A2: the commissioner +0.7. B1: one public passage, negative on victim updates and
    positive on road safety. C1: media 0.0 and the inspectorate -0.6 (negative).
    """
    con = duckdb.connect()
    migrate(con)
    w = _Writer(con)
    v, r = "victim_updates", "road_safety"
    w.story(END, A, [("public", {v: -0.8}), ("force", {v: 0.8})], copies=(D,))
    w.story(END, A, [("pcc", {v: 0.7})])
    w.story(END, B, [("public", {v: -0.6, r: 0.5})])
    w.story(END, C, [("media", {v: 0.0}), ("inspectorate", {v: -0.6})])
    yield con
    con.close()


def _rows(con, voices: str, dimension: str, period: str = "all") -> dict[str, dict]:
    df = con.execute(
        "SELECT * FROM share_of_voice WHERE period = ? AND voices = ? AND dimension = ?",
        [period, voices, dimension],
    ).df()
    return {row["member"]: row for row in df.to_dict("records")}


def test_outlet_shares_add_up_and_copies_count_apart(sov):
    out = _rows(sov, "external", "outlet")
    assert {m: (r["stories"], r["stories_share"], r["carried"]) for m, r in out.items()} == {
        A: (2, 0.5, 2),
        B: (1, 0.25, 1),
        C: (1, 0.25, 1),
        D: (0, 0.0, 1),  # ran a copy of A's story: carried, never counted as its own
    }
    # Tone per topic stance: A1 negative and A2 positive; B1 negative on one topic and
    # positive on the other; C1 negative.
    assert (out[A]["stances"], out[A]["critical"], out[A]["favourable"]) == (2, 1, 1)
    assert (out[B]["critical_share"], out[B]["favourable_share"]) == (0.5, 0.5)
    assert out[C]["critical_share"] == 1.0
    assert math.isnan(out[D]["critical_share"])  # no stories of its own to take a share of
    assert {m: r["passages"] for m, r in out.items()} == {A: 2, B: 1, C: 2, D: 0}
    assert out[A]["passages_share"] == pytest.approx(0.4)
    # With the force's own words, A1 is mixed: neither critical nor favourable.
    everyone = _rows(sov, "all", "outlet")
    assert (everyone[A]["critical"], everyone[A]["favourable"]) == (0, 1)
    assert everyone[A]["passages_share"] == pytest.approx(3 / 6)


def test_voices_in_plain_counts_and_the_force_apart(sov):
    voices = _rows(sov, "external", "voice")
    assert set(voices) == {"public", "pcc", "media", "inspectorate"}  # never the force here
    public = voices["public"]
    assert (public["passages"], public["passages_share"]) == (2, 0.4)
    assert (public["stories"], public["stories_share"]) == (2, 0.5)  # heard in A1 and B1
    assert (public["labels"], public["passages_critical"], public["passages_favourable"]) == (
        3,
        2,
        1,
    )
    assert public["passages_critical_share"] == pytest.approx(2 / 3)
    assert voices["pcc"]["passages_favourable_share"] == 1.0
    sides = _rows(sov, "all", "side")
    assert {m: (r["passages"], r["stories"]) for m, r in sides.items()} == {
        "external": (5, 4),
        "force": (1, 1),
    }
    assert sides["force"]["passages_share"] == pytest.approx(1 / 6)
    assert sides["force"]["passages_favourable_share"] == 1.0
    assert _rows(sov, "external", "side") == {}  # the force's words are not in 'external'


def test_periods_are_the_data_a_calendar_week_and_month(sov):
    weekly = sov.execute(
        "SELECT DISTINCT period, period_start, period_end FROM share_of_voice ORDER BY period"
    ).fetchall()
    assert weekly == [
        ("all", END, END),
        ("month", date(2025, 11, 1), date(2025, 11, 30)),
        ("week", date(2025, 11, 17), date(2025, 11, 23)),
    ]
    assert _rows(sov, "external", "outlet", "week")[A]["stories"] == 2
    sov.execute("SET VARIABLE pcm_period = 'week'")  # as the dashboard asks for 'all'
    try:
        assert sov.execute("SELECT DISTINCT period FROM share_of_voice").fetchall() == [("week",)]
    finally:
        sov.execute("RESET VARIABLE pcm_period")


def _wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = p + Z * Z / (2 * n)
    spread = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    scale = 1 + Z * Z / n
    return max((centre - spread) / scale, 0.0), min((centre + spread) / scale, 1.0)


@pytest.fixture(scope="module")
def compared():
    """Victim updates: 4 negative stories on END (A, B, A, B), 5 positive in the week before,
    5 negative in the same week a year earlier. Road safety: 1 negative story on END, 2
    positive in the week before. Voices are all outside the force."""
    con = duckdb.connect()
    migrate(con)
    w = _Writer(con)
    v, r = "victim_updates", "road_safety"
    for source in (A, B, A, B):
        w.story(END, source, [("public", {v: -0.8})])
    for i in range(5):
        w.story(END - timedelta(days=8), (A, B)[i % 2], [("public", {v: 0.8})])
        w.story(END - timedelta(days=364 + 1), (A, B)[i % 2], [("media", {v: -0.8})])
    w.story(END, A, [("public", {r: -0.8})])
    for source in (A, B):
        w.story(END - timedelta(days=9), source, [("public", {r: 0.8})])
    con.execute("SET VARIABLE pcm_as_of = ?", [END])
    yield con
    con.close()


def _compared(con, topic: str) -> dict[tuple[str, str], dict]:
    df = con.execute(
        "SELECT * FROM period_comparison WHERE voices = 'external' AND topic = ?", [topic]
    ).df()
    return {(row["grain"], row["compared_with"]): row for row in df.to_dict("records")}


def test_this_week_against_the_week_before_and_last_year(compared):
    got = _compared(compared, "victim_updates")
    week = got["week", "previous"]
    assert (week["stories"], week["negative"], week["outlets"]) == (4, 4, 2)
    assert (week["base_stories"], week["base_negative"]) == (5, 0)
    assert (week["period_start"].date(), week["base_start"].date()) == (
        END - timedelta(days=6),
        END - timedelta(days=13),
    )
    assert (week["share_low"], week["share_high"]) == pytest.approx(_wilson(4, 4))
    assert (week["base_low"], week["base_high"]) == pytest.approx(_wilson(0, 5))
    assert week["change_low"] > 0
    assert week["verdict"] == "worsening"
    year = got["week", "last year"]
    assert (year["base_stories"], year["base_negative"]) == (5, 5)
    assert year["base_end"].date() == END - timedelta(days=364)
    assert (year["verdict"], year["reason"]) == (
        "no clear change",
        "within the range chance alone would give",
    )
    # The 4 weeks: 4 of 9 negative, nothing in the 4 weeks before, 5 of 5 a year earlier.
    month = got["month", "previous"]
    assert (month["stories"], month["negative"], month["base_stories"]) == (9, 4, 0)
    assert month["reason"] == "nothing in the period compared with"
    assert got["month", "last year"]["verdict"] == "improving"


def test_thin_evidence_is_no_clear_change(compared):
    week = _compared(compared, "road_safety")["week", "previous"]
    assert (week["stories"], week["base_stories"]) == (1, 2)
    assert (week["verdict"], week["reason"]) == (
        "no clear change",
        "only 1 story in this period (3 needed)",
    )
    compared.execute("SET VARIABLE pcm_min_stories = 5")
    try:
        stricter = _compared(compared, "victim_updates")["week", "previous"]
    finally:
        compared.execute("RESET VARIABLE pcm_min_stories")
    assert stricter["reason"] == "only 4 stories in this period (5 needed)"


def test_the_week_is_judged_with_topic_change_s_intervals(compared):
    """This week's share and interval are the ones the Overview's view gives."""
    mine = compared.execute(
        "SELECT topic, stories, share, share_low, share_high FROM period_comparison "
        "WHERE grain = 'week' AND compared_with = 'previous' AND voices = 'external' "
        "AND stories > 0 ORDER BY topic"
    ).fetchall()
    theirs = compared.execute(
        "SELECT topic, stories, share, share_low, share_high FROM topic_change "
        "WHERE as_of = ? AND voices = 'external' AND stories > 0 ORDER BY topic",
        [END],
    ).fetchall()
    assert [row[:2] for row in mine] == [row[:2] for row in theirs]
    assert [row[2:] for row in mine] == [pytest.approx(row[2:]) for row in theirs]


# -- the page ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_fixture(tmp_path_factory.mktemp("coverage"), passages=600)


@pytest.fixture
def fixture(built, tmp_path, monkeypatch):
    return wire(built, tmp_path, monkeypatch)


def _page(**params) -> AppTest:
    return open_page("coverage", **params)


def _text(at: AppTest) -> str:
    return "\n".join(
        [m.value for m in at.main.markdown]
        + [s.value for s in at.main.subheader]
        + [h.value for h in at.main.header]
        + [f"{m.label} {m.value}" for m in at.main.metric]
        + [i.value for i in at.main.info]
    )


def test_coverage_page_for_one_topic_in_words(fixture):
    at = _page(topic=["road_safety"])
    assert [h.value for h in at.main.header] == [
        "Share of voice",
        "Against the period before and last year",
    ]
    outlets, voices, weeks = (d.value for d in at.dataframe)
    # External voices: the EDP's two favourable stories, the Guardian's critical one.
    assert outlets.set_index("label")["stories"].to_dict() == {
        "Eastern Daily Press": 2,
        "The Guardian": 1,
    }
    assert outlets.set_index("label")["critical_share"].to_dict() == {  # per cent
        "Eastern Daily Press": 0.0,
        "The Guardian": 100.0,
    }
    public = voices.set_index("label").loc["The public"]
    assert (public["passages"], public["passages_share"]) == (3, pytest.approx(60))
    assert "Police and crime commissioner" not in set(voices["label"])  # none on this topic
    text = _text(at)
    assert "The force's own staff 17% of passages" in text  # 1 of the 6
    assert "1 passages in 1 stories; 0% of them critical, 100% favourable." in text
    row = weeks.iloc[0]
    assert row["Topic"] == "Road safety"
    assert row["This week"] == "1 of 2 critical: 50% (9%–91%)"
    assert row["The week before"] == "0 of 1 critical: 0% (0%–79%)"
    assert row["Against the period before"] == (
        "No clear change: only 2 stories in this period (3 needed)"
    )
    assert not RAW.search(text), RAW.search(text)
    for table in (outlets, voices, weeks):  # the cells a reader sees (headers are labelled)
        cells = " ".join(str(v) for v in table.to_numpy().ravel() if not pd.isna(v))
        assert not RAW.search(cells), RAW.search(cells)


def test_coverage_page_whole_period_matches_the_view_and_the_toggle(fixture):
    con = duckdb.connect(str(fixture.db), read_only=True)
    try:
        first, last = con.execute("SELECT min(day), max(day) FROM passage_scores").fetchone()
        view = dict(
            con.execute(
                "SELECT member, stories FROM share_of_voice WHERE period = 'all' "
                "AND voices = 'external' AND dimension = 'outlet' AND stories > 0"
            ).fetchall()
        )
    finally:
        con.close()
    at = _page(dates=[first.isoformat(), last.isoformat()])
    assert len(at.get("vega_lite_chart")) == 3  # outlets, voices, the comparison
    outlets = at.dataframe[0].value
    assert outlets.set_index("label")["stories"].to_dict() == view  # what `pcm sql` reads
    assert outlets["stories_share"].sum() == pytest.approx(100)  # per cent
    assert not RAW.search(_text(at))
    at.toggle(key="external").set_value(False).run()
    assert "External voices only is off" in _text(at)
    at.segmented_control(key="compare").set_value("month").run()
    assert "These 4 weeks" in at.dataframe[-1].value.columns
