"""Text of PDF reports (inspectorate publications) through pypdf, as paragraphs."""

from __future__ import annotations

import contextlib
import io
import logging
import re
from dataclasses import dataclass
from datetime import datetime

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from crawler.dates import aware, plausible
from crawler.extract import Extracted, ExtractionFailed, guess_language

logger = logging.getLogger(__name__)

MIN_PDF_WORDS = 8  # a PDF with less text is a scan without a text layer
MAX_PDF_PAGES = 300  # inspection reports run to ~150 pages; beyond this is an appendix dump
SHORT_LINE = 0.75  # of the page's longest line: shorter ends a paragraph or is a heading
SENTENCE_LINE = 0.85  # a sentence end this short of the full width ends a paragraph
_SENTENCE_END = re.compile(r"[.!?:;\"”’)]$")


def is_pdf(body: bytes, content_type: str | None = None) -> bool:
    """True for PDF bytes (magic number) or a PDF content type."""
    return body[:1024].lstrip().startswith(b"%PDF") or "pdf" in (content_type or "").lower()


def _paragraphs(page_text: str) -> list[str]:
    """Join a page's wrapped lines into paragraphs. A line clearly shorter than the page's
    full lines ends a paragraph (a heading, or a paragraph's last line), as does a blank line
    or a sentence end a little short of the full width."""
    lines = [line.strip() for line in page_text.splitlines()]
    width = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(line)
        short = len(line) < SHORT_LINE * width
        if short or (_SENTENCE_END.search(line) and len(line) < SENTENCE_LINE * width):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return [re.sub(r"\s+", " ", p).strip() for p in paragraphs if p.strip()]


@dataclass(frozen=True)
class PdfDocument:
    """What a PDF gives us: its info title and creation time, and its text."""

    title: str | None
    created: datetime | None  # aware
    text: str  # paragraphs separated by a blank line


def pdf_text(body: bytes) -> PdfDocument:
    """Title, creation time and text of a PDF.

    Args:
        body: the PDF bytes.

    Returns:
        A `PdfDocument`; title and created are None when the document info lacks them.

    Raises:
        ValueError: the bytes are not a readable PDF (message says why).
    """
    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted:
            raise ValueError("encrypted PDF")
        title = created = None
        info = reader.metadata
        if info and info.title:
            title = str(info.title).strip() or None
        if info:
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                created = info.creation_date
            if created is not None:
                created = plausible(aware(created))
        paragraphs: list[str] = []
        for page in reader.pages[:MAX_PDF_PAGES]:
            paragraphs.extend(_paragraphs(page.extract_text() or ""))
    except (PyPdfError, OSError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"unreadable PDF: {type(exc).__name__}: {exc}") from None
    return PdfDocument(title, created, "\n\n".join(paragraphs))


def extract_pdf(body: bytes) -> Extracted:
    """A PDF report as an `Extracted` article (title and time from the document info).

    Raises:
        ExtractionFailed: bad_pdf (unreadable), empty_body (no text layer).
    """
    try:
        pdf = pdf_text(body)
    except ValueError as exc:
        raise ExtractionFailed("bad_pdf", str(exc)) from None
    text = pdf.text
    if len(text.split()) < MIN_PDF_WORDS:
        raise ExtractionFailed("empty_body", "PDF with no extractable text")
    if pdf.title and text.casefold().startswith(pdf.title.casefold() + "\n"):
        text = text[len(pdf.title) :].lstrip()  # the cover page repeats the title
    return Extracted(
        title=pdf.title,
        text=text,
        published_at=pdf.created,
        author=None,
        canonical_url=None,
        language=guess_language(text),
        date_source="pdf" if pdf.created else None,
    )
