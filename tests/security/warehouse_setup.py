"""Helpers of the warehouse and command-line security tests: configs, real DuckDB files, `pcm`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.config import load_config
from pcm.cli import main
from warehouse.articles import ArticleRecord, PassageRecord, store_articles
from warehouse.connection import writer

NOW = datetime.now(UTC)  # retention counts back from the real clock
CONFIG = "force:\n  name: Test Constabulary\n"


def write_config(folder: Path, extra: str = "") -> Path:
    """A config file in `folder` naming the test force, with `extra` YAML appended."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pcm.yaml"
    path.write_text(CONFIG + extra, encoding="utf-8")
    return path


def pcm(capsys, *argv: str) -> tuple[int, str, str]:
    """Run `pcm ARGV` in this process: (exit status, stdout, stderr); usage errors included."""
    try:
        code = main(list(argv))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def fill(config: Path, db: Path, old: int = 40, recent: int = 10, per: int = 3) -> list[str]:
    """Store `old` articles 800 days old and `recent` new ones, `per` passages each.

    Every passage text is unique and hard to compress (two random hex strings), so its bytes
    can be searched for in the file.

    Returns:
        The texts of the old articles' passages (the ones a 400-day purge removes).
    """
    cfg = load_config(config, str(db), environ={})
    old_texts: list[str] = []
    batch = []
    for i in range(old + recent):
        is_old = i < old
        when = NOW - timedelta(days=800 if is_old else 3)
        passages = []
        for j in range(per):
            text = f"Officer {i}.{j} said {uuid.uuid4().hex} then {uuid.uuid4().hex}."
            passages.append(PassageRecord(j, j, text, "force"))
            if is_old:
                old_texts.append(text)
        record = ArticleRecord(
            f"https://news.example/{i}", "News", "local_news", f"Story {i}", None, when, when
        )
        batch.append((record, passages))
    with writer(cfg) as con:
        store_articles(con, batch)
    return old_texts


def found_in(path: Path, texts: list[str]) -> int:
    """How many of `texts` appear, as UTF-8 bytes, in the file at `path` (0 when it is gone)."""
    if not path.is_file():
        return 0
    data = path.read_bytes()
    return sum(text.encode("utf-8") in data for text in texts)
