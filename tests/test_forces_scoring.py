"""Many forces in one warehouse: each passage is read for each force its article concerns.

Issue 16, item 1. Two made-up forces share a regional paper; one local paper covers only the
first. The model scores each passage once; the target, voice and speaker are read again for
every force the article names, and the views give each force only the passages about it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.config import Config, Force, Person, Source
from passages.segment import segment_article
from pcm.force_attribution import ForceSet
from pcm.scoring import score_pending
from warehouse.articles import ArticleRecord, PassageRecord, store_article
from warehouse.connection import reader, writer

NORTH = Force(
    id="north",
    name="Northshire Police",
    area=["Northton"],
    people=[Person(name="Ann Lee", role="force")],
)
SOUTH = Force(
    id="south",
    name="Southshire Constabulary",
    area=["Southby"],
    people=[Person(name="Bob Hay", role="pcc")],
)
SOURCES = [
    Source(name="Region Times", kind="local_news", feeds=["https://region.example/feed"]),
    Source(name="North Post", kind="local_news", forces=["north"], feeds=["https://n.example/f"]),
]
ARTICLES = {
    "north": (
        "Region Times",
        "Northshire Police took three days to respond to a burglary in Northton, residents "
        'said.\n\nAnn Lee said: "We are sorry, and victims will be kept updated from now on."',
    ),
    "south": (
        "Region Times",
        "Inspectors praised Southshire Constabulary for keeping victims of crime updated.\n\n"
        'Bob Hay said: "Victims in Southby are now told what is happening with their case."',
    ),
    "both": (
        "Region Times",
        "Northshire Police and Southshire Constabulary will answer emergency calls from one "
        "shared control room, which critics say will slow response times.",
    ),
    "listed": (
        "North Post",
        "Victims of burglary in the town waited weeks to hear anything about their cases, "
        "residents said at a public meeting.",
    ),
    "nobody": (
        "Region Times",
        "Victims of burglary waited weeks to hear anything about their cases, a charity said.",
    ),
}
NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)


def store(con, key: str) -> int:
    source, text = ARTICLES[key]
    segments = segment_article(text, NORTH.people, NORTH.names, source_kind="local_news")
    record = ArticleRecord(
        f"https://news.example/{key}", source, "local_news", key.title(), None, NOW, NOW
    )
    return store_article(
        con,
        record,
        [PassageRecord(s.position, s.paragraph, s.text, s.voice, s.speaker) for s in segments],
    )


def test_an_article_concerns_the_forces_it_names_among_its_sources():
    forces = ForceSet([NORTH, SOUTH], {"North Post": ["north"]})
    ids = {
        key: [r.id for r in forces.concerned([text], source)]
        for key, (source, text) in ARTICLES.items()
    }
    assert ids == {
        "north": ["north"],  # named, and its chief constable quoted
        "south": ["south"],
        "both": ["north", "south"],
        "listed": ["north"],  # names no force: the one its source covers
        "nobody": [],  # names no force, and its source covers any: counts for none
    }
    # a source that covers only the north never gives the south an article
    assert [r.id for r in forces.concerned([ARTICLES["south"][1]], "North Post")] == ["north"]
    # with one force configured every article concerns it, as before
    assert [r.id for r in ForceSet([NORTH]).concerned(["nothing here"], "Region Times")] == [
        "north"
    ]


def test_a_person_is_read_with_their_own_force():
    forces = ForceSet([NORTH, SOUTH])
    south = forces.readers[1]
    assert south.mentioned(["Bob Hay visited the control room."])
    assert not forces.readers[0].mentioned(["Bob Hay visited the control room."])


@pytest.mark.slow
def test_each_force_sees_only_the_passages_about_it(tmp_path):
    cfg = Config(forces=[NORTH, SOUTH], sources=SOURCES, db_path=str(tmp_path / "w.duckdb"))
    with writer(cfg) as con:
        ids = {key: store(con, key) for key in ARTICLES}
    assert score_pending(cfg, progress=False) > 0
    name = {v: k for k, v in ids.items()}
    with reader(cfg.db_path) as con:
        readings = con.execute(
            "SELECT p.article_id, f.force_id, f.target, f.voice, f.speaker "
            "FROM passage_forces AS f JOIN passages AS p ON p.id = f.passage_id"
        ).fetchall()
        forces_of = {}
        for article, force, *_ in readings:
            forces_of.setdefault(name[article], set()).add(force)
        assert forces_of == {
            "north": {"north"},
            "south": {"south"},
            "both": {"north", "south"},
            "listed": {"north"},
        }
        voices = {(name[a], f, s) for a, f, _, v, s in readings if s}
        assert ("north", "north", "Ann Lee") in voices
        assert ("south", "south", "Bob Hay") in voices
        south_voice = {v for a, f, _, v, s in readings if s == "Bob Hay"}
        assert south_voice == {"pcc"}  # Southshire's commissioner, on Southshire's reading
        # the default force's reading in scored_passages: not about it where it is not named
        default_targets = dict(
            con.execute(
                "SELECT p.article_id, max(s.target) FROM scored_passages AS s "
                "JOIN passages AS p ON p.id = s.passage_id GROUP BY 1"
            ).fetchall()
        )
        assert default_targets[ids["south"]] == "none"
        assert default_targets[ids["nobody"]] == "none"

        def articles(force: str | None) -> set[str]:
            if force:
                con.execute("SET VARIABLE pcm_force = ?", [force])
            else:
                con.execute("RESET VARIABLE pcm_force")
            return {
                name[a]
                for (a,) in con.execute("SELECT DISTINCT article_id FROM passage_scores").fetchall()
            }

        north, south, default = articles("north"), articles("south"), articles(None)
        assert default == north
        assert "north" in north
        assert not north & {"south", "nobody"}
        assert "south" in south
        assert not south & {"north", "listed", "nobody"}
        by_force = con.execute(
            "SELECT force_id, force_name, count(DISTINCT article_id) FROM passage_scores_by_force "
            "GROUP BY ALL ORDER BY 1"
        ).fetchall()
        assert [(f, n) for f, n, _ in by_force] == [
            ("north", "Northshire Police"),
            ("south", "Southshire Constabulary"),
        ]
        assert con.execute("SELECT id FROM forces ORDER BY position").fetchall() == [
            ("north",),
            ("south",),
        ]


def test_the_crawl_keeps_an_article_about_any_force_its_source_covers():
    from crawler.relevance import RelevanceFilter

    cfg = Config(forces=[NORTH, SOUTH], sources=SOURCES)
    region = RelevanceFilter(cfg.source_forces("Region Times"))
    north_only = RelevanceFilter(cfg.source_forces("North Post"))
    south_text = ARTICLES["south"][1]
    assert region.reason(south_text, None, "local_news") == "alias"
    assert region.reason("Bob Hay said the budget was set.", None, "local_news") == "person"
    assert region.reason("Police in Southby made an arrest.", None, "local_news") == (
        "police_in_area"
    )
    # the North Post covers Northshire alone: a story about Southshire is not kept from it
    assert north_only.reason(south_text, None, "local_news") is None
    assert north_only.reason(ARTICLES["north"][1], None, "local_news") == "alias"


def test_analyse_names_an_unknown_force_before_loading_the_model(tmp_path, capsys):
    from pcm.cli import main

    config = tmp_path / "two.yaml"
    config.write_text(
        "forces:\n  - {id: north, name: Northshire Police}\n  - {id: south, name: South Police}\n",
        encoding="utf-8",
    )
    doc = tmp_path / "a.txt"
    doc.write_text("Northshire Police praised\n\nOfficers were praised.\n", encoding="utf-8")
    assert main(["analyse", str(doc), "--config", str(config), "--force", "east"]) == 1
    err = capsys.readouterr().err
    assert "no force with id 'east' in the config; configured: north, south" in err


@pytest.mark.slow
def test_analyse_reads_a_document_for_the_force_asked(tmp_path, capsys):
    import json

    from pcm.cli import main

    config = tmp_path / "two.yaml"
    config.write_text(
        "forces:\n  - {id: north, name: Northshire Police}\n"
        "  - {id: south, name: Southshire Constabulary}\n",
        encoding="utf-8",
    )
    doc = tmp_path / "a.txt"
    doc.write_text(ARTICLES["south"][1], encoding="utf-8")

    def targets(*force: str) -> set[str]:
        assert main(["analyse", str(doc), "--config", str(config), "--json", *force]) == 0
        return {p["target"] for p in json.loads(capsys.readouterr().out)["passages"]}

    assert "force" in targets("--force", "south")
    assert "force" not in targets()  # the default force, Northshire, is not what it is about
