"""The morning digest: overnight coverage, topics that moved and alerts, as HTML and Markdown."""

from __future__ import annotations

import html
import json
import logging
import os
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import duckdb

from pcm.alerts import LONDON, london_today, topic_label
from pcm.config import Config, Smtp
from pcm.errors import PcmError
from warehouse.change_rule import TopicChange, topic_changes

logger = logging.getLogger(__name__)

OVERNIGHT_HOURS = 24  # "overnight" = fetched in the 24 hours before the digest
# A story fetched overnight but published long before (a backfill, a late-found page) is counted,
# not listed: the comms team wants what is new in the news, not what is new to the crawler.
STALE_AFTER_DAYS = 2
MAX_PER_OUTLET = 15  # stories listed per outlet; the rest are counted
ALERT_DAYS = 2  # alerts about today and yesterday are listed ...
RUN_ALERT_DAYS = 7  # ... and those this run raised about the last week (a backfill raises more)
SMTP_TIMEOUT_S = 30.0


class DigestSendError(PcmError):
    """The digest could not be e-mailed."""


@dataclass
class Story:
    """One article as the digest lists it."""

    id: int
    title: str
    url: str
    source: str
    published_at: datetime | None
    stances: list[tuple[str, str]] = field(default_factory=list)  # (topic, stance), not neutral


@dataclass
class AlertItem:
    """A stored alert with its stories."""

    id: int
    day: date
    topic: str
    kind: str
    explanation: str
    stories: list[Story]


@dataclass
class Digest:
    """Everything one morning digest says; rendered by `render_markdown` and `render_html`."""

    force: str
    day: date
    generated_at: datetime
    since: datetime
    outlets: dict[str, list[Story]]
    older_articles: int
    moves: list[TopicChange]  # topics the change rule calls improving or worsening
    alerts: list[AlertItem]
    run_note: str = ""

    @property
    def new_articles(self) -> int:
        """How many overnight stories are listed (older ones excluded)."""
        return sum(len(v) for v in self.outlets.values())

    @property
    def subject(self) -> str:
        """The e-mail subject line."""
        alerts = f"{len(self.alerts)} alert" + ("" if len(self.alerts) == 1 else "s")
        return (
            f"{self.force}: public confidence digest for {_day_text(self.day)} "
            f"({self.new_articles} new stories, {alerts})"
        )


def _day_text(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def collect_digest(
    con: duckdb.DuckDBPyConnection,
    cfg: Config,
    now: datetime | None = None,
    run_id: int | None = None,
    run_note: str = "",
) -> Digest:
    """Read what the digest needs from the warehouse.

    Args:
        con: a connection to the warehouse (read-only is enough).
        cfg: the config (force name).
        now: the digest's time, aware (default: now); its London date names the digest.
        run_id: the nightly run; alerts it raised are listed whatever their day.
        run_note: one line about the run (e.g. failed sources), shown at the top.

    Returns:
        The `Digest`.
    """
    now = now or datetime.now(UTC)
    today = london_today(now)
    since = now - timedelta(hours=OVERNIGHT_HOURS)
    fresh_from = since - timedelta(days=STALE_AFTER_DAYS)
    rows = con.execute(
        "SELECT id, coalesce(title, url), url, source, published_at, "
        "coalesce(published_at, fetched_at) >= $fresh AS fresh "
        "FROM articles WHERE duplicate_of IS NULL AND fetched_at >= $since "
        "ORDER BY source, published_at DESC NULLS LAST, id",
        {"since": since, "fresh": fresh_from},
    ).fetchall()
    older = sum(1 for r in rows if not r[5])
    stories = [Story(r[0], r[1], r[2], r[3], r[4]) for r in rows if r[5]]
    _add_stances(con, stories)
    outlets: dict[str, list[Story]] = {}
    for story in stories:
        outlets.setdefault(story.source, []).append(story)

    moves = _topic_moves(con, cfg, today)
    alerts = _alerts(con, today, run_id)
    return Digest(cfg.force.name, today, now, since, outlets, older, moves, alerts, run_note)


def _add_stances(con: duckdb.DuckDBPyConnection, stories: list[Story]) -> None:
    """Attach each story's non-neutral topic stances (from the `article_topics` view)."""
    if not stories:
        return
    by_id = {s.id: s for s in stories}
    rows = con.execute(
        "SELECT article_id, topic, stance FROM article_topics "
        "WHERE list_contains($ids, article_id) AND stance <> 'neutral' "
        "ORDER BY article_id, abs(net_score) DESC, topic",
        {"ids": list(by_id)},
    ).fetchall()
    for article_id, topic, stance in rows:
        by_id[article_id].stances.append((topic, stance))


def _topic_moves(con: duckdb.DuckDBPyConnection, cfg: Config, today: date) -> list[TopicChange]:
    """The topics that really moved in the week to `today` (the `topic_change` view's rule,
    voices outside the force only): worsening first, then by the size of the change."""
    changes = topic_changes(con, cfg.alerts, today, "external").values()
    moved = [c for c in changes if c.moved]
    return sorted(moved, key=lambda c: (c.verdict != "worsening", -abs(c.change or 0), c.topic))


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


NO_MOVES = (
    "No topic clearly moved: a change counts when it is larger than chance alone would give, "
    "with enough stories from at least 2 outlets."
)
MOVES_HEADING = "Topics that moved (share of negative stories, this week against the weeks before)"
MOVES_COLUMNS = ("Topic", "Direction", "This week", "Weeks before", "Change (95% interval)")


def _alerts(con: duckdb.DuckDBPyConnection, today: date, run_id: int | None) -> list[AlertItem]:
    rows = con.execute(
        "SELECT id, day, topic, kind, explanation, article_ids FROM alerts "
        "WHERE day >= $from_day OR (run_id = $run_id AND day >= $run_from) "
        "ORDER BY day DESC, topic, kind",
        {
            "from_day": today - timedelta(days=ALERT_DAYS - 1),
            "run_id": run_id,
            "run_from": today - timedelta(days=RUN_ALERT_DAYS),
        },
    ).fetchall()
    items = []
    for alert_id, day, topic, kind, explanation, article_ids in rows:
        ids = [int(i) for i in json.loads(article_ids or "[]")]
        stories: list[Story] = []
        if ids:
            found = con.execute(
                "SELECT id, coalesce(title, url), url, source, published_at FROM articles "
                "WHERE list_contains($ids, id)",
                {"ids": ids},
            ).fetchall()
            by_id = {r[0]: Story(*r) for r in found}
            stories = [by_id[i] for i in ids if i in by_id]
        items.append(AlertItem(alert_id, day, topic, kind, explanation, stories))
    return items


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
    out = [f"# {_md(digest.force)}: public confidence digest, {_day_text(digest.day)}", ""]
    out.append(_generated(digest))
    if digest.run_note:
        out += ["", f"**Note:** {_md(digest.run_note)}"]
    out += ["", f"## Alerts ({len(digest.alerts)})", ""]
    if not digest.alerts:
        out.append("No alerts.")
    for alert in digest.alerts:
        out.append(
            f"### {_md(topic_label(alert.topic))}, {_day_text(alert.day)} "
            f"({_md(alert.kind.replace('_', ' '))})"
        )
        out += ["", _md(alert.explanation), ""]
        out += [f"- [{_md(s.title)}]({_md_url(s.url)}) ({_md(s.source)})" for s in alert.stories]
        out.append("")
    out += ["", f"## {MOVES_HEADING}", ""]
    if not digest.moves:
        out.append(NO_MOVES)
    else:
        out += ["| " + " | ".join(MOVES_COLUMNS) + " |", "|---|---|---|---|---|"]
        out += [
            "| " + " | ".join(_md(cell) for cell in _move_cells(m)) + " |" for m in digest.moves
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


_CSS = (
    "body{font-family:Arial,Helvetica,sans-serif;max-width:48em;margin:1em auto;color:#222}"
    "h1{font-size:1.4em}h2{font-size:1.2em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
    ".neg{color:#a00}.pos{color:#060}.note{background:#fff3cd;padding:4px}"
)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _link(story: Story) -> str:
    return f'<a href="{_e(_web_url(story.url))}">{_e(story.title)}</a>'


def render_html(digest: Digest) -> str:
    """The digest as one self-contained HTML page (also the HTML part of the e-mail).

    Args:
        digest: from `collect_digest`.

    Returns:
        HTML text; every title, URL and explanation is escaped.
    """
    title = f"{digest.force}: public confidence digest, {_day_text(digest.day)}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p>{_e(_generated(digest))}</p>",
    ]
    if digest.run_note:
        out.append(f'<p class="note"><strong>Note:</strong> {_e(digest.run_note)}</p>')
    out.append(f"<h2>Alerts ({len(digest.alerts)})</h2>")
    if not digest.alerts:
        out.append("<p>No alerts.</p>")
    for alert in digest.alerts:
        out.append(
            f"<h3>{_e(topic_label(alert.topic))}, {_day_text(alert.day)} "
            f"({_e(alert.kind.replace('_', ' '))})</h3><p>{_e(alert.explanation)}</p>"
        )
        if alert.stories:
            out.append(
                "<ul>"
                + "".join(f"<li>{_link(s)} ({_e(s.source)})</li>" for s in alert.stories)
                + "</ul>"
            )
    out.append(f"<h2>{_e(MOVES_HEADING)}</h2>")
    if not digest.moves:
        out.append(f"<p>{_e(NO_MOVES)}</p>")
    else:
        out.append("<table><tr>" + "".join(f"<th>{_e(c)}</th>" for c in MOVES_COLUMNS) + "</tr>")
        for m in digest.moves:
            css = "neg" if m.verdict == "worsening" else "pos"
            cells = _move_cells(m)
            out.append(
                "<tr>"
                + "".join(f"<td>{_e(c)}</td>" for c in cells[:-1])
                + f'<td class="{css}">{_e(cells[-1])}</td></tr>'
            )
        out.append("</table>")
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


def build_message(digest: Digest, smtp: Smtp) -> EmailMessage:
    """The e-mail: Markdown as the text part, HTML as the alternative.

    Args:
        digest: from `collect_digest`.
        smtp: the SMTP settings (sender and recipients).

    Returns:
        A multipart/alternative `EmailMessage`.
    """
    msg = EmailMessage()
    msg["Subject"] = digest.subject
    msg["From"] = smtp.sender
    msg["To"] = ", ".join(smtp.recipients)
    msg.set_content(render_markdown(digest))
    msg.add_alternative(render_html(digest), subtype="html")
    return msg


def tls_context(smtp: Smtp) -> ssl.SSLContext:
    """The TLS settings of the SMTP connection: the certificate chain and the host name are
    verified (`ssl.create_default_context`), TLS 1.2 at least.

    Args:
        smtp: the settings; `ca_file` replaces the system's CA certificates (a private relay).

    Returns:
        A client `ssl.SSLContext`.
    """
    context = ssl.create_default_context(cafile=smtp.ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _connect(smtp: Smtp) -> smtplib.SMTP:
    """An SMTP session on the configured transport, TLS established before anything else is
    said (no fallback to plaintext when STARTTLS is missing or fails)."""
    port = smtp.effective_port
    if smtp.tls == "implicit":
        return smtplib.SMTP_SSL(smtp.host, port, timeout=SMTP_TIMEOUT_S, context=tls_context(smtp))
    server = smtplib.SMTP(smtp.host, port, timeout=SMTP_TIMEOUT_S)
    if smtp.tls == "none":
        return server
    try:
        server.ehlo()
        if not server.has_extn("starttls"):
            raise DigestSendError(
                f"{smtp.host}:{port} does not offer STARTTLS, so nothing was sent; "
                "set digest.smtp.tls to implicit for an SMTPS port, or check the relay"
            )
        server.starttls(context=tls_context(smtp))
        server.ehlo()
    except BaseException:
        server.close()
        raise
    return server


def send_digest(digest: Digest, smtp: Smtp, environ: dict[str, str] | None = None) -> None:
    """E-mail the digest through the configured SMTP server.

    The connection is encrypted unless `smtp.tls` is none (which the config refuses together
    with a username), and the server's certificate and host name are verified: a listener with
    a self-signed or wrong-name certificate never sees the password or the message.

    Args:
        digest: from `collect_digest`.
        smtp: the settings; the password comes from the environment variable named by
            `smtp.password_env` (never from the YAML).
        environ: the environment to read it from (default `os.environ`).

    Raises:
        DigestSendError: no password, or connecting, TLS, login or sending failed.
    """
    env = os.environ if environ is None else environ
    msg = build_message(digest, smtp)
    password = ""
    if smtp.username:
        password = env.get(smtp.password_env or "", "")
        if not password:
            raise DigestSendError(
                f"digest.smtp.username is set but ${smtp.password_env or '(no name)'} "
                "is empty; export the SMTP password in that variable"
            )
    try:
        with _connect(smtp) as server:
            if smtp.username:
                server.login(smtp.username, password)
            server.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise DigestSendError(
            f"could not send the digest via {smtp.host}:{smtp.effective_port} "
            f"(tls {smtp.tls}): {reason}; check digest.smtp in the config"
        ) from None
    logger.info("digest e-mailed to %s (tls %s)", ", ".join(smtp.recipients), smtp.tls)
