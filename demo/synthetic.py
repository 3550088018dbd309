"""A synthetic warehouse for the dashboard tests and benchmark: SQL `range()` inserts, no model.

The hand-made stories with exact scores that tests assert on are in `demo.known_stories`.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import duckdb

from core.forces import Force
from core.vocabulary import TOPICS
from demo import synthetic_forces
from demo.known_stories import MODEL_VERSION, KnownStories, add_known_stories, noon_utc
from demo.synthetic_forces import add_forces
from warehouse import materialized
from warehouse.forces import sync as sync_forces
from warehouse.migrate import migrate

logger = logging.getLogger(__name__)

PASSAGES_PER_ARTICLE = 16
SECOND_TOPIC_SHARE = 25  # percent of passages that carry a second topic
SILENT_SOURCE = "Lynn News"  # has no new article in the last SILENT_DAYS days
SILENT_DAYS = 12

# (name, kind): the outlets the synthetic articles come from.
SOURCES = (
    ("Eastern Daily Press", "local_news"),
    ("Norwich Evening News", "local_news"),
    ("Great Yarmouth Mercury", "local_news"),
    (SILENT_SOURCE, "local_news"),
    ("BBC News Norfolk", "national_news"),
    ("The Guardian", "national_news"),
    ("Norfolk Constabulary newsroom", "force_statement"),
    ("Norfolk PCC", "pcc_statement"),
    ("HMICFRS", "inspectorate"),
)
# Voice mix in per cent (cumulative bounds are built below): media narration dominates.
VOICE_SHARES = (
    ("media", 40),
    ("public", 20),
    ("force", 20),
    ("government", 8),
    ("pcc", 6),
    ("inspectorate", 6),
)
HEADLINES = (
    "Response times under scrutiny",
    "Residents praise neighbourhood team",
    "Watchdog report on call handling",
    "Council debates policing budget",
    "Burglary arrests after week of action",
    "Campaigners question stop and search",
    "Victims say updates were slow",
    "New officers join county force",
)
SENTENCES = (
    "Officers attended the scene within minutes, witnesses said.",
    "A resident said nobody had called her back for weeks.",
    "The force said it was reviewing how the call was handled.",
    "Inspectors found that victims were not kept informed.",
    "The commissioner promised more visible patrols in the town.",
    "Councillors asked whether the budget could stretch any further.",
)
SPEAKERS = {
    "public": "A resident",
    "force": "Paul Sanford",
    "government": "A councillor",
    "pcc": "Giles Orpen-Smellie",
    "inspectorate": "HMICFRS",
    "media": None,
}


def _sql_list(values) -> str:
    """A SQL list literal of constant strings (generator constants, never user input)."""
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def generate(
    con: duckdb.DuckDBPyConnection,
    passages: int = 1_000_000,
    end_day: date | None = None,
    days: int = 400,
    topics: tuple[str, ...] = TOPICS,
) -> dict[str, int]:
    """Fill an empty, migrated warehouse with synthetic scored passages.

    Deterministic: every value is a hash of a row number. Articles are spread evenly over `days`
    days ending at `end_day`; each has 16 passages; a quarter of the passages have two topics.
    Also writes a model row, one run a day for 30 days (one failed), crawl stats and errors per
    source and run, and alerts on some days. No feedback rows.

    Args:
        con: a read-write connection to a migrated warehouse (the tables exist and are empty).
        passages: how many scored passages to create (at least 16).
        end_day: the newest day (Europe/London date) with articles; default yesterday (UTC), so
            that every timestamp (noon UTC and later the same day) lies in the past.
        days: how many days the articles cover.
        topics: the topic ids to draw from.

    Returns:
        Row counts: {"articles", "passages", "scores", "alerts"}.
    """
    end_day = end_day or datetime.now(UTC).date() - timedelta(days=1)
    n_articles = max(1, passages // PASSAGES_PER_ARTICLE)
    end_ts = noon_utc(end_day)
    con.execute("BEGIN TRANSACTION")
    _insert_articles(con, n_articles, days, end_ts)
    _insert_passages(con, n_articles)
    _advance_sequences(con, n_articles)
    con.execute(
        "INSERT INTO models VALUES (?, 'synthetic', ?, ?)",
        [MODEL_VERSION, end_ts - timedelta(days=days + 1), json.dumps({"synthetic": True})],
    )
    _insert_scores(con, end_ts, topics)
    _runs_and_crawls(con, end_day)
    n_alerts = _alerts(con, end_day, topics)
    con.execute("COMMIT")
    counts = {
        "articles": con.execute("SELECT count(*) FROM articles").fetchone()[0],
        "passages": con.execute("SELECT count(*) FROM passages").fetchone()[0],
        "scores": con.execute("SELECT count(*) FROM scores").fetchone()[0],
        "alerts": n_alerts,
    }
    logger.info("synthetic warehouse: %s", counts)
    return counts


def _insert_articles(
    con: duckdb.DuckDBPyConnection, n_articles: int, days: int, end_ts: datetime
) -> None:
    """`n_articles` articles with ids 1..n spread evenly over `days` days ending at `end_ts`.

    Sources are drawn by hash (the silent outlet publishes nothing in the last SILENT_DAYS
    days); one in 50 has no date and one in 33 is a duplicate of the article before it.
    """
    source_names = _sql_list(s for s, _ in SOURCES)
    source_kinds = _sql_list(k for _, k in SOURCES)
    silent = [s for s, _ in SOURCES].index(SILENT_SOURCE) + 1  # 1-based, as DuckDB lists are
    con.execute(
        f"""
        INSERT INTO articles (id, url, source, source_kind, title, author, published_at,
                              fetched_at, language, content_hash, duplicate_of)
        WITH base AS (
            SELECT i, (i * $days) // $n AS back,
                   (hash(i, 'src') % {len(SOURCES)} + 1)::INTEGER AS s0
            FROM range($n) AS t(i)
        ), placed AS (
            SELECT i, back,
                   -- the silent outlet publishes nothing in the last SILENT_DAYS days
                   CASE WHEN s0 = {silent} AND back < $silent_days THEN 1 ELSE s0 END AS s
            FROM base
        )
        SELECT i + 1,
               'https://synthetic.example/' || i,
               {source_names}[s], {source_kinds}[s],
               {_sql_list(HEADLINES)}[(hash(i, 'title') % {len(HEADLINES)} + 1)::INTEGER]
                   || ' (' || i || ')',
               NULL,
               CASE WHEN hash(i, 'nodate') % 50 = 0 THEN NULL
                    ELSE $end_ts - to_days(back::INTEGER)
                         - to_minutes((hash(i, 'min') % 600)::INTEGER) END,
               $end_ts - to_days(back::INTEGER) + INTERVAL 2 HOUR,
               'en', md5(i::VARCHAR),
               CASE WHEN i > 0 AND hash(i, 'dup') % 33 = 0 THEN i ELSE NULL END
        FROM placed
        """,
        {"n": n_articles, "days": days, "end_ts": end_ts, "silent_days": SILENT_DAYS},
    )


def _insert_passages(con: duckdb.DuckDBPyConnection, n_articles: int) -> None:
    """PASSAGES_PER_ARTICLE passages per article, two a paragraph, voices by VOICE_SHARES."""
    voice_names = _sql_list(v for v, _ in VOICE_SHARES)
    bounds, total = [], 0
    for _, share in VOICE_SHARES:
        total += share
        bounds.append(str(total))
    voice_case = " ".join(f"WHEN h < {b} THEN {i + 1}" for i, b in enumerate(bounds))
    speakers = _sql_list(SPEAKERS[v] or "" for v, _ in VOICE_SHARES)
    con.execute(
        f"""
        INSERT INTO passages (id, article_id, position, paragraph, text, voice, speaker)
        WITH p AS (SELECT i, (hash(i, 'voice') % 100)::INTEGER AS h FROM range($n) AS t(i)),
        v AS (SELECT i, CASE {voice_case} END AS vi FROM p)
        SELECT i + 1, i // {PASSAGES_PER_ARTICLE} + 1, i % {PASSAGES_PER_ARTICLE},
               (i % {PASSAGES_PER_ARTICLE}) // 2,
               {_sql_list(SENTENCES)}[(hash(i, 'text') % {len(SENTENCES)} + 1)::INTEGER],
               {voice_names}[vi], nullif({speakers}[vi], '')
        FROM v
        """,
        {"n": n_articles * PASSAGES_PER_ARTICLE},
    )


def _advance_sequences(con: duckdb.DuckDBPyConnection, n_articles: int) -> None:
    """Explicit ids were inserted: move the sequences past them so that later inserts get
    fresh ids."""
    con.execute("SELECT max(nextval('article_id_seq')) FROM range(?)", [n_articles])
    con.execute(
        "SELECT max(nextval('passage_id_seq')) FROM range(?)", [n_articles * PASSAGES_PER_ARTICLE]
    )


def _insert_scores(
    con: duckdb.DuckDBPyConnection, end_ts: datetime, topics: tuple[str, ...]
) -> None:
    """Scores and scored_passages rows for every passage.

    One topic per passage, a second for SECOND_TOPIC_SHARE per cent. The score drifts slowly
    per topic over time; the force's own voice is kinder to itself.
    """
    con.execute(
        f"""
        INSERT INTO scores
        WITH rows AS (
            SELECT p.id, p.voice, a.published_at, k.k,
                   {_sql_list(topics)}[(hash(p.id, k.k) % {len(topics)} + 1)::INTEGER] AS topic,
                   (hash(p.id, k.k) % {len(topics)})::INTEGER AS ti,
                   coalesce(date_diff('day', a.published_at, $end_ts), 0) AS back
            FROM passages AS p JOIN articles AS a ON a.id = p.article_id,
                 (VALUES (0), (1)) AS k(k)
            WHERE k.k = 0 OR hash(p.id, 'second') % 100 < {SECOND_TOPIC_SHARE}
        ), raw AS (
            SELECT id, topic, k,
                   greatest(-1.0, least(1.0,
                       0.35 * sin(back / 30.0 + ti) - 0.05
                       + (hash(id, k, 'noise') % 1000) / 1000.0 * 1.2 - 0.6
                       + CASE WHEN voice = 'force' THEN 0.3 ELSE 0.0 END)) AS s
            FROM rows
        )
        SELECT DISTINCT ON (id, topic) id, topic,
               CASE WHEN s > 0.2 THEN 'positive' WHEN s < -0.2 THEN 'negative'
                    ELSE 'neutral' END,
               s, greatest(s, 0) + (1 - abs(s)) / 3, (1 - abs(s)) / 3,
               greatest(-s, 0) + (1 - abs(s)) / 3, 0.9, $model, $end_ts, FALSE
        FROM raw
        ORDER BY id, topic, k
        """,
        {"end_ts": end_ts, "model": MODEL_VERSION},
    )
    con.execute(
        """
        INSERT INTO scored_passages (passage_id, model_version, topics, scored_at)
        SELECT passage_id, model_version, count(*), any_value(scored_at)
        FROM scores GROUP BY passage_id, model_version
        """
    )


def _runs_and_crawls(con: duckdb.DuckDBPyConnection, end_day: date) -> None:
    """One nightly run a day for 30 days (3 days ago failed), with crawl stats and errors.

    Each run starts at 02:30 UTC the morning after its day, as the nightly job does: the newest
    one ran the morning after `end_day` (by default this morning, so the dashboard's "no run
    has succeeded for 26 hours" banner stays down).
    """
    for back in range(29, -1, -1):
        run_day = end_day - timedelta(days=back - 1)
        started = datetime.combine(run_day, time(2, 30), tzinfo=UTC)
        failed = back == 3
        run_id = con.execute(
            "INSERT INTO runs (started_at, finished_at, status, articles_new, passages_new, "
            "passages_scored, alerts_new, model_version, error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                started,
                started + timedelta(minutes=40),
                "failed" if failed else "success",
                0 if failed else 150,
                0 if failed else 2400,
                0 if failed else 2400,
                0,
                MODEL_VERSION,
                "crawl: every source timed out" if failed else None,
            ],
        ).fetchone()[0]
        for name, kind in SOURCES:
            silent = name == SILENT_SOURCE and back < SILENT_DAYS
            errors = {"http_404": 2, "timeout": 1} if silent or failed else {}
            con.execute(
                "INSERT INTO crawl_stats (run_id, source, source_kind, started_at, finished_at, "
                "status, pages_fetched, new_articles, errors, errors_by_reason, message) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    name,
                    kind,
                    started,
                    started + timedelta(minutes=5),
                    "failed" if failed else ("partial" if silent else "ok"),
                    0 if failed else 40,
                    0 if (silent or failed) else 15,
                    sum(errors.values()),
                    json.dumps(errors),
                    "listing page not found" if silent else None,
                ],
            )
            for reason, count in errors.items():
                for k in range(count):
                    con.execute(
                        'INSERT INTO crawl_errors (run_id, source, url, reason, detail, "at") '
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [
                            run_id,
                            name,
                            f"https://synthetic.example/{name}/{k}",
                            reason,
                            f"{reason} while fetching",
                            started + timedelta(minutes=2),
                        ],
                    )


def _alerts(con: duckdb.DuckDBPyConnection, end_day: date, topics: tuple[str, ...]) -> int:
    """Alerts on a handful of (day, topic) pairs, each naming the day's most negative stories."""
    made = 0
    for back, ti in ((1, 0), (5, 3), (9, 6), (20, 1), (40, 4)):
        day = end_day - timedelta(days=back)
        topic = topics[ti % len(topics)]
        rows = con.execute(
            """
            SELECT a.id, a.title, a.source
            FROM scores AS s JOIN passages AS p ON p.id = s.passage_id
            JOIN articles AS a ON a.id = p.article_id
            WHERE s.topic = ? AND a.published_at IS NOT NULL
              AND CAST(timezone('Europe/London', a.published_at) AS DATE) = ?
            GROUP BY ALL ORDER BY avg(s.score), a.id LIMIT 3
            """,
            [topic, day],
        ).fetchall()
        if not rows:
            continue
        names = "; ".join(f"'{title}' ({source})" for _, title, source in rows)
        con.execute(
            "INSERT INTO alerts (day, topic, kind, value, baseline, threshold, explanation, "
            "article_ids, created_at) VALUES (?, ?, 'negative_volume', ?, ?, ?, ?, ?, ?)",
            [
                day,
                topic,
                14.0,
                5.0,
                9.0,
                f"Negative passages on {topic.replace('_', ' ')} rose to 14 against a 28-day "
                f"average of 5, driven by {names}.",
                json.dumps([r[0] for r in rows]),
                noon_utc(day),
            ],
        )
        made += 1
    return made


FIXTURE_FORCE = """\
force:
  name: Norfolk Constabulary
  aliases: [Norfolk Police]
"""
FIXTURE_CONFIG = """\
%(forces)ssources:
  - {name: Eastern Daily Press, kind: local_news, feeds: ["https://edp.example/feed"]}
  - {name: Lynn News, kind: local_news, feeds: ["https://lynn.example/feed"]}
  - {name: Diss Express, kind: local_news, feeds: ["https://diss.example/feed"]}
auth:
  enabled: %(auth)s
  allowed_emails: [analyst@partner.example]
  allowed_domains: [norfolk.police.example]
"""


@dataclass(frozen=True)
class Fixture:
    """A fixture warehouse with its config (see `build_fixture`)."""

    db: Path
    config: Path
    end_day: date
    known: KnownStories
    forces: int = 1


def build_fixture(
    folder: Path,
    passages: int = 3000,
    auth: bool = False,
    end_day: date | None = None,
    materialize: bool = True,
    forces: int = 1,
) -> Fixture:
    """A small warehouse for tests and demos: synthetic passages plus the known stories.

    The synthetic passages cover every topic but road_safety, which holds only the hand-made
    stories of `add_known_stories`, so its numbers are exact. The config names three local
    sources (one silent, one with no data at all) and an auth allowlist
    (analyst@partner.example, domain norfolk.police.example).

    Args:
        folder: where fixture.duckdb and config.yaml are written (created if missing).
        passages: how many synthetic scored passages.
        auth: the config's auth.enabled.
        end_day: the newest day; default yesterday (UTC).
        materialize: build the dashboard's table `dashboard_passage_scores` as the nightly
            job's refresh stage does (warehouse.materialized.refresh); without it, the
            dashboard reads the view.
        forces: how many forces the config watches (1: Norfolk alone; more: the first of the
            43 forces of England and Wales, each article given to one or two of them,
            `demo.synthetic_forces`).

    Returns:
        The fixture's paths, end day and known story ids.
    """
    folder.mkdir(parents=True, exist_ok=True)
    end_day = end_day or datetime.now(UTC).date() - timedelta(days=1)
    db = folder / "fixture.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    try:
        migrate(con)
        generate(
            con, passages, end_day=end_day, topics=tuple(t for t in TOPICS if t != "road_safety")
        )
        known = add_known_stories(con, end_day)
        chosen = synthetic_forces.forces(forces)
        if forces > 1:
            add_forces(con, chosen)
        # the forces table as the config's first writer would leave it, so that writer finds
        # nothing to change and the dashboard's table stays current
        sync_forces(con, [Force(id=fid, name=name) for fid, name in chosen])
        if materialize:
            materialized.refresh(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    config = write_fixture_config(folder, auth, forces)
    return Fixture(db=db, config=config, end_day=end_day, known=known, forces=forces)


def write_fixture_config(folder: Path, auth: bool = False, forces: int = 1) -> Path:
    """Write the fixture's config.yaml into `folder` and return its path."""
    config = folder / "config.yaml"
    section = (
        synthetic_forces.forces_yaml(synthetic_forces.forces(forces))
        if forces > 1
        else FIXTURE_FORCE
    )
    text = FIXTURE_CONFIG % {"auth": "true" if auth else "false", "forces": section}
    config.write_text(text, encoding="utf-8")
    return config


def copy_fixture(fixture: Fixture, folder: Path, auth: bool = False) -> Fixture:
    """A copy of a fixture in another folder: its own cache keys and its own writes."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "fixture.duckdb"
    shutil.copyfile(fixture.db, db)
    return Fixture(
        db=db,
        config=write_fixture_config(folder, auth, fixture.forces),
        end_day=fixture.end_day,
        known=fixture.known,
        forces=fixture.forces,
    )
