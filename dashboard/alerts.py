"""Alerts page: each alert of the period, why, the stories behind it, and who has dealt with it.

Open alerts come first, each with a form to acknowledge it (who, when, a note); acknowledged
alerts and alerts withdrawn after corrections are listed apart, greyed, with who and when.
"""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from dashboard import annotate, auth, briefing, context, queries, widgets
from warehouse import annotations

logger = logging.getLogger(__name__)

_FLASH = "_alerts_flash"
WITHDRAWN = "withdrawn after corrections"
# The CSV's plain column names.
COLUMNS = {
    "day": "day",
    "topic": "topic",
    "status": "status",
    "value": "share of the week's stories negative",
    "baseline": "share negative in the days before",
    "threshold": "lower end of the rise's 95% interval",
    "explanation": "why",
    "stories": "stories",
    "acknowledged_by": "acknowledged by",
    "acknowledged_at": "acknowledged at",
    "ack_note": "note",
    "withdrawn_at": "withdrawn at",
    "raised_explanation": "as first raised",
}


def _when(ts) -> str:
    return pd.Timestamp(ts).strftime("%d %b %Y %H:%M")


def status(a) -> str:
    """ "withdrawn" (the rule no longer gives it), "acknowledged" or "open"."""
    if pd.notna(a.withdrawn_at):
        return "withdrawn"
    return "acknowledged" if isinstance(a.acknowledged_by, str) else "open"


def figures(a) -> str:
    """The alert's figures in words (the rule's current answer)."""
    if a.kind == "worsening":
        return (
            f"{a.value:.0%} of the week's stories were negative, against {a.baseline:.0%} in the "
            f"days before; the rise's 95% interval starts at {a.threshold:+.0%}."
        )
    return f"{a.value:g} against a baseline of {a.baseline:g} (threshold {a.threshold:g})"


def _stories(a) -> None:
    for story in a.stories:
        st.page_link(
            "dashboard/stories.py",
            label=f"{story['title']} ({story['source']})",
            query_params={"article": str(story["id"])},
            icon=":material/article:",
        )


def _open(ctx: context.PageContext, a) -> None:
    with st.container(border=True):
        st.markdown(
            f"**{a.day:%d %b %Y} · {widgets.topic_label(a.topic)}** "
            f":orange-badge[⚠ {a.kind.replace('_', ' ')}]"
        )
        st.markdown(figures(a))
        st.markdown(widgets.escape(a.explanation))
        if pd.notna(a.revised_at) and isinstance(a.raised_explanation, str):
            st.caption(
                f"Figures updated after corrections on {_when(a.revised_at)}. As first "
                f"raised: {widgets.escape(a.raised_explanation)}"
            )
        _stories(a)
        _ack_form(ctx, int(a.id))


def _ack_form(ctx: context.PageContext, alert_id: int) -> None:
    with st.expander("Acknowledge"), st.form(f"ack_{alert_id}"):
        note = st.text_area(
            "Note (what was done)", key=f"ack_note_{alert_id}", max_chars=annotations.MAX_NOTE
        )
        email = auth.current_email()
        if email:
            st.caption(f"Saved as {email}")
            who = email
        else:
            who = st.text_input("Your name (recorded with it)", key=f"ack_by_{alert_id}")
        submitted = st.form_submit_button("Acknowledge", type="primary")
    if not submitted:
        return
    annotate.write(
        lambda: annotations.save_ack(ctx.cfg, alert_id, who, note),
        f"Acknowledged the alert as {(who or '').strip()}.",
        _FLASH,
    )


def _greyed(a, state: str) -> None:
    with st.container(border=True):
        badge = f":gray-badge[{'✓ acknowledged' if state == 'acknowledged' else 'withdrawn'}]"
        st.markdown(f":gray[**{a.day:%d %b %Y} · {widgets.topic_label(a.topic)}**] {badge}")
        if isinstance(a.acknowledged_by, str):
            note = f": {widgets.escape(a.ack_note)}" if isinstance(a.ack_note, str) else ""
            st.markdown(
                f":gray[Acknowledged by {widgets.escape(a.acknowledged_by)} on "
                f"{_when(a.acknowledged_at)}{note}]"
            )
        if pd.notna(a.withdrawn_at):
            why = a.withdrawn_reason if isinstance(a.withdrawn_reason, str) else WITHDRAWN
            st.markdown(
                f":gray[{widgets.escape(why[0].upper() + why[1:])} on {_when(a.withdrawn_at)}: "
                "the stories behind it no longer meet the alert rule.]"
            )
        st.caption(figures(a) + " " + widgets.escape(a.explanation))
        _stories(a)


def render() -> None:
    """Draw the Alerts page."""
    ctx = context.current()
    f = ctx.filters
    widgets.page_title("Alerts", ctx)
    said = st.session_state.pop(_FLASH, None)
    if said:
        st.success(said, icon=":material/check_circle:")
    df = queries.alerts(ctx.db, ctx.version, f.start, f.end, f.topics, include_withdrawn=True)
    df = df.assign(status=[status(a) for a in df.itertuples(index=False)])
    is_open = df["status"] == "open"
    acked = df["status"] == "acknowledged"
    st.caption(
        f"{int(is_open.sum())} open alerts from {f.start:%d %b %Y} to {f.end:%d %b %Y}"
        + (f" on {', '.join(widgets.topic_label(t) for t in f.topics)}" if f.topics else "")
        + f", newest first; {int(acked.sum())} acknowledged and "
        f"{int((~is_open & ~acked).sum())} withdrawn after corrections are listed below them. "
        "Figures follow the alert rule as the stories stand now, corrections included."
    )
    if df.empty:
        st.info("No alerts in this period.")
    for a in df[is_open].itertuples(index=False):
        _open(ctx, a)
    for title, rows in (
        ("Acknowledged", df[acked]),
        (WITHDRAWN.capitalize(), df[~is_open & ~acked]),
    ):
        if rows.empty:
            continue
        st.subheader(f"{title} ({len(rows)})")
        for a in rows.itertuples(index=False):
            _greyed(a, a.status)
    flat = df.assign(
        topic=df["topic"].map(widgets.topic_label),
        status=[
            (a.withdrawn_reason if isinstance(a.withdrawn_reason, str) else WITHDRAWN)
            if a.status == "withdrawn"
            else a.status
            for a in df.itertuples(index=False)
        ],
        stories=df["stories"].apply(lambda ss: " | ".join(s["title"] for s in ss)),
    )
    briefing.download(
        flat,
        briefing.file_name(
            "alerts", f.start, f.end, briefing.filter_parts(f, voices=False, kinds=False)
        ),
        COLUMNS,
        "csv_alerts",
    )


if __name__ == "__main__":  # st.Page runs this file as __main__
    render()
