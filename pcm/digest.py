"""The morning digest: overnight coverage, topics that moved and alerts, as HTML and Markdown.

Its parts: pcm/digest_data.py reads what it says from the warehouse (`collect_digest`),
pcm/digest_render.py renders it (`render_markdown`, `render_html`), pcm/digest_send.py e-mails
it (`send_digest`); this module writes its files. The nightly job's digest stage
(pcm/nightly_stages.py) does all three.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pcm.digest_data import Digest
from pcm.digest_render import render_html, render_markdown

logger = logging.getLogger(__name__)


def write_digest(digest: Digest, out_dir: str | os.PathLike) -> tuple[Path, Path]:
    """Write `digest-YYYY-MM-DD.html` and `.md` (London date) into `out_dir`, replacing old ones.

    Args:
        digest: from `collect_digest`.
        out_dir: the folder (created when missing).

    Returns:
        (html path, markdown path).
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"digest-{digest.day.isoformat()}"
    html_path, md_path = folder / f"{stem}.html", folder / f"{stem}.md"
    for path, text in ((html_path, render_html(digest)), (md_path, render_markdown(digest))):
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)  # atomic: a reader never sees half a digest
    logger.info("digest written: %s and %s", html_path, md_path)
    return html_path, md_path
