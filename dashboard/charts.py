"""Altair charts, readable on a laptop; colour never carries meaning alone (shapes, dashes)."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

import altair as alt
import pandas as pd

logger = logging.getLogger(__name__)

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#000000",
    "#F0E442",
    "#999999",
]
SHAPES = [
    "circle",
    "square",
    "triangle-up",
    "diamond",
    "cross",
    "triangle-down",
    "wedge",
    "stroke",
    "arrow",
]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2], [4, 4], [1, 3], [10, 4], [3, 1, 1, 1], [5, 1]]
# Stance colours: blue for positive, orange for negative, grey for neutral; always with a label
# or a marker shape as well, never red against green.
STANCE_COLOURS = {
    "positive": "#0072B2",
    "negative": "#E69F00",
    "neutral": "#999999",
    "mixed": "#CC79A7",
}
HEIGHT = 260
ANNOTATION_COLOUR = "#333333"  # event annotations: dark grey (12.6:1 on white), dashed, with text
DAY_MS = 86_400_000
# Axis, legend, header, title and mark text: the page's own text colour, 12.5:1 on white
# (WCAG AA asks 4.5:1; Streamlit's default grey axis labels measured about 3.7:1). Every text
# colour is set here, so that no theme (Streamlit's included) picks one; the background too.
TEXT_COLOUR = "#31333F"
BACKGROUND = "#FFFFFF"
# The selection a click on a weekly point makes: the Trends page opens that week's stories.
WEEK_PICK = "week_pick"


def readable(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """A top-level chart on white with every text colour explicit, in the page's text colour:
    axis, legend and header labels and titles, the title and subtitle, and text marks that set
    no colour of their own (the annotations set theirs)."""
    return (
        chart.configure(background=BACKGROUND)
        .configure_axis(labelColor=TEXT_COLOUR, titleColor=TEXT_COLOUR, labelFontSize=12)
        .configure_legend(labelColor=TEXT_COLOUR, titleColor=TEXT_COLOUR, labelFontSize=12)
        .configure_header(labelColor=TEXT_COLOUR, titleColor=TEXT_COLOUR)
        .configure_title(color=TEXT_COLOUR, subtitleColor=TEXT_COLOUR)
        .configure_text(color=TEXT_COLOUR)
    )


def _time_axis(days: tuple | None) -> alt.X:
    """The shared time axis: whole days only, over the filter's date range when given."""
    scale = alt.Undefined
    if days:
        # Half a day either side, so that the first and last days' marks are not cut in half.
        first = datetime.combine(days[0], time(0)) - timedelta(hours=12)
        last = datetime.combine(days[1], time(0)) + timedelta(hours=12)
        scale = alt.Scale(domain=[first.isoformat(), last.isoformat()])
    return alt.X(
        "day:T",
        title=None,
        scale=scale,
        axis=alt.Axis(format="%d %b", labelAngle=0, tickMinStep=DAY_MS),
    )


def _series_scale(values: list[str]) -> dict:
    n = len(values)
    return {
        "color": alt.Scale(domain=values, range=(PALETTE * (n // len(PALETTE) + 1))[:n]),
        "shape": alt.Scale(domain=values, range=(SHAPES * (n // len(SHAPES) + 1))[:n]),
        "dash": alt.Scale(domain=values, range=(DASHES * (n // len(DASHES) + 1))[:n]),
    }


def annotation_layers(annotations: pd.DataFrame | None, label: bool = True) -> list[alt.Chart]:
    """Event annotations as vertical rules at their day, each with its text at the top.

    Args:
        annotations: rows of `queries.annotations` (day, text, added_by); None or empty: none.
        label: write the text beside the rule (the volume bars below only get the rule).

    Returns:
        Layers to add to a time chart whose x axis is a date (empty when there is nothing).
    """
    if annotations is None or annotations.empty:
        return []
    marks = annotations[["day", "text", "added_by"]]
    tooltip = [
        alt.Tooltip("day:T", format="%d %b %Y", title="day"),
        alt.Tooltip("text:N", title="event"),
        alt.Tooltip("added_by:N", title="added by"),
    ]
    base = alt.Chart(marks).encode(x="day:T")
    layers = [
        base.mark_rule(color=ANNOTATION_COLOUR, strokeDash=[5, 3], strokeWidth=1.5).encode(
            tooltip=tooltip
        )
    ]
    if label:
        layers.append(
            base.mark_text(
                align="left", baseline="top", dx=4, dy=4, fontSize=11, color=ANNOTATION_COLOUR
            ).encode(y=alt.value(0), text="text:N", tooltip=tooltip)
        )
    return layers


def trend_chart(
    df: pd.DataFrame,
    alerts: pd.DataFrame,
    series: str,
    title: str,
    days: tuple | None = None,
    annotations: pd.DataFrame | None = None,
) -> alt.Chart:
    """Rolling 7-day net score per series with its uncertainty band and alert markers.

    Args:
        df: rows of `queries.daily` (day, rolling_net, low, high, rolling_passages and `series`).
        alerts: rows of `queries.alerts` for the same topics (day, topic, explanation).
        series: the column that tells the lines apart ("topic" or "grp").
        title: the chart title.
        days: the date range of the x axis.
        annotations: event annotations (`annotation_layers`), drawn as labelled rules.

    Returns:
        A layered Altair chart: band, line with point shapes, zero rule, alert triangles,
        annotations.
    """
    values = sorted(df[series].astype(str).unique().tolist())
    scales = _series_scale(values)
    base = alt.Chart(df).encode(x=_time_axis(days))
    colour = alt.Color(
        f"{series}:N",
        scale=scales["color"],
        title=None,
        legend=alt.Legend(orient="bottom", columns=4),
    )
    band = base.mark_area(opacity=0.15).encode(y=alt.Y("low:Q"), y2="high:Q", color=colour)
    line = base.mark_line(strokeWidth=2).encode(
        y=alt.Y("rolling_net:Q", title="net score (7-day)", scale=alt.Scale(domain=[-1, 1])),
        color=colour,
        strokeDash=alt.StrokeDash(f"{series}:N", scale=scales["dash"], legend=None),
    )
    points = base.mark_point(filled=True, size=28).encode(
        y="rolling_net:Q",
        color=colour,
        shape=alt.Shape(f"{series}:N", scale=scales["shape"], legend=None),
        tooltip=[
            alt.Tooltip("day:T", format="%d %b %Y"),
            f"{series}:N",
            alt.Tooltip("rolling_net:Q", format="+.2f", title="net (7-day)"),
            alt.Tooltip("low:Q", format="+.2f"),
            alt.Tooltip("high:Q", format="+.2f"),
            alt.Tooltip("rolling_passages:Q", title="passages (7-day)"),
        ],
    )
    zero = (
        alt.Chart(pd.DataFrame({"y": [0]}))
        .mark_rule(color="#555", strokeDash=[3, 3])
        .encode(y="y:Q")
    )
    layers = [band, line, points, zero, *_alert_layers(alerts), *annotation_layers(annotations)]
    return alt.layer(*layers).properties(title=title, height=HEIGHT)


def _alert_layers(alerts: pd.DataFrame) -> list[alt.Chart]:
    """Alert days as triangles at the top of the trend chart, with a dotted rule."""
    layers: list[alt.Chart] = []
    if not alerts.empty:
        marks = alerts.assign(y=0.93, label="alert")
        layers.append(
            alt.Chart(marks)
            .mark_point(
                shape="triangle-down",
                size=140,
                filled=True,
                color="#D55E00",
                stroke="#000",
                strokeWidth=0.8,
            )
            .encode(
                x="day:T",
                y="y:Q",
                tooltip=[
                    alt.Tooltip("day:T", format="%d %b %Y"),
                    "topic:N",
                    "kind:N",
                    alt.Tooltip("explanation:N", title="why"),
                ],
            )
        )
        layers.append(
            alt.Chart(alerts).mark_rule(color="#D55E00", strokeDash=[2, 4]).encode(x="day:T")
        )
    return layers


def volume_chart(
    df: pd.DataFrame,
    series: str,
    days: tuple | None = None,
    annotations: pd.DataFrame | None = None,
) -> alt.Chart | alt.LayerChart:
    """Daily passage counts as stacked bars, one colour per series (same colours as the lines),
    with the annotations' rules (their text is on the chart above)."""
    values = sorted(df[series].astype(str).unique().tolist())
    scales = _series_scale(values)
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=_time_axis(days),
            y=alt.Y("sum(passages):Q", title="passages a day"),
            color=alt.Color(
                f"{series}:N",
                scale=scales["color"],
                title=None,
                legend=alt.Legend(orient="bottom", columns=4),
            ),
            tooltip=[
                alt.Tooltip("day:T", format="%d %b %Y"),
                f"{series}:N",
                "passages:Q",
                "articles:Q",
            ],
        )
        .properties(height=120)
    )
    rules = annotation_layers(annotations, label=False)
    return alt.layer(bars, *rules).properties(height=120) if rules else bars


def trend_and_volume(
    df: pd.DataFrame,
    alerts: pd.DataFrame,
    series: str,
    title: str,
    days: tuple | None = None,
    annotations: pd.DataFrame | None = None,
) -> alt.VConcatChart:
    """The trend chart above the volume bars, sharing the time axis and the colours; event
    annotations are drawn on both."""
    return readable(
        alt.vconcat(
            trend_chart(df, alerts, series, title, days, annotations),
            volume_chart(df, series, days, annotations),
            spacing=8,
        ).resolve_scale(x="shared", color="shared")
    )


def weekly_share_chart(
    df: pd.DataFrame, title: str, annotations: pd.DataFrame | None = None
) -> alt.LayerChart:
    """Each topic's weekly share of negative stories, with its 95% interval; a week without
    stories is a gap in the line, never a zero.

    Args:
        df: rows of `queries.weekly` with a `label` column (the topic as people read it).
        title: the chart title.
        annotations: event annotations (`annotation_layers`), drawn at their day.

    Returns:
        A layered Altair chart: interval band, line (broken at empty weeks), points sized by
        the week's stories, annotations.
    """
    values = sorted(df["label"].astype(str).unique().tolist())
    scales = _series_scale(values)
    shown = df.assign(line=df["label"].astype(str) + "/" + df["segment"].astype(str))
    base = alt.Chart(shown).encode(
        x=alt.X("week:T", title="week starting", axis=alt.Axis(format="%d %b", labelAngle=0))
    )
    colour = alt.Color(
        "label:N", scale=scales["color"], title=None, legend=alt.Legend(orient="bottom", columns=3)
    )
    with_stories = "datum.stories > 0"
    band = (
        base.transform_filter(with_stories)
        .mark_area(opacity=0.18)
        .encode(y=alt.Y("share_low:Q"), y2="share_high:Q", color=colour, detail="line:N")
    )
    line = (
        base.transform_filter(with_stories)
        .mark_line(strokeWidth=2)
        .encode(
            y=alt.Y(
                "share:Q",
                title="share of stories that were negative",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=colour,
            detail="line:N",
            strokeDash=alt.StrokeDash("label:N", scale=scales["dash"], legend=None),
        )
    )
    points = (
        base.transform_filter(with_stories)
        .mark_point(filled=True)
        .encode(
            y="share:Q",
            color=colour,
            shape=alt.Shape("label:N", scale=scales["shape"], legend=None),
            size=alt.Size(
                "stories:Q", title="stories", legend=None, scale=alt.Scale(range=[20, 200])
            ),
            tooltip=[
                alt.Tooltip("week:T", format="%d %b %Y", title="week starting"),
                alt.Tooltip("label:N", title="topic"),
                alt.Tooltip("stories:Q"),
                alt.Tooltip("negative:Q", title="negative stories"),
                alt.Tooltip("share:Q", format=".0%", title="share negative"),
                alt.Tooltip("share_low:Q", format=".0%", title="95% interval from"),
                alt.Tooltip("share_high:Q", format=".0%", title="to"),
                alt.Tooltip("outlets:Q"),
            ],
        )
        .add_params(alt.selection_point(name=WEEK_PICK, fields=["topic", "week"], on="click"))
    )
    return readable(
        alt.layer(band, line, points, *annotation_layers(annotations)).properties(
            title=title, height=280
        )
    )


def errors_chart(df: pd.DataFrame) -> alt.Chart:
    """Crawl errors per source, stacked by reason (with the count as a label in the tooltip)."""
    reasons = sorted(df["reason"].unique().tolist())
    scales = _series_scale(reasons)
    return readable(
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("source:N", title=None, sort="-x"),
            x=alt.X("sum(errors):Q", title="errors"),
            color=alt.Color("reason:N", scale=scales["color"], legend=alt.Legend(orient="bottom")),
            tooltip=["source:N", "reason:N", "errors:Q", "example_url:N"],
        )
        .properties(height=max(120, 26 * df["source"].nunique()))
    )
