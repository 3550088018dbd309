"""Command-line mistakes end in one line and a non-zero exit, and a typo creates nothing.

Issue 14, item 8: 25 cases ended in a traceback (config is a folder, bad query_memory_limit,
`--timeout inf`, overflowing `--days` or retention, `--db` a folder, read-only, corrupt,
truncated, random bytes or empty, `export --out` onto a file) and 6 were silently accepted
(`init`/`sql` on a half-truncated DB, `pcm purge --db typo/x.duckdb` created an empty warehouse,
`pcm analyse` on empty or binary input exited 0). Also the dashboard's allowlist.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

import duckdb
import pytest
from warehouse_setup import fill, pcm, write_config

from core.config import Auth, load_config
from core.errors import ConfigError
from dashboard.auth import is_allowed


def one_line_failure(code: int, out: str, err: str, command: str) -> None:
    """The shape every case must have: non-zero, nothing on stdout, one line on stderr."""
    assert code != 0, err
    assert out == "", out
    assert err.count("\n") == 1, err
    assert err.endswith("\n"), err
    assert err.startswith(f"pcm {command}: "), err
    assert "Traceback" not in err


@pytest.fixture
def config(tmp_path) -> Path:
    return write_config(tmp_path / "cfg")


@pytest.fixture
def warehouse(tmp_path, config) -> Path:
    db = tmp_path / "wh" / "w.duckdb"
    fill(config, db, old=3, recent=3)
    return db


# --- the config file -------------------------------------------------------------------------


def test_config_path_that_is_a_folder(capsys, tmp_path):
    folder = tmp_path / "conf.d"
    folder.mkdir()
    db = tmp_path / "new" / "w.duckdb"
    code, out, err = pcm(capsys, "init", "--config", str(folder), "--db", str(db))
    one_line_failure(code, out, err, "init")
    assert "is a folder; pass the config YAML file itself" in err
    assert not db.parent.exists()


@pytest.mark.parametrize("value", ["lots", "5MB", "2PB", "1e9", "'-1GB'"])
def test_bad_query_memory_limit(capsys, tmp_path, value):
    config = write_config(tmp_path, f"warehouse:\n  query_memory_limit: {value}\n")
    db = tmp_path / "new" / "w.duckdb"
    code, out, err = pcm(capsys, "init", "--config", str(config), "--db", str(db))
    one_line_failure(code, out, err, "init")
    assert "warehouse.query_memory_limit" in err
    assert not db.parent.exists()


OUT_OF_RANGE = {
    "retention.text_days": "retention:\n  text_days: 99999999999999\n",
    "warehouse.lock_timeout_s": "warehouse:\n  lock_timeout_s: .inf\n",
    "warehouse.query_timeout_s": "warehouse:\n  query_timeout_s: 100000\n",
    "warehouse.query_temp_limit": "warehouse:\n  query_temp_limit: plenty\n",
    "alerts.baseline_days": "alerts:\n  baseline_days: 1000000000\n",
    "alerts.sensitivity": "alerts:\n  sensitivity: .nan\n",
    "alerts.min_negative": "alerts:\n  min_negative: 1000000000000\n",
    "schedule.run_timeout_s": "schedule:\n  run_timeout_s: 1.0e+12\n",
    "auth.allowed_emails": "auth:\n  allowed_emails: ['@norfolk.police.example']\n",
    "auth.allowed_domains": "auth:\n  allowed_domains: ['']\n",
}


@pytest.mark.parametrize("field", OUT_OF_RANGE)
def test_config_values_are_range_checked(capsys, tmp_path, field):
    config = write_config(tmp_path, OUT_OF_RANGE[field])
    db = tmp_path / "new" / "w.duckdb"
    code, out, err = pcm(capsys, "init", "--config", str(config), "--db", str(db))
    one_line_failure(code, out, err, "init")
    assert f": {field}" in err
    assert not db.parent.exists()


# --- numbers on the command line -------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["purge", "--days", "99999999999999999"], "must be a whole number of days from 1"),
        (["purge", "--days=-3"], "must be a whole number of days from 1"),
        (["purge", "--days", "1e3"], "must be a whole number of days from 1"),
        (["alerts", "--days", "99999999999999999"], "--days must be at most 3,660"),
        (["sql", "SELECT 1", "--timeout", "inf"], "at most 600"),
    ],
)
def test_overflowing_numbers(capsys, config, warehouse, argv, message):
    before = warehouse.read_bytes()
    code, out, err = pcm(capsys, *argv, "--config", str(config), "--db", str(warehouse))
    one_line_failure(code, out, err, argv[0])
    assert message in err
    assert warehouse.read_bytes() == before


# --- the warehouse file ----------------------------------------------------------------------

COMMANDS = {
    "init": ["init"],
    "sql": ["sql", "SELECT count(*) FROM articles"],
    "export": ["export", "--out", "EXPORT"],
    "purge": ["purge"],
    "alerts": ["alerts"],
    "run": ["run"],
}


def _argv(name: str, tmp_path: Path) -> list[str]:
    return [str(tmp_path / "exported") if a == "EXPORT" else a for a in COMMANDS[name]]


@pytest.mark.parametrize("command", COMMANDS)
def test_db_that_is_a_folder(capsys, tmp_path, config, command):
    folder = tmp_path / "w.duckdb"
    folder.mkdir()
    argv = _argv(command, tmp_path)
    code, out, err = pcm(capsys, *argv, "--config", str(config), "--db", str(folder))
    one_line_failure(code, out, err, command)
    assert "is a folder, not a warehouse file" in err
    assert list(folder.iterdir()) == []
    assert not (tmp_path / "exported").exists()


def _half_truncated(path: Path) -> None:
    """A warehouse cut in half whose first blocks (its catalog) survived: DuckDB opens it."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE a AS SELECT range AS i, 'text' || range AS s FROM range(300000)")
    con.execute("CHECKPOINT")
    con.execute("CREATE TABLE b AS SELECT range AS i, 'bbbb' || range AS s FROM range(600000)")
    con.execute("CHECKPOINT")
    con.execute("DROP TABLE a")
    con.execute("CHECKPOINT")
    con.execute("CREATE TABLE articles AS SELECT 1 AS id")
    con.execute("CHECKPOINT")
    con.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    check = duckdb.connect(str(path), read_only=True)  # the case: DuckDB itself does not notice
    try:
        assert check.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    finally:
        check.close()


DAMAGED = {
    "empty": lambda p: p.write_bytes(b""),
    "random bytes": lambda p: p.write_bytes(os.urandom(64 * 1024)),
    "text file": lambda p: p.write_text("not a database\n" * 100, encoding="utf-8"),
    "truncated header": lambda p: p.write_bytes(_good_bytes(p)[:5000]),
    "half truncated": _half_truncated,
}


def _good_bytes(path: Path) -> bytes:
    good = path.with_name("good.duckdb")
    con = duckdb.connect(str(good))
    con.execute("CREATE TABLE t AS SELECT range AS i FROM range(100000)")
    con.close()
    return good.read_bytes()


@pytest.mark.parametrize("command", ["init", "sql", "export", "purge", "alerts"])
@pytest.mark.parametrize("kind", DAMAGED)
def test_damaged_db_is_one_line_and_left_alone(capsys, tmp_path, config, kind, command):
    db = tmp_path / "w.duckdb"
    DAMAGED[kind](db)
    before = db.read_bytes()
    argv = _argv(command, tmp_path)
    code, out, err = pcm(capsys, *argv, "--config", str(config), "--db", str(db))
    one_line_failure(code, out, err, command)
    assert "restore it from a backup, or point --db at the warehouse file" in err
    assert db.read_bytes() == before
    assert not db.with_name("w.duckdb.wal").exists()
    assert not (tmp_path / "exported").exists()


@contextlib.contextmanager
def read_only(path: Path):
    """Make `path` unwritable, even for root (immutable attribute), for the duration."""
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"running as root and chattr +i failed: {done.stderr.strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=False)
    else:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)


@pytest.mark.parametrize("command", ["init", "purge", "alerts", "run"])
def test_read_only_db_is_one_line(capsys, config, warehouse, command):
    before = warehouse.read_bytes()
    with read_only(warehouse):
        argv = [command, "--config", str(config), "--db", str(warehouse)]
        code, out, err = pcm(capsys, *argv)
        one_line_failure(code, out, err, command)
        assert "permission denied" in err
        # Reading a read-only warehouse is fine.
        code, out, _ = pcm(capsys, "sql", "SELECT count(*) AS n FROM articles", *argv[1:])
        assert code == 0
        assert "6" in out
    assert warehouse.read_bytes() == before


@pytest.mark.parametrize(
    "argv",
    [
        ["purge"],
        ["purge", "--dry-run"],
        ["alerts"],
        ["export", "--out", "EXPORT"],
        ["sql", "SELECT 1"],
        ["score"],
        ["crawl"],
    ],
    ids=lambda a: " ".join(a),
)
def test_a_mistyped_db_creates_nothing(capsys, tmp_path, config, argv):
    db = tmp_path / "typo" / "x.duckdb"
    argv = [str(tmp_path / "exported") if a == "EXPORT" else a for a in argv]
    code, out, err = pcm(capsys, *argv, "--config", str(config), "--db", str(db))
    one_line_failure(code, out, err, argv[0])
    assert f"no warehouse at {db}; create it with `pcm init --db {db}`" in err
    assert not (tmp_path / "typo").exists()
    assert not (tmp_path / "exported").exists()


def test_export_onto_an_existing_file(capsys, tmp_path, config, warehouse):
    target = tmp_path / "report.csv"
    target.write_text("keep me\n", encoding="utf-8")
    code, out, err = pcm(
        capsys, "export", "--out", str(target), "--config", str(config), "--db", str(warehouse)
    )
    one_line_failure(code, out, err, "export")
    assert "is a file; give a folder" in err
    assert target.read_text(encoding="utf-8") == "keep me\n"


# --- pcm analyse input -----------------------------------------------------------------------

INPUTS = {
    "empty": (b"", "is empty"),
    "white space": (b"  \n\n\t \n", "is empty"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "looks like a binary"),
    "random bytes": (bytes((i * 7919 + 13) % 256 for i in range(4096)), "looks like a binary"),
    "utf-16 text": ("Police praised.\n".encode("utf-16"), "looks like a binary"),
}


@pytest.mark.parametrize("kind", INPUTS)
def test_analyse_refuses_empty_or_binary_input(capsys, tmp_path, config, kind):
    data, message = INPUTS[kind]
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    code, out, err = pcm(capsys, "analyse", str(path), "--config", str(config))
    one_line_failure(code, out, err, "analyse")
    assert message in err


def test_analyse_refuses_empty_standard_input(capsys, config, monkeypatch):
    monkeypatch.setattr("sys.stdin", Path(os.devnull).open())  # noqa: SIM115 - closed by pytest
    code, out, err = pcm(capsys, "analyse", "-", "--config", str(config))
    one_line_failure(code, out, err, "analyse")
    assert "standard input is empty" in err


# --- the dashboard's allowlist ---------------------------------------------------------------

ALLOW = Auth(
    enabled=True,
    allowed_emails=["analyst@partner.example"],
    allowed_domains=["norfolk.police.example"],
)


@pytest.mark.parametrize(
    ("email", "verified", "allowed"),
    [
        ("chief@norfolk.police.example", True, True),
        ("chief@norfolk.police.example", "true", True),  # some providers send text
        ("chief@norfolk.police.example", False, False),
        ("chief@norfolk.police.example", None, False),  # no claim at all
        ("chief@norfolk.police.example", "false", False),
        ("analyst@partner.example", False, False),
        ("@norfolk.police.example", True, False),  # empty local part
        ("chief@", True, False),  # no domain
        ("chief @norfolk.police.example", True, False),
    ],
)
def test_allowlist_needs_a_verified_full_address(email, verified, allowed):
    assert is_allowed(email, ALLOW, verified) is allowed


def test_allowlist_entries_must_be_full_addresses(tmp_path):
    config = write_config(tmp_path, "auth:\n  allowed_emails: [chief@]\n")
    with pytest.raises(ConfigError, match="expected a full email address"):
        load_config(config, None, environ={})
