"""Coverage page: share of voice (who drives coverage of the force, by outlet and by voice, with
the force's own words shown apart) and each topic's week or month against the one before and
the same period last year, judged by the one change rule."""

from __future__ import annotations

import logging

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import context, queries, widgets

logger = logging.getLogger(__name__)

# Chart text on white: #262730 is about 15:1 (WCAG AA asks 4.5:1 for text); marks at least 3:1.
TEXT = "#262730"
BAR = "#0072B2"
MAX_BARS = 12  # outlets or voices drawn in a chart; the table below it has them all
BAR_PX = 28  # height per bar, so that labels never overlap
PERIOD_PX = 13  # height per period in the comparison chart (three to a topic)
LABEL_PX = 140  # the longest axis label before it is cut with "…", so a phone keeps a plot

# The two grains the comparison offers, and how each names its three periods.
GRAINS = {"week": "This week", "month": "These 4 weeks"}
PERIODS = {
    "week": ("This week", "The week before", "Same week last year"),
    "month": ("These 4 weeks", "The 4 weeks before", "Same 4 weeks last year"),
}
# Each period's mark: colour (3:1 or more on white) and shape, so colour never works alone.
PERIOD_MARKS = (("#0072B2", "circle"), ("#555555", "square"), ("#B34700", "diamond"))
SHARES = ["stories_share", "critical_share", "favourable_share"]
PASSAGE_SHARES = [
    "passages_share",
    "passages_critical_share",
    "passages_favourable_share",
    "stories_share",
]
OUTLET_TONE = "Of the stances of the outlet's own stories on their topics."
VOICE_TONE = "Of the labels of the voice's passages on their topics."
VERDICT_ORDER = {"worsening": 0, "improving": 1, "no clear change": 2}
CRITICAL_MEANS = (
    "Critical and favourable count stances towards the force topic by topic: a story on two "
    "topics has a stance on each (as on the Stories page), a passage a label on each."
)


def _pct(value) -> str:
    """A share (0..1) as "41%"; "–" when there is nothing to take a share of."""
    return "–" if value is None or pd.isna(value) else f"{100 * value:.0f}%"


def _styled(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Dark text for titles, axes and legends (readable at AA contrast), no chart border."""
    return (
        chart.configure_axis(labelColor=TEXT, titleColor=TEXT, labelFontSize=12, titleFontSize=12)
        .configure_legend(labelColor=TEXT, titleColor=TEXT, labelFontSize=12, labelLimit=220)
        .configure_title(color=TEXT, fontSize=14, anchor="start")
        .configure_view(stroke=None)
    )


def _share_bars(df: pd.DataFrame, value: str, title: str, x_title: str, y_title: str):
    """Horizontal bars of a share (0..1) per `label`, biggest first, with the share written."""
    shown = df.head(MAX_BARS)
    base = alt.Chart(shown).encode(
        y=alt.Y(
            "label:N",
            sort="-x",
            title=y_title,
            axis=alt.Axis(labelLimit=LABEL_PX, labelOverlap=False),
        ),
        x=alt.X(f"{value}:Q", title=x_title, axis=alt.Axis(format="%", tickCount=4)),
        tooltip=[
            alt.Tooltip("label:N", title=y_title),
            alt.Tooltip(f"{value}:Q", title=x_title, format=".0%"),
        ],
    )
    bars = base.mark_bar(color=BAR)
    labels = base.mark_text(align="left", dx=3, color=TEXT).encode(
        text=alt.Text(f"{value}:Q", format=".0%")
    )
    chart = (bars + labels).properties(title=title, height=alt.Step(BAR_PX))
    return _styled(chart)


def _comparison_chart(long: pd.DataFrame, names: tuple[str, str, str], topics: list[str]):
    """Per topic, the share of critical stories in each of the three periods with its 95%
    interval: one row per topic, the periods side by side within it."""
    colours = alt.Scale(domain=list(names), range=[c for c, _ in PERIOD_MARKS])
    shapes = alt.Scale(domain=list(names), range=[s for _, s in PERIOD_MARKS])
    base = alt.Chart(long).encode(
        y=alt.Y(
            "label:N",
            sort=topics,
            title="Topic",
            axis=alt.Axis(labelLimit=LABEL_PX, labelOverlap=False),
        ),
        yOffset=alt.YOffset("period:N", sort=list(names)),
        color=alt.Color(
            "period:N",
            scale=colours,
            title=None,
            legend=alt.Legend(orient="bottom", direction="vertical"),
        ),
    )
    x_title = "Share of stories that were critical"
    whiskers = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("low:Q", title=x_title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        x2="high:Q",
    )
    points = base.mark_point(filled=True, size=70, opacity=1).encode(
        x="share:Q",
        shape=alt.Shape("period:N", scale=shapes, legend=None),
        tooltip=[
            alt.Tooltip("label:N", title="Topic"),
            alt.Tooltip("period:N", title="Period"),
            alt.Tooltip("stories:Q", title="Stories"),
            alt.Tooltip("share:Q", title="Critical", format=".0%"),
            alt.Tooltip("low:Q", title="95% interval from", format=".0%"),
            alt.Tooltip("high:Q", title="to", format=".0%"),
        ],
    )
    chart = (whiskers + points).properties(
        title=f"Critical stories: {names[0].lower()} and before",
        height=alt.Step(PERIOD_PX),
    )
    return _styled(chart)


def _outlets(rows: pd.DataFrame, f) -> None:
    """Share of stories per outlet, with how many of its stories were critical or favourable."""
    st.subheader("By outlet")
    if f.outlets:
        rows = rows[rows["member"].isin(f.outlets)]
    rows = rows.assign(label=rows["member"], copies=rows["carried"] - rows["stories"])
    own = rows[rows["stories"] > 0]
    if own.empty:
        st.info("No stories match these filters.")
        return
    st.altair_chart(
        _share_bars(
            own, "stories_share", "Share of stories by outlet", "Share of all stories", "Outlet"
        ),
        width="stretch",
    )
    shown = ["label", "stories", "stories_share", "critical_share", "favourable_share", "copies"]
    st.dataframe(
        _in_percent(rows, SHARES)[[*shown, "passages"]],
        hide_index=True,
        width="stretch",
        column_config={
            "label": st.column_config.TextColumn("Outlet"),
            "stories": st.column_config.NumberColumn("Stories", format="%d"),
            "stories_share": _share_column("Share of all stories"),
            "critical_share": _share_column("Critical", OUTLET_TONE),
            "favourable_share": _share_column("Favourable", OUTLET_TONE),
            "copies": st.column_config.NumberColumn(
                "Also ran",
                format="%d",
                help="Copies of other outlets' stories that it ran (not counted in Stories).",
            ),
            "passages": st.column_config.NumberColumn("Passages", format="%d"),
        },
    )


def _share_column(title: str, help_text: str | None = None):
    """A column of per cents (`_in_percent`) shown whole: "41%"; blank where there is none."""
    return st.column_config.NumberColumn(title, help=help_text, format="%.0f%%")


def _in_percent(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The shares (0..1) in `columns` as per cents (0..100), for `_share_column`."""
    return rows.assign(**{c: rows[c] * 100 for c in columns})


def _voices(rows: pd.DataFrame, f) -> None:
    """Share of passages per voice outside the force, and how critical each voice is."""
    st.subheader("By voice")
    rows = rows[rows["member"] != "force"]  # the force's own words are shown apart, below
    if f.voices:
        rows = rows[rows["member"].isin(f.voices)]
    if rows.empty:
        st.info("No voice outside the force speaks on a topic in these stories.")
        return
    rows = rows.assign(label=rows["member"].map(widgets.voice_label))
    st.altair_chart(
        _share_bars(
            rows,
            "passages_share",
            "Share of passages by voice",
            "Share of all passages",
            "Voice",
        ),
        width="stretch",
    )
    shown = ["label", "passages", "passages_share", "passages_critical_share"]
    st.dataframe(
        _in_percent(rows, PASSAGE_SHARES)[
            [*shown, "passages_favourable_share", "stories", "stories_share"]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "label": st.column_config.TextColumn("Voice"),
            "passages": st.column_config.NumberColumn("Passages", format="%d"),
            "passages_share": _share_column("Share of all passages"),
            "passages_critical_share": _share_column("Critical", VOICE_TONE),
            "passages_favourable_share": _share_column("Favourable", VOICE_TONE),
            "stories": st.column_config.NumberColumn("Stories heard in", format="%d"),
            "stories_share": _share_column(
                "Share of stories", "Of all stories: a story can quote several voices."
            ),
        },
    )


def _side(rows: pd.DataFrame, member: str) -> dict:
    found = rows[rows["member"] == member]
    return found.iloc[0].to_dict() if not found.empty else {}


def _own_words(sides: pd.DataFrame, external_only: bool) -> None:
    """The force's own words next to everyone else's: share of passages, tone, stories."""
    st.subheader("The force's own words, shown apart")
    left, right = st.columns(2)
    for column, member, label in (
        (left, "external", "Everyone else (external voices)"),
        (right, "force", "The force's own staff"),
    ):
        row = _side(sides, member)
        passages = int(row.get("passages", 0))
        column.metric(label, f"{_pct(row.get('passages_share'))} of passages")
        column.markdown(
            f"{passages:,} passages in {int(row.get('stories', 0)):,} stories; "
            f"{_pct(row.get('passages_critical_share'))} of them critical, "
            f"{_pct(row.get('passages_favourable_share'))} favourable."
            if passages
            else "No passages on a topic in these stories."
        )
    st.markdown(
        "External voices only is on: the force's own words are not counted in the shares above."
        if external_only
        else "External voices only is off: the shares above include the force's own words."
    )


def _share_of_voice(ctx, f) -> None:
    st.header("Share of voice")
    sov = queries.share_of_voice(ctx.db, ctx.version, f)
    chosen = sov[sov["voices"] == ("external" if f.external_only else "all")]
    if chosen.empty:
        st.info("No stories match these filters.")
        return
    first = chosen.iloc[0]
    outlets = chosen[(chosen["dimension"] == "outlet") & (chosen["stories"] > 0)]
    st.markdown(
        f"**{int(first['all_stories']):,} stories** from **{len(outlets):,} outlets**, "
        f"with **{int(first['all_passages']):,} passages** on a topic, from "
        f"{f.start:%d %b %Y} to {f.end:%d %b %Y}. {CRITICAL_MEANS}"
    )
    _outlets(chosen[chosen["dimension"] == "outlet"], f)
    _voices(chosen[chosen["dimension"] == "voice"], f)
    everyone = sov[(sov["voices"] == "all") & (sov["dimension"] == "side")]
    _own_words(everyone, f.external_only)
    widgets.csv_download(_sov_csv(chosen, everyone), "coverage_share_of_voice")


def _sov_csv(chosen: pd.DataFrame, sides: pd.DataFrame) -> pd.DataFrame:
    """The share-of-voice rows shown, with column names and members in words."""
    rows = pd.concat([chosen[chosen["dimension"] != "side"], sides], ignore_index=True)
    names = {"outlet": "Outlet", "voice": "Voice", "side": "Side"}
    sides_in_words = {"external": "External voices", "force": "The force's own staff"}
    member = [
        m if d == "outlet" else sides_in_words.get(m, m) if d == "side" else widgets.voice_label(m)
        for d, m in zip(rows["dimension"], rows["member"], strict=True)
    ]
    return pd.DataFrame(
        {
            "From": rows["period_start"],
            "To": rows["period_end"],
            "By": rows["dimension"].map(names),
            "Who": member,
            "Stories": rows["stories"],
            "Share of stories": rows["stories_share"].round(4),
            "Stances on topics": rows["stances"],
            "Critical stances": rows["critical"],
            "Favourable stances": rows["favourable"],
            "Passages": rows["passages"],
            "Share of passages": rows["passages_share"].round(4),
            "Passage labels on topics": rows["labels"],
            "Critical labels": rows["passages_critical"],
            "Favourable labels": rows["passages_favourable"],
            "Stories carried, with copies": rows["carried"],
        }
    )


def _period_text(stories, negative, share, low, high) -> str:
    """One period's evidence in words: "4 of 5 critical: 80% (95% interval 38–96%)"."""
    if not stories:
        return "no stories"
    return f"{int(negative)} of {int(stories)} critical: {_pct(share)} ({_pct(low)}–{_pct(high)})"


def _change_text(row) -> str:
    """The rule's verdict in words, with the change and its interval when it has one."""
    verdict = str(row["verdict"])
    if verdict == "no clear change":
        return f"No clear change: {row['reason']}"
    return (
        f"{verdict.capitalize()}: {100 * row['change']:+.0f} points "
        f"(95% interval {100 * row['change_low']:+.0f} to {100 * row['change_high']:+.0f})"
    )


def _comparison_tables(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """One row per topic: this period, the one before, the same one last year, and the two
    verdicts; topics that moved first, then the busiest. Also the topics in that order."""
    prev = rows[rows["compared_with"] == "previous"].set_index("topic")
    year = rows[rows["compared_with"] == "last year"].set_index("topic")
    both = prev.merge(year, left_index=True, right_index=True, suffixes=("", "_year"))
    both = both.assign(
        order=both["verdict"].map(VERDICT_ORDER),
        order_year=both["verdict_year"].map(VERDICT_ORDER),
    ).sort_values(["order", "order_year", "stories"], ascending=[True, True, False])
    table = pd.DataFrame(
        {
            "Topic": [widgets.topic_label(t) for t in both.index],
            "now": [
                _period_text(r.stories, r.negative, r.share, r.share_low, r.share_high)
                for r in both.itertuples()
            ],
            "before": [
                _period_text(r.base_stories, r.base_negative, r.base_share, r.base_low, r.base_high)
                for r in both.itertuples()
            ],
            "against_before": [_change_text(r) for _, r in prev.loc[both.index].iterrows()],
            "year": [
                _period_text(r.base_stories, r.base_negative, r.base_share, r.base_low, r.base_high)
                for r in year.loc[both.index].itertuples()
            ],
            "against_year": [_change_text(r) for _, r in year.loc[both.index].iterrows()],
        }
    )
    return table, list(both.index)


def _comparison_long(rows: pd.DataFrame, names: tuple[str, str, str]) -> pd.DataFrame:
    """The chart's points: each topic's share in each period that had stories."""
    prev = rows[rows["compared_with"] == "previous"]
    year = rows[rows["compared_with"] == "last year"]
    parts = [
        prev[["topic", "stories", "share", "share_low", "share_high"]].assign(period=names[0]),
        prev[["topic", "base_stories", "base_share", "base_low", "base_high"]].assign(
            period=names[1]
        ),
        year[["topic", "base_stories", "base_share", "base_low", "base_high"]].assign(
            period=names[2]
        ),
    ]
    columns = ["topic", "stories", "share", "low", "high", "period"]
    long = pd.concat([p.set_axis(columns, axis=1) for p in parts], ignore_index=True).query(
        "stories > 0"
    )
    return long.assign(label=long["topic"].map(widgets.topic_label))


def _period_comparison(ctx, f) -> None:
    st.header("Against the period before and last year")
    grain = (
        st.segmented_control(
            "Compare",
            list(GRAINS),
            format_func=GRAINS.get,
            default="week",
            key="compare",
            bind="query-params",
        )
        or "week"
    )
    names = PERIODS[grain]
    min_stories = ctx.cfg.alerts.min_stories
    df = queries.period_comparison(ctx.db, ctx.version, f, min_stories)
    rows = df[df["grain"] == grain]
    if rows.empty:
        st.info("No stories in these periods match these filters.")
        return
    first = rows.iloc[0]
    st.markdown(
        f"{names[0]}: {first['period_start']:%d %b} to {first['period_end']:%d %b %Y} (ending on "
        f"the last day of the date filter), against the {first['days']} days before it and the "
        f"same days 52 weeks earlier. Each period shows the share of its stories that were "
        f"critical, with a 95% interval (Wilson). The change is called worsening or improving "
        f"only when its 95% interval leaves out zero and there are at least {min_stories} "
        f"stories from at least 2 outlets, as on the Overview; otherwise no clear change."
    )
    table, topics = _comparison_tables(rows)
    long = _comparison_long(rows, names)
    if not long.empty:
        chart = _comparison_chart(long, names, [widgets.topic_label(t) for t in topics])
        st.altair_chart(chart, width="stretch")
    table.columns = ["Topic", names[0], names[1], "Against the period before", names[2],
                     "Against last year"]  # fmt: skip
    st.dataframe(table, hide_index=True, width="stretch")
    widgets.csv_download(table, f"coverage_{grain}_comparison")


def render() -> None:
    """Draw the Coverage page."""
    ctx = context.current()
    f = ctx.filters
    widgets.page_title("Coverage", ctx)
    st.markdown(
        "Who is driving coverage of the force, and how each topic compares with before. "
        + widgets.escape(f.describe())
    )
    _share_of_voice(ctx, f)
    _period_comparison(ctx, f)


if __name__ == "__main__":  # st.Page runs this file as __main__
    render()
