"""The extra labelled real articles: trained on and never split, stored without text, and
rebuilt from a page's text; on an article written for this test (no third-party text)."""

import json
import re
from pathlib import Path

import pytest

from core.vocabulary import TOPICS, VOICES
from sentiment.real_coverage import (
    EXTRA_LABELS_DIR,
    load_split,
    read_labels,
    sentence_digest,
    train_sentences,
)
from sentiment.real_rebuild import main as rebuild_main
from sentiment.real_rebuild import rebuild

PARAGRAPHS = [
    [
        (
            "Wexmoor force praised for quicker 999 answers",
            "media",
            {"emergency_response": "positive"},
        )
    ],
    [
        (
            "Inspectors said calls were answered faster than last year.",
            "inspectorate",
            {"emergency_response": "positive"},
        ),
        ("The report came out on Friday.", "media", {}),
    ],
]


def _write_labels(folder: Path, file: str) -> str:
    """An extra-labels folder for one invented article; returns the article's text."""
    folder.mkdir(parents=True, exist_ok=True)
    rows, body = [], []
    for pi, sentences in enumerate(PARAGRAPHS):
        paragraph = " ".join(s for s, _, _ in sentences)
        body.append(paragraph)
        for sentence, voice, topics in sentences:
            rows.append(
                {
                    "file": file,
                    "url": f"https://example.org/{file}",
                    "title": "",
                    "force": "Wexmoor Constabulary",
                    "kind": "local_news",
                    "para": pi,
                    "sid": len(rows),
                    "start": paragraph.index(sentence),
                    "len": len(sentence),
                    "sha": sentence_digest(sentence),
                    "voice": voice,
                    "topics": [[t, s, ""] for t, s in topics.items()],
                }
            )
    (folder / "labels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return "\n\n".join(body) + "\n"


def test_a_training_run_reads_the_extra_articles_only_when_asked(tmp_path):
    shared, extra, texts = tmp_path / "shared", tmp_path / "extra", tmp_path / "real"
    texts.mkdir()
    (texts / "t-01.txt").write_text(_write_labels(shared, "t-01.txt"))
    (texts / "x9-01.txt").write_text(_write_labels(extra, "x9-01.txt"))
    with_extra = train_sentences(shared, texts, ["t-01.txt"], extra)
    assert [s.file for s in with_extra] == ["t-01.txt"] * 3 + ["x9-01.txt"] * 3
    assert with_extra[4].text == "Inspectors said calls were answered faster than last year."
    assert with_extra[4].voice == "inspectorate"
    assert [s.file for s in train_sentences(shared, texts, ["t-01.txt"], None)] == ["t-01.txt"] * 3
    # an extra article not rebuilt is left out, not an error
    (texts / "x9-01.txt").unlink()
    assert len(train_sentences(shared, texts, ["t-01.txt"], extra)) == 3


def test_rebuild_keeps_the_labelled_paragraphs_of_a_page_and_drops_its_furniture(tmp_path):
    labels = tmp_path / "extra"
    text = _write_labels(labels, "x9-01.txt")
    page = "\n".join(
        [
            "Menu  Home  News  Sport",
            "Wexmoor force praised for quicker 999 answers",
            "Photo: a call handler at work (credit: the force)",
            "Inspectors said calls were answered   faster than last year. The report came "
            "out on Friday.",
            "Share this story",
        ]
    )
    art = read_labels(labels)["x9-01.txt"]
    rebuilt, found = rebuild(art, page)
    assert rebuilt == text
    assert found == 3
    (tmp_path / "page.txt").write_text(page)
    out = tmp_path / "out"
    assert rebuild_main(["x9-01.txt", str(tmp_path / "page.txt"), str(out), str(labels)]) == 0
    assert (out / "x9-01.txt").read_text() == text
    # a page that lacks a labelled sentence is reported (exit 1), still written
    (tmp_path / "short.txt").write_text(page.replace(" The report came out on Friday.", ""))
    assert rebuild_main(["x9-01.txt", str(tmp_path / "short.txt"), str(out), str(labels)]) == 1
    # a page without the labelled headline: a placeholder keeps the later paragraphs' indices
    rebuilt, found = rebuild(art, page.replace("Wexmoor force praised", "Wexmoor"))
    assert found == 2
    assert rebuilt.split("\n\n")[1:] == text.split("\n\n")[1:]


def test_rebuild_refuses_bad_input_in_one_line(tmp_path, caplog):
    labels = tmp_path / "extra"
    _write_labels(labels, "x9-01.txt")
    page, out = tmp_path / "page.txt", str(tmp_path / "out")
    page.write_text("Wexmoor force praised for quicker 999 answers")
    assert rebuild_main(["x9-02.txt", str(page), out, str(labels)]) == 2
    assert "x9-02.txt is not labelled in" in caplog.text
    assert rebuild_main(["x9-01.txt", str(tmp_path / "none.txt"), out, str(labels)]) == 2
    assert "none.txt" in caplog.text
    assert rebuild_main(["x9-01.txt", str(page), out, str(tmp_path / "nolabels")]) == 2
    assert "real-coverage labels not found" in caplog.text
    assert rebuild_main(["x9-01.txt"]) == 2
    assert not (tmp_path / "out").exists()  # nothing written on bad input


def test_the_recorded_extra_labels_hold_no_text_and_stay_out_of_the_split():
    path = EXTRA_LABELS_DIR / "labels.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 500
    keys = {
        "file",
        "url",
        "title",
        "force",
        "kind",
        "para",
        "sid",
        "sha",
        "voice",
        "topics",
        "start",
        "len",
    }
    for r in records:
        assert set(r) == keys
        assert r["title"] == ""  # the page's headline is third-party text
        assert re.fullmatch(r"[0-9a-f]{16}", r["sha"])
        assert r["voice"] in VOICES
        assert all(
            t in TOPICS and s in ("negative", "neutral", "positive") for t, s, _ in r["topics"]
        )
    articles = read_labels(EXTRA_LABELS_DIR)
    split = load_split()
    assert not set(articles) & {f for part in split.values() for f in part}
    assert len({a.url for a in articles.values()}) == len(articles)


def test_pcm_train_takes_the_extra_labels_only_when_asked(capsys):
    from pcm.cli import build_parser, main
    from pcm.commands.train import _extra_labels

    parse = build_parser().parse_args
    assert _extra_labels(parse(["train", "--heads-only"])) is None
    assert _extra_labels(parse(["train", "--heads-only", "--extra-labels"])) == str(
        EXTRA_LABELS_DIR
    )
    assert _extra_labels(parse(["train", "--heads-only", "--extra-labels", "mine"])) == "mine"
    assert _extra_labels(parse(["train", "--heads-only", "--no-extra-labels"])) is None
    with pytest.raises(SystemExit) as stopped:
        main(["train", "--extra-labels", "mine", "--no-extra-labels"])
    assert stopped.value.code == 2
    assert "--no-extra-labels: not allowed with argument --extra-labels" in (
        capsys.readouterr().err
    )
