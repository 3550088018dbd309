"""Event annotations on the Trends page: the ones in the period, a form to add one, and removal.

Writes go through the single writer, as corrections do (warehouse/annotations.py), then the
cached reads are dropped so every chart draws the change at once.
"""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
import streamlit as st

from core.errors import WarehouseLockedError
from core.vocabulary import TOPICS
from dashboard import alerts_queries, auth, context, trends_queries, widgets
from warehouse import annotations

logger = logging.getLogger(__name__)

_FLASH = "_annotation_flash"
EVERY_TOPIC = "every topic"
LOCKED = "The nightly job is writing to the warehouse, so nothing was saved. Try again in a minute."


def forget_cached() -> None:
    """Drop the cached reads that annotations and acknowledgements change (not the snapshot)."""
    trends_queries.annotations.clear()
    alerts_queries.alerts.clear()


def _who(key: str) -> str:
    """The signed-in e-mail, else a name typed on the form (with this widget key)."""
    email = auth.current_email()
    if email:
        st.caption(f"Saved as {email}")
        return email
    return st.text_input("Your name (recorded with it)", key=key)


def flash() -> None:
    """Show what the last save did (once)."""
    said = st.session_state.pop(_FLASH, None)
    if said:
        st.success(said, icon=":material/check_circle:")


def panel(ctx: context.PageContext, shown: pd.DataFrame, default_day: date) -> None:
    """The annotations of the period, a form to add one, and a way to remove one.

    Args:
        ctx: the page context (config for the writer).
        shown: `queries.annotations` of the period.
        default_day: the day the form offers first.
    """
    with st.expander(f"Event annotations ({len(shown)} in this period)"):
        st.caption(
            "An annotation marks an event on every time chart (a dashed line with its label), "
            "e.g. “PEEL report published”. It applies to one topic or to every topic."
        )
        if not shown.empty:
            table = shown.assign(
                day=shown["day"].dt.date,
                topic=shown["topic"].map(
                    lambda t: EVERY_TOPIC if t is None else widgets.topic_label(t)
                ),
            )[["day", "topic", "label", "added_by"]]
            st.dataframe(table, hide_index=True, width="stretch")
        _add_form(ctx, default_day)
        if not shown.empty:
            _remove(ctx, shown)


def _add_form(ctx: context.PageContext, default_day: date) -> None:
    with st.form("add_annotation", clear_on_submit=False):
        left, right = st.columns([1, 1])
        day = left.date_input("Day", value=default_day, key="annotation_day", format="YYYY-MM-DD")
        topic = right.selectbox(
            "Topic",
            TOPICS,
            index=None,
            key="annotation_topic",
            placeholder=EVERY_TOPIC,
            format_func=widgets.topic_label,
        )
        label = st.text_input(
            "What happened",
            key="annotation_label",
            max_chars=annotations.MAX_LABEL,
            placeholder="PEEL report published",
        )
        who = _who("annotation_by")
        every_force = ctx.filters.force is not None and st.checkbox(
            "For every force",
            key="annotation_every_force",
            help=f"Off: the event belongs to {ctx.force_name} alone. On: it is drawn on every "
            "force's charts (a national report, say).",
        )
        submitted = st.form_submit_button("Add annotation", type="primary")
    if not submitted:
        return
    force = None if every_force else ctx.filters.force
    write(
        lambda: annotations.save_annotation(ctx.cfg, day, label, who, topic, force_id=force),
        f"Added “{' '.join(label.split())}” on {day:%d %b %Y}.",
    )


def _remove(ctx: context.PageContext, shown: pd.DataFrame) -> None:
    labels = {int(r.id): f"{r.day:%d %b %Y} · {r.text}" for r in shown.itertuples(index=False)}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = left.selectbox(
        "Remove an annotation",
        list(labels),
        index=None,
        key="annotation_remove",
        format_func=lambda i: labels.get(i, str(i)),
        placeholder="Choose one to remove",
    )
    if not right.button("Remove", key="annotation_remove_button", disabled=picked is None):
        return
    write(
        lambda: annotations.remove_annotation(ctx.cfg, int(picked)),
        f"Removed “{labels[int(picked)]}”.",
    )


def write(save, done: str, flash: str = _FLASH) -> None:
    """Run one dashboard write (an annotation, an acknowledgement); a refusal or a locked
    warehouse says so in one line, a write that went through clears the cached queries and
    reruns the page with `done` kept under the session key `flash` to be shown."""
    try:
        save()
    except annotations.AnnotationError as exc:
        st.error(str(exc))
        return
    except WarehouseLockedError:
        st.warning(LOCKED)
        return
    forget_cached()
    st.session_state[flash] = done
    st.rerun()
