"""The morning digest rendered by hand: Markdown (the e-mail's text part) and one self-contained
HTML page, every title, URL and explanation escaped."""

from __future__ import annotations

import html
import logging
import re
from datetime import date, timedelta
from urllib.parse import urlencode

from pcm.alerts import LONDON, topic_label
from pcm.digest_data import STALE_AFTER_DAYS, Digest, Story, day_text
from warehouse.change_rule import TopicChange

logger = logging.getLogger(__name__)

MAX_PER_OUTLET = 15  # stories listed per outlet; the rest are counted
NO_MOVES = (
    "No topic clearly moved: a change counts when it is larger than chance alone would give, "
    "with enough stories from at least 2 outlets."
)
MOVES_HEADING = "Topics that moved (share of negative stories, this week against the weeks before)"
MOVES_COLUMNS = ("Topic", "Direction", "This week", "Weeks before", "Change (95% interval)")


def _share(share: float | None, low: float | None, high: float | None, n: int) -> str:
    """ "50% of 4 stories (95% interval 15%-85%)"."""
    noun = "story" if n == 1 else "stories"
    if share is None:
        return f"no {noun}"
    interval = f" (95% interval {100 * low:.0f}%-{100 * high:.0f}%)" if low is not None else ""
    return f"{100 * share:.0f}% of {n} {noun}{interval}"


def _move_cells(m: TopicChange) -> tuple[str, str, str, str, str]:
    """Topic, direction, this week, the weeks before and the change, as table cells."""
    return (
        topic_label(m.topic),
        m.verdict.capitalize(),
        _share(m.share, m.share_low, m.share_high, m.stories),
        _share(m.base_share, None, None, m.base_stories),
        f"{100 * m.change:+.0f} points ({100 * m.change_low:+.0f} to {100 * m.change_high:+.0f})",
    )


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    """Escape text for Markdown so titles cannot turn into links, emphasis or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _web_url(url: str) -> str:
    """The URL when it is http(s), else "#": a javascript: or file: URL is never a live link."""
    return url if str(url).lower().startswith(("http://", "https://")) else "#"


def _md_url(url: str) -> str:
    return _web_url(url).replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _when(story: Story) -> str:
    if story.published_at is None:
        return "undated"
    return f"{story.published_at.astimezone(LONDON):%d %b %H:%M}"


def _generated(digest: Digest) -> str:
    return (
        f"Generated {digest.generated_at.astimezone(LONDON):%Y-%m-%d %H:%M} UK time. "
        "Topic scores count voices outside the force only."
    )


def _stance_text(story: Story) -> str:
    return ", ".join(
        f"{stance} on {topic_label(topic).lower()}" for topic, stance in story.stances[:3]
    )


def render_markdown(digest: Digest) -> str:
    """The digest as Markdown (also the plain-text part of the e-mail).

    Args:
        digest: from `collect_digest`.

    Returns:
        Markdown text; every title is escaped.
    """
    out = [f"# {_md(digest.force)}: public confidence digest, {day_text(digest.day)}", ""]
    out.append(_generated(digest))
    if digest.dashboard_url:
        out += ["", f"[Open the dashboard]({_md_url(dashboard_link(digest, ''))})"]
    if digest.run_note:
        out += ["", f"**Note:** {_md(digest.run_note)}"]
    out += ["", f"## Alerts ({len(digest.alerts)})", ""]
    if not digest.alerts:
        out.append("No alerts.")
    for alert in digest.alerts:
        out.append(
            f"### {_md(topic_label(alert.topic))}, {day_text(alert.day)} "
            f"({_md(alert.kind.replace('_', ' '))})"
        )
        out += ["", _md(alert.explanation), ""]
        out += [f"- [{_md(s.title)}]({_md_url(s.url)}) ({_md(s.source)})" for s in alert.stories]
        link = dashboard_link(digest, "stories", alert.topic, alert.day)
        if link:
            out.append(f"- [{ALERT_LINK_TEXT}]({_md_url(link)})")
        out.append("")
    out += ["", f"## {MOVES_HEADING}", ""]
    if not digest.moves:
        out.append(NO_MOVES)
    else:
        out += ["| " + " | ".join(MOVES_COLUMNS) + " |", "|---|---|---|---|---|"]
        out += [
            "| " + " | ".join(_md(cell) for cell in _move_cells(m)) + " |" for m in digest.moves
        ]
        links = [(m, dashboard_link(digest, "trends", m.topic)) for m in digest.moves]
        if any(link for _, link in links):
            out.append("")
            out += [
                f"- [{_md(topic_label(m.topic))}: its trend in the dashboard]({_md_url(link)})"
                for m, link in links
                if link
            ]
    out += ["", f"## Overnight coverage ({digest.new_articles} new stories)", ""]
    if not digest.outlets:
        out.append("No new stories overnight.")
    for outlet, stories in digest.outlets.items():
        out += [f"### {_md(outlet)} ({len(stories)})", ""]
        for story in stories[:MAX_PER_OUTLET]:
            stance = _stance_text(story)
            out.append(
                f"- [{_md(story.title)}]({_md_url(story.url)}), {_when(story)}"
                + (f" ({_md(stance)})" if stance else "")
            )
        if len(stories) > MAX_PER_OUTLET:
            out.append(f"- and {len(stories) - MAX_PER_OUTLET} more")
        out.append("")
    if digest.older_articles:
        out.append(
            f"Also added overnight: {digest.older_articles} older stories (published "
            f"more than {STALE_AFTER_DAYS} days before the night)."
        )
    return "\n".join(out).rstrip() + "\n"


# Readable on a phone: the page's width is the screen's, the text 16 px, a wide table scrolls
# inside its own box; colours keep a contrast of at least 4.5:1 on white (WCAG AA).
_CSS = (
    "body{font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.4;"
    "max-width:48em;margin:1em auto;padding:0 12px;color:#222}"
    "h1{font-size:1.4em}h2{font-size:1.2em;border-bottom:1px solid #ccc}"
    ".scroll{overflow-x:auto}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:4px 6px;text-align:left}"
    ".neg{color:#a00}.pos{color:#060}.note{background:#fff3cd;padding:4px}"
    "a{color:#0645ad}li{margin:.3em 0}"
    "@media (max-width:600px){h1{font-size:1.2em}td,th{font-size:14px}}"
)
# How many days of stories an alert's dashboard link opens, ending on the alert's day.
ALERT_LINK_DAYS = 7
ALERT_LINK_TEXT = "Every story behind it in the dashboard"


def dashboard_link(
    digest: Digest, page: str, topic: str | None = None, day: date | None = None
) -> str | None:
    """A link into a dashboard page filtered to a topic (and a week ending on `day`).

    Args:
        digest: the digest; its `dashboard_url` is the dashboard's address ("" for none).
        page: the page's address ("stories", "trends").
        topic: a topic id for the page's topic filter.
        day: the last day of the period to open; None for the page's default period.

    Returns:
        The link ("https://…/stories?topic=road_safety&dates=…&dates=…"), or None when the
        config names no dashboard address.
    """
    if not digest.dashboard_url:
        return None
    params: list[tuple[str, str]] = []
    if topic:
        params.append(("topic", topic))
    if day:
        start = day - timedelta(days=ALERT_LINK_DAYS - 1)
        params += [("dates", start.isoformat()), ("dates", day.isoformat())]
    if digest.force_id:  # the dashboard's force picker (dashboard/filters.py KEY_FORCE)
        params.append(("force", digest.force_id))
    query = f"?{urlencode(params)}" if params else ""
    return f"{digest.dashboard_url}/{page}{query}"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _link(story: Story) -> str:
    return f'<a href="{_e(_web_url(story.url))}">{_e(story.title)}</a>'


def _html_alerts(digest: Digest) -> list[str]:
    """The digest's alerts section as HTML lines: each alert, its stories, a dashboard link."""
    out = [f"<h2>Alerts ({len(digest.alerts)})</h2>"]
    if not digest.alerts:
        out.append("<p>No alerts.</p>")
    for alert in digest.alerts:
        out.append(
            f"<h3>{_e(topic_label(alert.topic))}, {day_text(alert.day)} "
            f"({_e(alert.kind.replace('_', ' '))})</h3><p>{_e(alert.explanation)}</p>"
        )
        items = [f"<li>{_link(s)} ({_e(s.source)})</li>" for s in alert.stories]
        link = dashboard_link(digest, "stories", alert.topic, alert.day)
        if link:
            items.append(f'<li><a href="{_e(link)}">{_e(ALERT_LINK_TEXT)}</a></li>')
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
    return out


def render_html(digest: Digest) -> str:
    """The digest as one self-contained HTML page (also the HTML part of the e-mail).

    Args:
        digest: from `collect_digest`.

    Returns:
        HTML text; every title, URL and explanation is escaped.
    """
    title = f"{digest.force}: public confidence digest, {day_text(digest.day)}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p>{_e(_generated(digest))}</p>",
    ]
    if digest.dashboard_url:
        home = dashboard_link(digest, "")
        out.append(f'<p><a href="{_e(home)}">Open the dashboard</a></p>')
    if digest.run_note:
        out.append(f'<p class="note"><strong>Note:</strong> {_e(digest.run_note)}</p>')
    out += _html_alerts(digest)
    out.append(f"<h2>{_e(MOVES_HEADING)}</h2>")
    if not digest.moves:
        out.append(f"<p>{_e(NO_MOVES)}</p>")
    else:
        out.append(
            '<div class="scroll"><table><tr>'
            + "".join(f"<th>{_e(c)}</th>" for c in MOVES_COLUMNS)
            + "</tr>"
        )
        for m in digest.moves:
            css = "neg" if m.verdict == "worsening" else "pos"
            cells = [_e(c) for c in _move_cells(m)]
            link = dashboard_link(digest, "trends", m.topic)
            if link:
                cells[0] = f'<a href="{_e(link)}">{cells[0]}</a>'
            out.append(
                "<tr>"
                + "".join(f"<td>{c}</td>" for c in cells[:-1])
                + f'<td class="{css}">{cells[-1]}</td></tr>'
            )
        out.append("</table></div>")
    out.append(f"<h2>Overnight coverage ({digest.new_articles} new stories)</h2>")
    if not digest.outlets:
        out.append("<p>No new stories overnight.</p>")
    for outlet, stories in digest.outlets.items():
        out.append(f"<h3>{_e(outlet)} ({len(stories)})</h3><ul>")
        for story in stories[:MAX_PER_OUTLET]:
            stance = _stance_text(story)
            out.append(
                f"<li>{_link(story)}, {_e(_when(story))}"
                + (f" ({_e(stance)})" if stance else "")
                + "</li>"
            )
        if len(stories) > MAX_PER_OUTLET:
            out.append(f"<li>and {len(stories) - MAX_PER_OUTLET} more</li>")
        out.append("</ul>")
    if digest.older_articles:
        out.append(
            f"<p>Also added overnight: {digest.older_articles} older stories (published "
            f"more than {STALE_AFTER_DAYS} days before the night).</p>"
        )
    out.append("</body></html>")
    return "\n".join(out) + "\n"
