"""Schema migrations (warehouse/migrations/NNN_name.sql) and views (warehouse/views/NN_name.sql)."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from core.errors import PcmError
from warehouse.writing import one_row

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VIEWS_DIR = Path(__file__).parent / "views"
# The macros the rule views call (Wilson and Newcombe intervals, the verdict), defined once.
STATISTICS_FILE = VIEWS_DIR / "00_statistics.sql"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
_VIEW_NAME = re.compile(r"^(\d{2})_[a-z0-9_]+\.sql$")
_VIEW_STATEMENT = re.compile(
    r"CREATE\s+OR\s+REPLACE\s+VIEW\s+([a-z_][a-z0-9_]*)\s+AS", re.IGNORECASE
)

_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name       VARCHAR PRIMARY KEY,   -- file name without .sql, e.g. 001_core
    checksum   VARCHAR NOT NULL,      -- sha256 of the file as applied
    applied_at TIMESTAMPTZ NOT NULL
)
"""


class MigrationError(PcmError):
    """A migration or view file is malformed or failed to apply."""


def _sql_files(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    files = sorted(p for p in folder.glob("*.sql"))
    numbers: dict[str, str] = {}
    for path in files:
        match = pattern.match(path.name)
        if not match:
            raise MigrationError(f"{path}: bad file name; expected {pattern.pattern}")
        if match.group(1) in numbers:
            raise MigrationError(
                f"{path}: number {match.group(1)} is also used by "
                f"{numbers[match.group(1)]}; give each file its own number"
            )
        numbers[match.group(1)] = path.name
    return files


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The names of the migrations recorded in `schema_migrations`, in order.

    Args:
        con: any connection to the warehouse.

    Returns:
        Names such as "001_core"; empty when the ledger does not exist yet.
    """
    exists = one_row(
        con,
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name = 'schema_migrations'",
    )[0]
    if not exists:
        return []
    rows = con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
    return [row[0] for row in rows]


def pending_migrations(
    con: duckdb.DuckDBPyConnection, migrations_dir: Path = MIGRATIONS_DIR
) -> list[str]:
    """The migrations in `migrations_dir` not yet applied to this warehouse.

    Args:
        con: any connection to the warehouse (read-only is fine).
        migrations_dir: the folder of NNN_name.sql files.

    Returns:
        Names, in the order they would be applied.
    """
    done = set(applied_migrations(con))
    return [p.stem for p in _sql_files(migrations_dir, _MIGRATION_NAME) if p.stem not in done]


def migrate(
    con: duckdb.DuckDBPyConnection,
    migrations_dir: Path = MIGRATIONS_DIR,
    views_dir: Path = VIEWS_DIR,
    now: datetime | None = None,
) -> list[str]:
    """Apply pending migrations, each in its own transaction, then re-create every view.

    Applying twice is a no-op for the tables; views are always re-created (in file order, in
    one transaction) so that an edited view file takes effect.

    Args:
        con: a read-write connection with no open transaction.
        migrations_dir: the folder of NNN_name.sql files (tests pass their own).
        views_dir: the folder of NN_name.sql view files.
        now: the time recorded in `schema_migrations` (default: now, UTC).

    Returns:
        The names of the migrations applied by this call, in order (empty when up to date).

    Raises:
        MigrationError: a file is misnamed or fails; that migration is rolled back entirely and
            the ones before it stay applied.
    """
    when = now or datetime.now(UTC)
    con.execute(_CREATE_LEDGER)
    recorded = dict(con.execute("SELECT name, checksum FROM schema_migrations").fetchall())
    files = _sql_files(migrations_dir, _MIGRATION_NAME)
    on_disk = {p.stem for p in files}
    for name in sorted(set(recorded) - on_disk):
        logger.warning(
            "migration %s is recorded in %s but its file is gone; is this code older "
            "than the warehouse?",
            name,
            "schema_migrations",
        )
    applied: list[str] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.stem in recorded:
            if recorded[path.stem] != _checksum(text):
                logger.warning(
                    "migration %s changed since it was applied; edits to an applied "
                    "migration are not re-run: add a new migration instead",
                    path.stem,
                )
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(text)
            con.execute(
                "INSERT INTO schema_migrations (name, checksum, applied_at) VALUES (?, ?, ?)",
                [path.stem, _checksum(text), when],
            )
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise MigrationError(
                f"migration {path.name} failed and was rolled back: {_one_line(exc)}"
            ) from None
        logger.info("applied migration %s", path.stem)
        applied.append(path.stem)
    create_views(con, views_dir)
    return applied


def _view_comment(text: str, digest: str) -> str:
    """The leading comment of a view file, tagged with the file's checksum."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return f"{' '.join(lines)} [sha256 {digest}]"


@functools.cache
def statistics_sql() -> str:
    """The statements of `STATISTICS_FILE`: run them first on a connection that re-creates the
    rule views in memory (the dashboard, the alert revision), as `create_views` does. Read
    once per process: dashboard queries call this on every in-memory run."""
    return STATISTICS_FILE.read_text(encoding="utf-8")


def create_views(con: duckdb.DuckDBPyConnection, views_dir: Path = VIEWS_DIR) -> list[str]:
    """(Re-)create the views from their SQL files, in file order, in one transaction.

    Each view gets its file's leading comment and checksum as its DuckDB comment (analysts
    see it in `duckdb_views()`); when every view already carries its file's checksum, nothing
    is re-created (a write session then costs no catalog change).

    Args:
        con: a read-write connection with no open transaction.
        views_dir: the folder of NN_name.sql files, each one `CREATE OR REPLACE VIEW name AS`.

    Returns:
        The view file names (without .sql) executed; empty when all were current.

    Raises:
        MigrationError: a view file fails or names no view; no view is changed.
    """
    files = _sql_files(views_dir, _VIEW_NAME)
    wanted: list[tuple[Path, str, str, str]] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        match = _VIEW_STATEMENT.search(text)
        if not match:
            raise MigrationError(f"{path}: expected one CREATE OR REPLACE VIEW name AS ...")
        wanted.append((path, match.group(1), text, _checksum(text)))
    current = dict(
        con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall()
    )
    if all(
        (current.get(name) or "").endswith(f"[sha256 {digest}]") for _, name, _, digest in wanted
    ):
        return []
    con.execute("BEGIN TRANSACTION")
    try:
        for path, name, text, digest in wanted:
            try:
                con.execute(text)
            except duckdb.Error as exc:
                raise MigrationError(f"view {path.name} failed: {_one_line(exc)}") from None
            # COMMENT ON takes no bound parameter: the text is our own file's comment and a
            # hex digest, quoted by doubling single quotes.
            comment = _view_comment(text, digest).replace("'", "''")
            con.execute(f"COMMENT ON VIEW {name} IS '{comment}'")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    logger.info("re-created views: %s", ", ".join(name for _, name, _, _ in wanted))
    return [p.stem for p, _, _, _ in wanted]
