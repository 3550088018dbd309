"""A hand-made warehouse whose topics each test one branch of the change rule (views 07-10).

All dates are London days around END. Baseline stories sit 10 to 28 days before END, this week's
on END (and, for officer conduct, 3 days before). Voices are outside the force unless noted.

- victim_updates: 10 positive stories before; 4 negative + 1 positive on END from 3 outlets:
  worsening, and an alert on END (4 negative stories that day).
- officer_conduct: 10 positive before; 2 negative 3 days before END (outlets A, B) and one
  negative on END from A that C syndicated: worsening, and an alert on END (one story carried
  by 2 outlets).
- stop_and_search: 10 negative before; 5 positive on END from 2 outlets: improving.
- road_safety: 10 positive before; 2 negative on END from 2 outlets: too few stories.
- domestic_abuse: 10 positive before; 4 negative on END, all from one outlet: one outlet.
- general: 10 positive before; 4 stories on END in the force's own voice, negative: no
  external story this week (with the force's own words it would be worsening).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import duckdb

END = date(2025, 11, 19)  # a Wednesday
A, B, C = "Eastern Daily Press", "BBC News", "Norwich Evening News"
MOVED = {
    "victim_updates": "worsening",
    "officer_conduct": "worsening",
    "stop_and_search": "improving",
}
ALERTED = {"victim_updates", "officer_conduct"}


class _Writer:
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.article = 0
        self.passage = 0
        con.execute(
            "INSERT INTO models VALUES ('v1', 'test-model', ?, NULL)",
            [datetime(2025, 1, 1, tzinfo=UTC)],
        )

    def story(self, topic, day, source, score, voice="public", copies=(), title=None):
        """One story with one passage on `topic`; `copies`: outlets that syndicated it."""
        self.article += 1
        original = self.article
        when = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        label = "positive" if score > 0.2 else "negative" if score < -0.2 else "neutral"
        self.con.execute(
            "INSERT INTO articles (id, url, source, source_kind, title, published_at, fetched_at)"
            " VALUES (?, ?, ?, 'local_news', ?, ?, ?)",
            [
                original,
                f"https://news.example/{original}",
                source,
                title or f"Story {original}",
                when,
                when,
            ],
        )
        self.passage += 1
        self.con.execute(
            "INSERT INTO passages (id, article_id, position, paragraph, text, voice) "
            "VALUES (?, ?, 0, 0, 'text', ?)",
            [self.passage, original, voice],
        )
        self.con.execute(
            "INSERT INTO scores VALUES (?, ?, ?, ?, ?, ?, ?, 0.9, 'v1', ?, FALSE)",
            [
                self.passage,
                topic,
                label,
                score,
                max(score, 0.0),
                1 - abs(score),
                max(-score, 0.0),
                when,
            ],
        )
        for outlet in copies:
            self.article += 1
            self.con.execute(
                "INSERT INTO articles (id, url, source, source_kind, title, published_at, "
                "fetched_at, duplicate_of) VALUES (?, ?, ?, 'local_news', ?, ?, ?, ?)",
                [
                    self.article,
                    f"https://copy.example/{self.article}",
                    outlet,
                    f"Copy {self.article}",
                    when,
                    when,
                    original,
                ],
            )
        return original


def fill(con: duckdb.DuckDBPyConnection) -> None:
    """Write the stories described in the module docstring (a migrated, empty warehouse)."""
    w = _Writer(con)
    for topic in (
        "victim_updates",
        "officer_conduct",
        "stop_and_search",
        "road_safety",
        "domestic_abuse",
        "general",
    ):
        for i, ago in enumerate(range(10, 30, 2)):
            score = -0.8 if topic == "stop_and_search" else 0.8
            source = A if topic == "domestic_abuse" else (A, B)[i % 2]
            w.story(topic, END - timedelta(days=ago), source, score)
    for source in (A, B, C, A):
        w.story("victim_updates", END, source, -0.8)
    w.story("victim_updates", END, B, 0.8)
    w.story("officer_conduct", END - timedelta(days=3), A, -0.8)
    w.story("officer_conduct", END - timedelta(days=3), B, -0.8)
    w.story("officer_conduct", END, A, -0.8, copies=(C,))
    for source in (A, B, A, B, A):
        w.story("stop_and_search", END, source, 0.8)
    w.story("road_safety", END, A, -0.8)
    w.story("road_safety", END, B, -0.8)
    for _ in range(4):
        w.story("domestic_abuse", END, A, -0.8)
    for source in (A, B, C, A):
        w.story("general", END, source, -0.8, voice="force")
