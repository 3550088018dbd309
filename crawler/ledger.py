"""One source's crawl tally: counts and errors, shared by spider and pipeline, saved as JSON."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

MAX_ERRORS_KEPT = 1000  # per source and run; the counts stay exact beyond it


@dataclass
class CrawlError:
    """One failed fetch or parse."""

    url: str
    reason: str
    detail: str = ""


@dataclass
class CrawlLedger:
    """Counts of one source's crawl (the `crawl_stats` columns) and its errors."""

    pages_fetched: int = 0
    discovery_pages: int = 0  # feeds, sitemaps and listing pages that were read as such
    new_articles: int = 0
    irrelevant: int = 0
    duplicates: int = 0
    empty_bodies: int = 0
    missing_dates: int = 0
    already_seen: int = 0
    too_old: int = 0
    errors_by_reason: Counter = field(default_factory=Counter)
    errors: list[CrawlError] = field(default_factory=list)
    finish_reason: str | None = None

    def error(self, url: str, reason: str, detail: str = "") -> None:
        """Count an error and keep its row for `crawl_errors`."""
        self.errors_by_reason[reason] += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(CrawlError(url, reason, detail[:500]))
        logger.info("%s: %s %s", reason, url, detail)

    @property
    def error_count(self) -> int:
        """All errors counted (including those beyond `MAX_ERRORS_KEPT`)."""
        return sum(self.errors_by_reason.values())

    def save(self, path: str | Path) -> None:
        """Write the ledger as JSON (atomically: a reader never sees half a file)."""
        data = asdict(self)
        data["errors_by_reason"] = dict(self.errors_by_reason)
        target = Path(path)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        tmp.replace(target)

    @classmethod
    def load(cls, path: str | Path) -> CrawlLedger:
        """Read a ledger written by `save`."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data["errors_by_reason"] = Counter(data.get("errors_by_reason") or {})
        data["errors"] = [CrawlError(**e) for e in data.get("errors") or []]
        return cls(**data)
