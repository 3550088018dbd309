"""The briefing exports: the Overview, or one topic of the Trends page, as a PDF a
communications officer can forward, and any chart as a PNG. The numbers are the pages' own (the
views'); this module only lays them out.

fpdf2 writes the PDF with its built-in Helvetica, whose character set is Latin-1: curly quotes
and dashes become their plain forms and other letters lose their accents, so a briefing never
fails on a title. vl-convert draws the Altair charts offline.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field

import altair as alt
import pandas as pd
import vl_convert as vlc
from fpdf import FPDF

logger = logging.getLogger(__name__)

_PLAIN = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "−": "-", "·": "-"}
)
MAX_NEW = 12  # new stories listed in the PDF (the page links to the rest)
WIDTH = 180  # mm of text width on A4 with 15 mm margins


@dataclass
class Briefing:
    """What one Overview briefing holds.

    Attributes:
        title: e.g. "Wexmoor Constabulary: public confidence briefing".
        period: the week and the baseline, in words.
        filters: the sidebar's filters, in words (`Filters.describe`).
        generated: when and from which run, in words.
        attention: (topic name, one line of evidence) per topic that needs attention.
        topics: one row per topic: the columns as they should be headed.
        new_stories: (topic name, stance in words, outlet, title) per new story.
        chart: a PNG of the weekly chart, or None.
    """

    title: str
    period: str
    filters: str
    generated: str
    attention: list[tuple[str, str]] = field(default_factory=list)
    topics: pd.DataFrame = field(default_factory=pd.DataFrame)
    new_stories: list[tuple[str, str, str, str]] = field(default_factory=list)
    chart: bytes | None = None


@dataclass
class StoryLine:
    """One story listed in a briefing: its title, outlet(s), day and stance, all in words, and
    its address (linked only when it is http or https)."""

    title: str
    outlet: str
    day: str
    stance: str
    url: str | None = None


@dataclass
class TopicBriefing:
    """What one topic's briefing (the Trends page's) holds.

    Attributes:
        title: e.g. "Wexmoor Constabulary: Road safety".
        period: the date range in words.
        filters: the sidebar's filters, in words (`Filters.describe`).
        generated: when, in words.
        level: the topic's level and change in words, one line each, the verdict first.
        stories_heading: what the stories below are, e.g. "Top stories (5 of 12)".
        stories: the stories behind the figures.
        chart: a PNG of the topic's weekly chart, or None.
    """

    title: str
    period: str
    filters: str
    generated: str
    level: list[str] = field(default_factory=list)
    stories_heading: str = "Top stories"
    stories: list[StoryLine] = field(default_factory=list)
    chart: bytes | None = None


def latin1(text: object) -> str:
    """Text the PDF's built-in font can print: plain quotes and dashes, accents dropped from
    letters outside Latin-1, anything else as "?"."""
    out = []
    for ch in str(text).translate(_PLAIN):
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
        out.append(base or "?")
    return "".join(out)


def chart_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """An Altair chart as PNG bytes, drawn offline."""
    return vlc.vegalite_to_png(chart.to_json(), scale=scale)


def briefing_pdf(b: Briefing) -> bytes:
    """The briefing as PDF bytes (A4, uncompressed text so it can be searched and checked).

    Args:
        b: the briefing's content.

    Returns:
        The PDF file's bytes.
    """
    pdf = _document(b.title, (b.period, b.filters, b.generated))
    _attention(pdf, b.attention)
    _new_stories(pdf, b.new_stories)
    _chart(pdf, b.chart)
    _topics(pdf, b.topics)
    return bytes(pdf.output())


def topic_briefing_pdf(b: TopicBriefing) -> bytes:
    """One topic's briefing as PDF bytes, laid out as the Overview's (`briefing_pdf`): its level
    and change, its weekly chart, then the stories behind it with their links.

    Args:
        b: the briefing's content.

    Returns:
        The PDF file's bytes.
    """
    pdf = _document(b.title, (b.period, b.filters, b.generated))
    _heading(pdf, "This week against the weeks before")
    for line in b.level:
        pdf.multi_cell(WIDTH, 5, latin1(line), new_x="LMARGIN", new_y="NEXT")
    _chart(pdf, b.chart)
    _story_list(pdf, b.stories_heading, b.stories)
    return bytes(pdf.output())


def _document(title: str, lines: tuple[str, ...]) -> FPDF:
    """An A4 PDF (uncompressed) with the title and the small lines under it written."""
    pdf = FPDF(format="A4")
    pdf.set_compression(False)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(latin1(title))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(WIDTH, 8, latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for line in lines:
        pdf.multi_cell(WIDTH, 4.5, latin1(line), new_x="LMARGIN", new_y="NEXT")
    return pdf


def _chart(pdf: FPDF, png: bytes | None) -> None:
    if png:
        _heading(pdf, "Week by week")
        pdf.image(png, w=WIDTH * 0.8)


def _story_list(pdf: FPDF, heading: str, stories: list[StoryLine]) -> None:
    """Each story: its title in bold, then stance, outlet and day, then its address as a link."""
    _heading(pdf, heading)
    if not stories:
        pdf.multi_cell(WIDTH, 5, "No stories on this topic in this period.")
        return
    for story in stories:
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(WIDTH, 5, latin1(story.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(
            WIDTH,
            4.5,
            latin1(f"{story.stance} - {story.outlet} - {story.day}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        url = story.url or ""
        if url.startswith(("http://", "https://")):
            pdf.set_text_color(0, 0, 160)  # link blue, 10:1 on white
            pdf.multi_cell(WIDTH, 4.5, latin1(url), link=url, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
        pdf.ln(1.5)
    pdf.set_font("Helvetica", "", 10)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(WIDTH, 7, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)


def _attention(pdf: FPDF, items: list[tuple[str, str]]) -> None:
    _heading(pdf, "Needs attention")
    if not items:
        pdf.multi_cell(WIDTH, 5, "No topic is worsening or has an alert this week.")
        pdf.ln(1)
        return
    for name, evidence in items:
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(WIDTH, 5, latin1(name), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(WIDTH, 5, latin1(evidence), new_x="LMARGIN", new_y="NEXT")


def _new_stories(pdf: FPDF, stories: list[tuple[str, str, str, str]]) -> None:
    _heading(pdf, f"Since the last run ({len(stories)} new on a topic)")
    if not stories:
        pdf.multi_cell(WIDTH, 5, "No new story on a topic came in with the last run.")
        return
    for topic, stance, outlet, title in stories[:MAX_NEW]:
        line = f"{topic}: {stance} - {outlet}: {title}"
        pdf.multi_cell(WIDTH, 5, latin1(line), new_x="LMARGIN", new_y="NEXT")
    if len(stories) > MAX_NEW:
        pdf.multi_cell(WIDTH, 5, f"... and {len(stories) - MAX_NEW} more on the dashboard.")


def _topics(pdf: FPDF, topics: pd.DataFrame) -> None:
    _heading(pdf, "Every topic this week")
    if topics.empty:
        pdf.multi_cell(WIDTH, 5, "No stories in this period.")
        return
    pdf.set_font("Helvetica", "", 8)
    widths = _column_widths(topics)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5) as table:
        table.row([latin1(c) for c in topics.columns])
        for values in topics.itertuples(index=False):
            table.row([latin1("" if pd.isna(v) else v) for v in values])


def _column_widths(df: pd.DataFrame) -> tuple[float, ...]:
    """Wider columns for longer text, in proportion to their longest cell or heading."""
    longest = [max([len(str(c)), *(len(str(v)) for v in df[c].tolist())]) for c in df.columns]
    return tuple(min(max(n, 6), 40) for n in longest)
