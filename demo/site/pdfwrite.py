"""A minimal PDF writer: Helvetica text with a real text layer, for the inspectorate report."""

from __future__ import annotations

import logging
import textwrap
import zlib
from datetime import datetime

logger = logging.getLogger(__name__)

PAGE_W, PAGE_H = 595, 842  # A4 in points
MARGIN = 60
FONT_SIZE = 10.5
HEADING_SIZE = 13
LEADING = 14
WRAP_CHARS = 92  # Helvetica 10.5pt over 475pt of line


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")  # WinAnsiEncoding is cp1252
    raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + raw + b")"


def _info_string(text: str) -> bytes:
    # Info dictionary strings are PDFDocEncoding or UTF-16BE with a BOM; the latter is exact.
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _layout(title: str, blocks: list[tuple[str, str]]) -> list[list[tuple[float, float, str]]]:
    """Lines per page as (font size, y, text)."""
    pages: list[list[tuple[float, float, str]]] = [[]]
    y = PAGE_H - MARGIN

    def put(size: float, text: str) -> None:
        nonlocal y
        if y < MARGIN:
            pages.append([])
            y = PAGE_H - MARGIN
        pages[-1].append((size, y, text))
        y -= LEADING if size == FONT_SIZE else LEADING + 4

    put(HEADING_SIZE + 3, title)
    y -= LEADING
    for kind, text in blocks:
        if kind == "heading":
            y -= 6
            put(HEADING_SIZE, text)
        else:
            for line in textwrap.wrap(text, WRAP_CHARS):
                put(FONT_SIZE, line)
            y -= LEADING // 2
    return pages


def write_pdf(title: str, blocks: list[tuple[str, str]], created: datetime) -> bytes:
    """Render headings and paragraphs to a small, valid PDF.

    Args:
        title: the document title (first line, and the /Title in the info dictionary).
        blocks: ("heading" | "paragraph", text) in reading order.
        created: the creation date written to the info dictionary.

    Returns:
        The PDF file's bytes. Text is drawn with Tj in Helvetica (WinAnsiEncoding), so any PDF
        text extractor reads it back.
    """
    pages = _layout(title, blocks)
    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )
    kids = []
    for lines in pages:
        ops = []
        for size, y, text in lines:
            face = b"/F1" if size == FONT_SIZE else b"/F2"
            ops.append(
                b"BT %s %.1f Tf %d %.1f Td %s Tj ET" % (face, size, MARGIN, y, _pdf_string(text))
            )
        stream = zlib.compress(b"\n".join(ops))
        content = add(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)
        )
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_obj, PAGE_W, PAGE_H, font, bold, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    info = add(
        b"<< /Title %s /Producer (PCM sample site) /CreationDate (D:%s) >>"
        % (_info_string(title), created.strftime("%Y%m%d%H%M%S").encode())
    )

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        xref,
    )
    return bytes(out)
