"""Alerts and the morning digest on a hand-made warehouse night."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from core.config import Alerts, Config, Digest, Force, Smtp
from pcm.alerts import detect_spikes, london_today, raise_alerts
from pcm.digest import write_digest
from pcm.digest_data import collect_digest
from pcm.digest_render import render_html, render_markdown
from pcm.digest_send import DigestSendError, send_digest
from warehouse.connection import writer

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # a nightly run at 03:00 on Fri 20 Nov 2026
TODAY = london_today(NOW)
SPIKE_DAY = TODAY - timedelta(days=1)
SPIKE_TITLE = 'Victims <left> waiting & "ignored" by [police]'
SPIKE_URL = "https://edp.example/news/victims?a=1&b=2"
WATCHDOG_TITLE = "Watchdog criticises slow victim updates"
WATCHDOG_URL = "https://bbc.example/news/watchdog"
FORCE_TITLE = "Wexmoor Constabulary statement on road safety week"


class _Warehouse:
    """Writes hand-made articles, passages and scores (model `v1`)."""

    def __init__(self, con):
        self.con = con
        self.article_id = 0
        self.passage_id = 0
        con.execute("INSERT INTO models VALUES ('v1', 'test-model', ?, NULL)", [NOW])

    def article(self, title, url, source, day, passages, fetched_at=None, kind="local_news"):
        """passages: (voice, topic, label, score) tuples; returns the article id."""
        self.article_id += 1
        published = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        self.con.execute(
            "INSERT INTO articles (id, url, source, source_kind, title, published_at, fetched_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [self.article_id, url, source, kind, title, published, fetched_at or published],
        )
        for position, (voice, topic, label, score) in enumerate(passages):
            self.passage_id += 1
            self.con.execute(
                "INSERT INTO passages (id, article_id, position, paragraph, text, voice) "
                "VALUES (?, ?, ?, 0, 'text', ?)",
                [self.passage_id, self.article_id, position, voice],
            )
            p_pos = max(score, 0.0)
            p_neg = max(-score, 0.0)
            self.con.execute(
                "INSERT INTO scores VALUES (?, ?, ?, ?, ?, ?, ?, 0.9, 'v1', ?, FALSE)",
                [self.passage_id, topic, label, score, p_pos, 1 - p_pos - p_neg, p_neg, NOW],
            )
        return self.article_id


def _cfg(tmp_path, **alerts) -> Config:
    return Config(
        force=Force(name="Wexmoor Constabulary"),
        db_path=str(tmp_path / "w.duckdb"),
        alerts=Alerts(**alerts),
        digest=Digest(out_dir=str(tmp_path / "reports")),
    )


def _fill(con) -> dict[str, int]:
    """40 quiet days, then a spike in victim updates on SPIKE_DAY and a force-only one."""
    w = _Warehouse(con)
    for ago in range(40, 1, -1):
        day = TODAY - timedelta(days=ago)
        negatives = 2 if ago % 2 else 0  # alternate 0 and 2: mean 1, sd about 1
        passages = [("media", "victim_updates", "negative", -0.7)] * negatives
        passages += [
            ("public", "victim_updates", "positive", 0.6),
            ("public", "road_safety", "neutral", 0.0),
        ]
        w.article(
            f"Routine story {ago}",
            f"https://gazette.example/{ago}",
            "Wexmoor Gazette",
            day,
            passages,
        )
    ids = {}
    ids["spike"] = w.article(
        SPIKE_TITLE,
        SPIKE_URL,
        "Eastern Daily Press",
        SPIKE_DAY,
        [("public", "victim_updates", "negative", -0.8)] * 4
        + [("force", "victim_updates", "positive", 0.9)] * 3,
        fetched_at=NOW - timedelta(hours=3),
    )
    ids["watchdog"] = w.article(
        WATCHDOG_TITLE,
        WATCHDOG_URL,
        "BBC News",
        SPIKE_DAY,
        [("inspectorate", "victim_updates", "negative", -0.9)] * 2
        + [("media", "victim_updates", "neutral", 0.0)],
        fetched_at=NOW - timedelta(hours=2),
        kind="national_news",
    )
    # The force's own words: many negative road-safety passages (e.g. quoting casualty figures
    # as failures). They must not raise an alert: only outside voices count.
    ids["force"] = w.article(
        FORCE_TITLE,
        "https://wexmoor.police.example/news/1",
        "Wexmoor Constabulary",
        SPIKE_DAY,
        [("force", "road_safety", "negative", -0.8)] * 8,
        fetched_at=NOW - timedelta(hours=1),
        kind="force_statement",
    )
    ids["old"] = w.article(
        "An old story found late",
        "https://gazette.example/old",
        "Wexmoor Gazette",
        TODAY - timedelta(days=30),
        [("public", "general", "neutral", 0.0)],
        fetched_at=NOW - timedelta(hours=1),
    )
    return ids


@pytest.fixture
def night(tmp_path):
    cfg = _cfg(tmp_path)
    with writer(cfg) as con:
        ids = _fill(con)
    return cfg, ids


def _alerts(cfg):
    with writer(cfg) as con:
        return con.execute(
            "SELECT day, topic, kind, value, baseline, threshold, explanation, "
            "article_ids, run_id FROM alerts ORDER BY day, topic, kind"
        ).fetchall()


def test_spike_in_outside_voices_raises_one_worsening_alert(night):
    cfg, ids = night
    with writer(cfg) as con:
        new = raise_alerts(con, cfg, NOW, run_id=7)
    rows = _alerts(cfg)
    assert len(new) == len(rows) == 1
    day, topic, kind, value, baseline, threshold, explanation, article_ids, run_id = rows[0]
    assert (day, topic, kind) == (SPIKE_DAY, "victim_updates", "worsening")
    # Stories, not passages: 2 of the 8 stories in the week to SPIKE_DAY are negative (the
    # Gazette's are positive or mixed), 0 of 28 before; the change's interval starts above 0.
    assert value == pytest.approx(0.25)
    assert baseline == 0.0
    assert threshold == pytest.approx(0.0345, abs=1e-3)
    assert json.loads(article_ids) == [ids["spike"], ids["watchdog"]]
    assert run_id == 7
    assert SPIKE_TITLE in explanation
    assert WATCHDOG_TITLE in explanation
    assert "Eastern Daily Press" in explanation
    assert "BBC News" in explanation
    assert "2 of 8 stories from 3 outlets" in explanation
    assert "Keeping victims updated" in explanation
    assert "victim_updates" not in explanation
    # The force's own negative road-safety passages raised nothing.
    assert not [r for r in rows if r[1] == "road_safety"]


def test_rerunning_alerts_changes_nothing(night):
    cfg, _ = night
    with writer(cfg) as con:
        first = raise_alerts(con, cfg, NOW, run_id=1)
        again = raise_alerts(con, cfg, NOW, run_id=2)
    assert first
    assert again == []
    assert {r[8] for r in _alerts(cfg)} == {1}


def test_no_alert_when_min_stories_is_not_met(tmp_path):
    cfg = _cfg(tmp_path, min_stories=9)  # the week to SPIKE_DAY has 8 stories
    with writer(cfg) as con:
        _fill(con)
        assert detect_spikes(con, cfg, SPIKE_DAY, SPIKE_DAY) == []


def test_one_story_from_one_outlet_raises_nothing(tmp_path):
    cfg = _cfg(tmp_path)
    with writer(cfg) as con:
        w = _Warehouse(con)
        for ago in range(30, 2, -3):
            w.article(
                f"Calm {ago}",
                f"https://a.example/{ago}",
                "A",
                TODAY - timedelta(days=ago),
                [("public", "victim_updates", "positive", 0.6)],
            )
        for n, source in enumerate(("A", "B", "C")):
            w.article(
                f"Bad {n}",
                f"https://b.example/{n}",
                source,
                SPIKE_DAY - timedelta(days=1),
                [("public", "victim_updates", "negative", -0.9)],
            )
        # The week is worsening, but SPIKE_DAY brings one story from one outlet: no alert.
        w.article(
            "One more",
            "https://c.example/1",
            "A",
            SPIKE_DAY,
            [("public", "victim_updates", "negative", -0.9)] * 5,
        )
        assert [(s.day, s.topic) for s in detect_spikes(con, cfg, SPIKE_DAY, SPIKE_DAY)] == []
        assert [
            s.day for s in detect_spikes(con, cfg, SPIKE_DAY - timedelta(days=1), SPIKE_DAY)
        ] == [SPIKE_DAY - timedelta(days=1)]


def test_no_alert_without_enough_history(tmp_path):
    cfg = _cfg(tmp_path)
    with writer(cfg) as con:
        w = _Warehouse(con)
        w.article(
            "Only story",
            "https://x.example/1",
            "X",
            SPIKE_DAY,
            [("public", "victim_updates", "negative", -0.9)] * 10,
        )
        assert raise_alerts(con, cfg, NOW) == []


def test_empty_warehouse_raises_nothing(tmp_path):
    cfg = _cfg(tmp_path)
    with writer(cfg) as con:
        assert raise_alerts(con, cfg, NOW) == []


def test_digest_lists_overnight_stories_moves_and_alerts(night):
    cfg, _ = night
    with writer(cfg) as con:
        raise_alerts(con, cfg, NOW, run_id=3)
        digest = collect_digest(con, cfg, NOW, run_id=3, run_note="1 source(s) failed: X")
    assert digest.day == TODAY
    assert {o: [s.title for s in stories] for o, stories in digest.outlets.items()} == {
        "BBC News": [WATCHDOG_TITLE],
        "Eastern Daily Press": [SPIKE_TITLE],
        "Wexmoor Constabulary": [FORCE_TITLE],
    }
    assert digest.older_articles == 1  # the late-found story from 30 days ago is counted only
    assert [(m.topic, m.verdict) for m in digest.moves] == [("victim_updates", "worsening")]
    assert (digest.moves[0].negative, digest.moves[0].stories) == (2, 7)
    assert [a.topic for a in digest.alerts] == ["victim_updates"]
    alert = digest.alerts[0]
    assert [s.url for s in alert.stories] == [SPIKE_URL, WATCHDOG_URL]

    md = render_markdown(digest)
    assert '[Victims \\<left\\> waiting & "ignored" by \\[police\\]](' + SPIKE_URL + ")" in md
    assert f"[{WATCHDOG_TITLE}]({WATCHDOG_URL})" in md
    assert "An old story found late" not in md
    assert "1 older stories" in md
    assert "1 source(s) failed: X" in md

    page = render_html(digest)
    escaped = "Victims &lt;left&gt; waiting &amp; &quot;ignored&quot; by [police]"
    assert f'<a href="https://edp.example/news/victims?a=1&amp;b=2">{escaped}</a>' in page
    assert f'<a href="{WATCHDOG_URL}">{WATCHDOG_TITLE}</a>' in page
    assert "<left>" not in page
    assert "Keeping victims updated" in page
    assert "victim_updates" not in page
    assert "| Keeping victims updated | Worsening | 29% of 7 stories (95% interval 8%-64%)" in md

    html_path, md_path = write_digest(digest, cfg.digest.out_dir)
    assert html_path.name == "digest-2026-11-20.html"
    assert md_path.name == "digest-2026-11-20.md"
    assert html_path.read_text(encoding="utf-8") == page
    assert md_path.read_text(encoding="utf-8") == md


def test_digest_of_an_empty_warehouse_says_so(tmp_path):
    cfg = _cfg(tmp_path)
    with writer(cfg) as con:
        digest = collect_digest(con, cfg, NOW)
    md = render_markdown(digest)
    assert "No new stories overnight." in md
    assert "No alerts." in md
    assert "No topic clearly moved" in md


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_digest_is_sent_as_text_and_html_to_a_local_smtp_server(night):
    cfg, _ = night
    with writer(cfg) as con:
        raise_alerts(con, cfg, NOW)
        digest = collect_digest(con, cfg, NOW)
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = Smtp(
            host="127.0.0.1",
            port=port,
            sender="pcm@force.example",
            recipients=["comms@force.example", "chief@force.example"],
            tls="none",  # a local relay without credentials (tests/security covers TLS)
        )
        send_digest(digest, smtp)
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["comms@force.example", "chief@force.example"]
    msg = message_from_bytes(envelope.content, policy=policy.default)
    assert msg["Subject"] == digest.subject
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert f"[{WATCHDOG_TITLE}]({WATCHDOG_URL})" in text
    assert f'<a href="{WATCHDOG_URL}">{WATCHDOG_TITLE}</a>' in html


def test_smtp_failures_are_one_line_errors(night):
    cfg, _ = night
    with writer(cfg) as con:
        digest = collect_digest(con, cfg, NOW)
    closed = Smtp(
        host="127.0.0.1", port=_free_port(), sender="a@b.example", recipients=["c@d.example"]
    )
    with pytest.raises(DigestSendError, match=r"could not send the digest via 127\.0\.0\.1"):
        send_digest(digest, closed)
    needs_password = Smtp(
        host="127.0.0.1",
        port=_free_port(),
        sender="a@b.example",
        recipients=["c@d.example"],
        username="pcm",
        password_env="PCM_SMTP_PW",
    )
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=needs_password.port)
    controller.start()
    try:
        with pytest.raises(DigestSendError, match=r"\$PCM_SMTP_PW is empty"):
            send_digest(digest, needs_password, environ={})
    finally:
        controller.stop()
    assert inbox.messages == []


def test_digest_links_into_the_dashboard_and_reads_on_a_phone(night):
    cfg, _ = night
    cfg = cfg.model_copy(
        update={"digest": cfg.digest.model_copy(update={"dashboard_url": "https://dash.example"})}
    )
    with writer(cfg) as con:
        raise_alerts(con, cfg, NOW, run_id=3)
        digest = collect_digest(con, cfg, NOW, run_id=3)
    page = render_html(digest)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<a href="https://dash.example/">Open the dashboard</a>' in page
    alert_day = digest.alerts[0].day
    alert_week = (
        f"dates={(alert_day - timedelta(days=6)).isoformat()}&amp;dates={alert_day.isoformat()}"
    )
    assert f"https://dash.example/stories?topic=victim_updates&amp;{alert_week}" in page
    assert '<a href="https://dash.example/trends?topic=victim_updates">' in page
    md = render_markdown(digest)
    assert "[Open the dashboard](https://dash.example/)" in md
    assert "https://dash.example/trends?topic=victim_updates" in md
    # without an address there are no dashboard links
    plain = render_html(collect_digest_plain(night))
    assert "dash.example" not in plain
    assert "Open the dashboard" not in plain


def collect_digest_plain(night):
    cfg, _ = night
    with writer(cfg) as con:
        return collect_digest(con, cfg, NOW, run_id=3)
