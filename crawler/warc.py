"""Reading web archives (WARC files, gzipped or not) record by record, through warcio.

Only HTTP responses (and `resource` records) become pages; anything wrong with one record, or
with the rest of a file, becomes a `WarcProblem` with a reason instead of an exception, so one
damaged archive never stops a backfill.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

logger = logging.getLogger(__name__)

PAGE_RECORDS = ("response", "resource")  # record types that hold a page
GZIP_MAGIC = b"\x1f\x8b"
WARC_MAGIC = b"WARC/"
# Problem reasons (also in docs/crawling.md). `bad_warc` and a cut-off file end that file.
TRUNCATED = "truncated"  # a record shorter than its Content-Length, or gzip cut off
BAD_WARC = "bad_warc"  # not a WARC file, or damaged so that no further record can be read
BAD_ENCODING = "bad_encoding"  # a Content-Encoding or Transfer-Encoding that would not decode
BAD_URL = "bad_url"  # no WARC-Target-URI, or not http(s)
TOO_LARGE = "too_large"  # over crawl.max_page_bytes


@dataclass(frozen=True)
class WarcPage:
    """One archived HTTP response."""

    url: str
    status: int
    content_type: str  # the HTTP Content-Type ("" when none)
    body: bytes  # the payload, with any Content-Encoding undone
    fetched_at: datetime | None  # WARC-Date, aware
    offset: int  # where the record starts in the file


@dataclass(frozen=True)
class WarcProblem:
    """A record, or the rest of a file, that could not be read."""

    reason: str
    detail: str
    url: str | None = None
    offset: int | None = None
    fatal: bool = False  # nothing after it in this file could be read


def warc_date(value: str | None) -> datetime | None:
    """A WARC-Date ("2025-01-31T10:20:30Z", maybe with fractions) as an aware datetime."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _gzip_cut_off(path: Path, offset: int) -> bool:
    """Whether the gzip data from `offset` on simply ends early (rather than being corrupt)."""
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            data = fh.read()
    except OSError:
        return False
    while data:
        inflater = zlib.decompressobj(wbits=31)
        try:
            inflater.decompress(data)
        except zlib.error:
            return False
        if not inflater.eof:
            return True
        data = inflater.unused_data
    return False


def _problem_at_end(path: Path, gzipped: bool, offset: int, exc: Exception) -> WarcProblem:
    """The problem that stopped reading a file at `offset`."""
    detail = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    if gzipped and _gzip_cut_off(path, offset):
        return WarcProblem(
            TRUNCATED, f"gzip data cut off after offset {offset}", None, offset, True
        )
    return WarcProblem(BAD_WARC, f"unreadable after offset {offset}: {detail}", None, offset, True)


def _read_page(record, offset: int, max_bytes: int) -> WarcPage | WarcProblem:
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    if not url.lower().startswith(("http://", "https://")):
        return WarcProblem(BAD_URL, f"WARC-Target-URI {url[:200]!r}", url or None, offset)
    http = record.http_headers
    status = 200
    content_type = record.rec_headers.get_header("Content-Type") or ""
    if http is not None and record.rec_type == "response":
        try:
            status = int(http.get_statuscode() or 0)
        except ValueError:
            status = 0
        content_type = http.get_header("Content-Type") or ""
    try:
        body = record.content_stream().read(max_bytes + 1)
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        detail = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        return WarcProblem(BAD_ENCODING, detail, url, offset)
    if len(body) > max_bytes:
        return WarcProblem(TOO_LARGE, f"over {max_bytes} bytes", url, offset)
    left = getattr(record.raw_stream, "limit", 0) or 0
    if left > 0:
        # The file ends inside this record: nothing can follow it.
        return WarcProblem(TRUNCATED, f"record lacks {left} of its bytes", url, offset, True)
    fetched = warc_date(record.rec_headers.get_header("WARC-Date"))
    return WarcPage(url, status, content_type, body, fetched, offset)


def read_warc(
    path: str | Path, max_bytes: int = 10 * 1024 * 1024
) -> Iterator[WarcPage | WarcProblem]:
    """The pages of one WARC file, and a `WarcProblem` for each record that is not readable.

    Records other than `response` and `resource` (requests, metadata, revisits, warcinfo) are
    passed over. A record cut short, a content encoding that does not decode or a page over
    `max_bytes` is one problem and reading goes on; a file that is no WARC, or whose gzip or
    record framing is damaged, ends with one fatal problem.

    Args:
        path: a `.warc` or `.warc.gz` file.
        max_bytes: the largest payload read (`crawl.max_page_bytes`).

    Yields:
        `WarcPage` and `WarcProblem` objects in file order.
    """
    from warcio.archiveiterator import ArchiveIterator  # an optional extra: `distributed`

    path = Path(path)
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield WarcProblem(BAD_WARC, f"cannot open: {exc.strerror or exc}", None, None, True)
        return
    with fh:
        head = fh.read(8)
        fh.seek(0)
        gzipped = head.startswith(GZIP_MAGIC)
        if not (gzipped or head.startswith(WARC_MAGIC)):
            yield WarcProblem(BAD_WARC, f"not a WARC file (starts {head!r})", None, 0, True)
            return
        records = ArchiveIterator(fh)
        offset = 0
        while True:
            try:
                record = next(records)
                offset = records.offset  # where this record starts (read without consuming)
            except StopIteration:
                return
            except Exception as exc:  # warcio raises many kinds on damaged input
                yield _problem_at_end(path, gzipped, offset, exc)
                return
            if record.rec_type in PAGE_RECORDS:
                page = _read_page(record, offset, max_bytes)
                yield page
                if isinstance(page, WarcProblem) and page.fatal:
                    return
