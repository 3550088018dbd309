"""Review page: an analyst corrects a passage's topics, stances or voice; stored in `feedback`."""

from __future__ import annotations

import logging

import streamlit as st

from core.errors import WarehouseLockedError
from core.vocabulary import TOPICS, VOICES
from dashboard import auth, context, corrections, queries, widgets

logger = logging.getLogger(__name__)

PASSAGE_KEY = "passage"  # ?passage=<id> opens that passage (Stories links here)
_FLASH = "_review_flash"


def _pick_candidate() -> None:
    picked = st.session_state.get("candidate")
    if picked is not None:
        st.session_state[PASSAGE_KEY] = int(picked)


def _show(p: dict) -> None:
    with st.container(border=True):
        who = p["voice"] + (f" · {p['speaker']}" if isinstance(p["speaker"], str) else "")
        badges = (
            " ".join(
                f"{widgets.topic_label(t)} {widgets.stance_badge(label)}"
                for t, label in p["topics"].items()
            )
            or ":gray-badge[no topic]"
        )
        st.markdown(f":violet-badge[🗣 {widgets.escape(who)}] {badges}")
        st.markdown(
            widgets.escape(p["text"])
            if isinstance(p["text"], str)
            else "_text removed by the retention policy_"
        )
        st.caption(f"From “{widgets.escape(p['title'] or '')}” · passage {p['passage_id']}")
        st.page_link(
            "dashboard/stories.py",
            label="Open the story",
            query_params={"article": str(p["article_id"])},
            icon=":material/article:",
        )


def _form(ctx: context.PageContext, p: dict) -> None:
    pid = int(p["passage_id"])
    stances: dict[str, str] = {}
    removed: set[str] = set()
    with st.form(f"correct_{pid}"):
        voice = st.selectbox(
            "Voice (who is speaking)",
            VOICES,
            key=f"voice_{pid}",
            index=VOICES.index(p["voice"]) if p["voice"] in VOICES else 0,
        )
        for topic, label in p["topics"].items():
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            stances[topic] = left.selectbox(
                f"Stance on {widgets.topic_label(topic)}",
                corrections.STANCES,
                index=corrections.STANCES.index(label) if label in corrections.STANCES else 1,
                key=f"stance_{pid}_{topic}",
            )
            if right.checkbox("Remove topic", key=f"remove_{pid}_{topic}"):
                removed.add(topic)
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        new_topic = left.selectbox(
            "Add a topic",
            [t for t in TOPICS if t not in p["topics"]],
            index=None,
            key=f"add_{pid}",
            placeholder="(none)",
            format_func=widgets.topic_label,
        )
        new_stance = right.selectbox(
            "Its stance", corrections.STANCES, index=1, key=f"add_stance_{pid}"
        )
        email = auth.current_email()
        if email:
            st.caption(f"Saved as {email}")
            author = email
        else:
            author = st.text_input("Your name (recorded with the correction)", key="reviewer")
        submitted = st.form_submit_button("Save correction", type="primary")
    if not submitted:
        return
    try:
        changes = corrections.diff(
            p["topics"],
            p["voice"],
            stances,
            removed,
            {new_topic: new_stance} if new_topic else {},
            voice,
        )
        if not changes:
            st.warning("Nothing changed: pick a different stance, voice or topic first.")
            return
        saved = corrections.save(ctx.cfg, pid, changes, author)
    except corrections.CorrectionError as exc:
        st.error(str(exc))
        return
    except WarehouseLockedError:
        st.warning(
            "The nightly job is writing to the warehouse, so the correction was not "
            "saved. Press Save again in a minute."
        )
        return
    queries.clear(ctx.db)
    st.session_state[_FLASH] = (
        f"Saved {saved} correction{'s' if saved > 1 else ''} of passage "
        f"{pid}; every page and export now uses them."
    )
    st.rerun()


def render() -> None:
    """Draw the Review page."""
    ctx = context.current()
    widgets.page_title("Review", ctx)
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    st.caption(
        "Corrections override the model everywhere (pages, exports, alerts) and are used "
        "by `pcm train`. " + ctx.filters.describe()
    )
    candidates = queries.review_candidates(ctx.db, ctx.version, ctx.filters)
    labels = {
        int(r.passage_id): f"{r.worst:+.2f} · {r.title} — {str(r.text)[:90]}"
        for r in candidates.itertuples(index=False)
    }
    st.selectbox(
        "Pick a passage (most negative first, under the current filters)",
        list(labels),
        index=None,
        key="candidate",
        on_change=_pick_candidate,
        format_func=lambda i: labels.get(i, str(i)),
        placeholder="Choose a passage",
    )
    pid = st.number_input(
        "…or type a passage id",
        min_value=1,
        value=None,
        step=1,
        key=PASSAGE_KEY,
        bind="query-params",
    )
    widgets.csv_download(candidates, "review_candidates", "Download the passage list")
    if pid is None:
        st.info("Choose a passage to correct its topics, stances or voice.")
        return
    p = queries.passage(ctx.db, ctx.version, int(pid))
    if p is None:
        st.warning(f"There is no passage {int(pid)}.")
        return
    _show(p)
    _form(ctx, p)


if __name__ == "__main__":  # st.Page runs this file as __main__
    render()
