"""WCAG AA contrast of the charts' text: every chart the pages draw (Overview briefing, Trends by
week and by day, Coverage, Sources), read back from the pages, its every text colour measured
against the chart's background, and each chart drawn to SVG under a theme whose own text
colours fail AA, so that a colour the chart leaves to the theme is found."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pyarrow as pa
import pytest
import vl_convert as vlc
from dashboard_apptest import open_page, wire

from core.config import load_config
from dashboard import briefing_pdf, context, overview, overview_briefing, queries, topic_briefing
from dashboard.filters import Filters
from demo.synthetic import build_fixture
from warehouse.annotations import save_annotation

AA_TEXT = 4.5  # WCAG 2.1 AA, normal-size text
WHITE = "#FFFFFF"
# A theme's faded grey (1.6:1 on white): any text drawn in it was left to the theme.
PALE = "#CCCCCC"
PALE_THEME = {
    "axis": {"labelColor": PALE, "titleColor": PALE},
    "legend": {"labelColor": PALE, "titleColor": PALE},
    "title": {"color": PALE, "subtitleColor": PALE},
    "header": {"labelColor": PALE, "titleColor": PALE},
    "mark": {"color": PALE},
    "text": {"color": PALE},
}
# The config keys whose text Streamlit's chart theme colours (its faded grey) unless the chart
# sets them: (config section, property).
THEMED = [
    ("axis", "labelColor"),
    ("axis", "titleColor"),
    ("legend", "labelColor"),
    ("legend", "titleColor"),
    ("title", "color"),
]
TEXT_KEYS = ("labelColor", "titleColor", "subtitleColor", "color")
# Where a spec's text colours sit: config sections, and axis/legend/title/header objects.
TEXT_OWNERS = re.compile(r"^(axis\w*|legend|title|header\w*)$")
# The pages' charts: (page, query parameters, the fewest charts it must draw).
PAGES = [
    ("trends", {"topic": ["road_safety"]}, 1),
    ("trends", {}, 1),
    ("trends", {"topic": ["road_safety"], "grain": "day"}, 1),
    ("trends", {"topic": ["road_safety", "general"], "grain": "day", "split": "voice"}, 2),
    ("coverage", {}, 3),
    ("sources", {}, 1),
    ("alerts", {}, 0),
    ("stories", {}, 0),
    ("review", {}, 0),
    (None, {}, 0),  # the Overview draws its chart in the briefing (below)
]
NAMED = {"black": "#000000", "white": "#FFFFFF"}


def _rgb(colour: str) -> tuple[float, float, float, float]:
    """(r, g, b) in 0..255 and alpha in 0..1 of "#rgb", "#rrggbb", "rgb(...)" or a name."""
    c = NAMED.get(colour.strip().lower(), colour.strip())
    if re.fullmatch(r"#[0-9a-fA-F]{3}", c):
        c = "#" + "".join(ch * 2 for ch in c[1:])
    if re.fullmatch(r"#[0-9a-fA-F]{6}", c):
        return (int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16), 1.0)
    m = re.fullmatch(r"rgba?\(([^)]*)\)", c)
    assert m, f"a colour this test cannot read: {colour!r}"
    parts = [float(x) for x in m.group(1).replace("/", ",").split(",")]
    return (*parts[:3], parts[3] if len(parts) > 3 else 1.0)


def _luminance(rgb) -> float:
    lin = [
        x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4
        for x in (v / 255 for v in rgb[:3])
    ]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(text: str, background: str = WHITE, opacity: float = 1.0) -> float:
    """WCAG contrast ratio of a text colour (blended by its opacity) on a background."""
    bg = _rgb(background)
    fg = _rgb(text)
    alpha = fg[3] * opacity
    blended = [fg[i] * alpha + bg[i] * (1 - alpha) for i in range(3)]
    a, b = _luminance(blended), _luminance(bg)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def test_contrast_matches_wcag_reference_values():
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#777777") == pytest.approx(4.48, abs=0.01)  # the classic "just fails"
    assert contrast("#31333F") == pytest.approx(12.6, abs=0.1)
    assert contrast("rgb(0, 0, 0)", opacity=0.5) == pytest.approx(3.95, abs=0.05)


def background(spec: dict) -> str:
    """The chart's background: its config's or its own, else white (Streamlit's light theme)."""
    return spec.get("background") or spec.get("config", {}).get("background") or WHITE


def _views(spec: dict):
    """Every view and sub-view of a spec (layers, concatenations, facets)."""
    yield spec
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for part in spec.get(key) or []:
            yield from _views(part)
    if isinstance(spec.get("spec"), dict):
        yield from _views(spec["spec"])


def _text_mark_colours(spec: dict) -> list[tuple[str, str | None]]:
    """(where, colour) of every text mark; None where the colour is left to a theme."""
    config = spec.get("config", {})
    default = config.get("text", {}).get("color")
    out = []
    for i, view in enumerate(_views(spec)):
        mark = view.get("mark")
        kind = mark.get("type") if isinstance(mark, dict) else mark
        if kind != "text":
            continue
        own = mark.get("color") or mark.get("fill") if isinstance(mark, dict) else None
        encoded = view.get("encoding", {}).get("color") or view.get("encoding", {}).get("fill")
        if encoded and "value" in encoded:
            own = encoded["value"]
        elif encoded:  # colours from a scale: each must be readable
            for colour in encoded.get("scale", {}).get("range") or [None]:
                out.append((f"view {i}: text mark colour scale", colour))
            continue
        out.append((f"view {i}: text mark", own or default))
    return out


def text_colours(spec: dict) -> list[tuple[str, str | None]]:
    """(where, colour) of every text colour a chart spec sets, walking the whole spec: the
    config's axis, legend, title and header sections, any axis, legend, title or header of an
    encoding or view, and every text mark."""
    out: list[tuple[str, str | None]] = []

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, dict) and TEXT_OWNERS.match(key):
                    out.extend(
                        (f"{path}/{key}.{k}", value[k])
                        for k in TEXT_KEYS
                        if isinstance(value.get(k), str)
                    )
                if key not in ("data", "datasets"):
                    walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(spec, "")
    return out + _text_mark_colours(spec)


def missing_colours(spec: dict) -> list[str]:
    """The text a theme would colour because the spec leaves it: Streamlit's themed keys, the
    subtitle and headers when there are some, and text marks without a colour."""
    config = spec.get("config", {})
    missing = [f"config.{s}.{k}" for s, k in THEMED if not config.get(s, {}).get(k)]
    titles = [v.get("title") for v in _views(spec)]
    subtitled = any(isinstance(t, dict) and t.get("subtitle") for t in titles)
    if subtitled and not config.get("title", {}).get("subtitleColor"):
        missing.append("config.title.subtitleColor")
    faceted = any(k in v for v in _views(spec) for k in ("facet", "row", "column"))
    if faceted and not all(config.get("header", {}).get(k) for k in ("labelColor", "titleColor")):
        missing.append("config.header")
    missing += [where for where, colour in _text_mark_colours(spec) if colour is None]
    return missing


def _records(data: bytes) -> list[dict]:
    """A chart dataset as Streamlit sends it (Arrow IPC) as JSON rows."""
    frame = pa.ipc.open_stream(data).read_all().to_pandas()
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def _page_spec(chart) -> dict:
    """A chart element's Vega-Lite spec with its data put back in (Streamlit sends the data
    apart, as Arrow)."""
    spec = json.loads(chart.proto.spec)
    named = {d.name: _records(d.data.data) for d in chart.proto.datasets if d.data.data}
    if named:
        spec["datasets"] = {**spec.get("datasets", {}), **named}
    if chart.proto.HasField("data") and chart.proto.data.data:
        spec["data"] = {"values": _records(chart.proto.data.data)}
    return spec


def _deep_merge(under: dict, over: dict) -> dict:
    out = dict(under)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def drawn_text(spec: dict) -> list[tuple[str, str, float]]:
    """(text, fill, opacity) of every piece of text the chart draws, from vl-convert's SVG, with
    the pale theme under the chart's own config (as Streamlit lays its theme under it)."""
    themed = dict(spec, config=_deep_merge(PALE_THEME, spec.get("config", {})))
    svg = ET.fromstring(vlc.vegalite_to_svg(json.dumps(themed)))
    out = []
    for el in svg.iter("{http://www.w3.org/2000/svg}text"):
        words = "".join(el.itertext()).strip()
        opacity = float(el.get("opacity", 1)) * float(el.get("fill-opacity", 1))
        if words and opacity > 0:
            out.append((words, el.get("fill", "#000000"), opacity))
    return out


@pytest.fixture(scope="module")
def wired(tmp_path_factory):
    """A fixture warehouse wired into the app, with an event annotation in range so that the
    annotations' text is drawn too."""
    built = build_fixture(tmp_path_factory.mktemp("contrast"))
    mp = pytest.MonkeyPatch()
    fx = wire(built, tmp_path_factory.mktemp("contrast-app"), mp)
    cfg = load_config(str(fx.config), environ={"PCM_DB": str(fx.db)})
    save_annotation(cfg, fx.end_day - timedelta(days=3), "PEEL report published", "Pat")
    yield fx, cfg
    mp.undo()


@pytest.fixture(scope="module")
def briefing_specs(wired):
    """The charts the Overview's and a topic's briefing draw (as PNG), as specs."""
    fx, cfg = wired
    version, _ = queries.data_version(str(fx.db))
    f = Filters(start=fx.end_day - timedelta(days=89), end=fx.end_day)
    ctx = context.PageContext(cfg=cfg, db=str(fx.db), version=version, filters=f)
    drawn: list[dict] = []

    def keep(chart, scale=2.0) -> bytes:
        drawn.append(chart.to_dict())
        return b""

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(briefing_pdf, "chart_png", keep)
        df = overview.cards(ctx)
        overview_briefing.build(ctx, df, overview.needs_attention(df), f.end - timedelta(days=6))
        topic_briefing.build(ctx, "road_safety")
    return {f"briefing chart {i}": spec for i, spec in enumerate(drawn)}


@pytest.fixture(scope="module")
def page_specs(wired):
    """Every chart each page draws, read back from AppTest."""
    specs = {}
    for page, params, fewest in PAGES:
        charts = open_page(page, **params).get("vega_lite_chart")
        assert len(charts) >= fewest, (page, params, len(charts))
        for i, chart in enumerate(charts):
            specs[f"{page or 'overview'} {params} chart {i}"] = _page_spec(chart)
    return specs


@pytest.fixture(scope="module")
def all_specs(page_specs, briefing_specs):
    specs = page_specs | briefing_specs
    assert len(briefing_specs) == 2
    for name, spec in specs.items():  # every time chart draws the annotation's text
        if name.startswith(("trends", "briefing")):
            assert "PEEL report published" in json.dumps(spec), name
    return specs


def test_every_chart_sets_its_text_colours(all_specs):
    for name, spec in all_specs.items():
        assert not missing_colours(spec), (name, missing_colours(spec))


def test_every_text_colour_in_every_chart_spec_meets_aa(all_specs):
    measured = 0
    for name, spec in all_specs.items():
        bg = background(spec)
        for where, colour in text_colours(spec):
            assert colour is not None, (name, where)
            ratio = contrast(colour, bg)
            assert ratio >= AA_TEXT, f"{name} {where}: {colour} on {bg} is {ratio:.2f}:1"
            measured += 1
    assert measured >= 5 * len(all_specs)


def test_every_drawn_text_meets_aa_under_a_pale_theme(all_specs):
    for name, spec in all_specs.items():
        bg = background(spec)
        drawn = drawn_text(spec)
        assert drawn, name
        for words, fill, opacity in drawn:
            ratio = contrast(fill, bg, opacity)
            assert ratio >= AA_TEXT, f"{name}: {words!r} in {fill} on {bg} is {ratio:.2f}:1"
