"""A crawl child whose warehouse write fails for chosen articles (tests only).

    python tests/crawl_faults.py [--fail-store-url URL ...] -- ARGUMENTS OF pcm.crawl_child

The `fail_store` fixture (tests/conftest.py) starts each source's crawl with this instead of
`python -m pcm.crawl_child`. The write fails where a real one would, in the store pipeline's
transaction for that article, so what the test sees is the pipeline's own handling of it.
"""

from __future__ import annotations

import argparse
import sys

from crawler.urls import canonical_url
from pcm import crawl_child, crawl_store


class StoreFailedError(RuntimeError):
    """The injected failure of one article's warehouse write."""


def fail_store_of(urls: list[str]) -> None:
    """Make `pcm.crawl_store`'s writes of these articles (by canonical URL) raise."""
    failing = frozenset(canonical_url(url) for url in urls)
    store_article = crawl_store.store_article

    def failing_store_article(con, article, passages, *args, **kwargs):
        if article.url in failing:
            raise StoreFailedError(f"injected failure: not storing {article.url}")
        return store_article(con, article, passages, *args, **kwargs)

    crawl_store.store_article = failing_store_article


def main(argv: list[str]) -> int:
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(prog="crawl_faults.py")
    parser.add_argument("--fail-store-url", action="append", default=[])
    args = parser.parse_args(argv[:split])
    fail_store_of(args.fail_store_url)
    return crawl_child.main(argv[split + 1 :])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
