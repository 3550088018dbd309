"""The ground truth: every article on the sample site, made from the story plans for a given day."""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from core.vocabulary import LOCAL_TZ
from demo.site import stories_arcs, stories_background, stories_more, stories_other
from demo.site.cast import BY_KEY, OUTLET_BY_KEY, TOWNS, placeholders
from demo.site.plans import SEED, Opt, Plan

logger = logging.getLogger(__name__)

LONDON = LOCAL_TZ
NEWS_OUTLETS = ("gazette", "echo", "herald")
OPTIONAL_KEEP = 0.75  # chance an optional beat is kept
MIN_PARAGRAPHS = 4
SYNDICATED_COPIES = 8  # local stories republished elsewhere with small edits
CURLY_OUTLETS = ("gazette", "herald", "ledger")  # house style: typographic quotes
TRACKING = "?utm_source=rss&utm_medium=feed&utm_campaign=wexmoor"
INSPECTORATE_REPORT_SLUG = "peel-2025-27-wexmoor-constabulary"
OTHER_REPORT_SLUG = "peel-2025-27-northmere-police"

PLANS: tuple[Plan, ...] = (
    stories_arcs.PLANS
    + stories_background.PLANS
    + stories_other.PLANS
    + stories_more.PLANS
    + stories_more.MORE_PLANS
    + stories_other.IRRELEVANT
)


@dataclass(frozen=True)
class ArticleSpec:
    """One page of the sample site as the crawler should understand it (the ground truth)."""

    path: str  # URL path on the sample host, without query string
    outlet: str  # source name, as in config/sample.yaml
    outlet_key: str  # gazette | echo | herald | ledger | force | pcc | hmic
    source_kind: str
    title: str
    published: datetime  # aware (Europe/London)
    author: str | None
    paragraphs: tuple[str, ...]
    is_relevant: bool  # about Wexmoor's police; False = sport, weather, another force...
    duplicate_of: str | None  # path of the original when this is a syndicated copy
    topics: tuple[str, ...] = ()  # topics the story was written to cover
    arc: str | None = None  # peel_inspection | stop_and_search | precept | praise | None
    plan: str = ""  # story plan key
    date_form: str = "jsonld"  # how the page states its date (see pages.py)
    encoding: str = "utf-8"  # cp1252 for the one page served without a charset
    content_type: str = "text/html"  # application/pdf for the inspectorate report
    feed_query: str = ""  # tracking parameters added to this article's link in feeds

    @property
    def text(self) -> str:
        """The body as the extractor should return it: paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)


def slugify(text: str) -> str:
    """A URL slug: lower case words joined by hyphens.

    Args:
        text: a headline.

    Returns:
        At most eight words of ASCII letters and digits, joined by "-".
    """
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("’", ""))
    return "-".join(words[:8]) or "story"


def curly(text: str) -> str:
    """Typographic quotes: straight double quotes alternate open/close, apostrophes curl.

    Args:
        text: a paragraph with straight quotes.

    Returns:
        The paragraph with “ ” and ’.
    """
    out, opening = [], True
    for i, ch in enumerate(text):
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        elif ch == "'":
            # After a space or an opening mark it opens a quote; otherwise it is an apostrophe.
            out.append("‘" if i == 0 or text[i - 1] in " (“‘" else "’")
        else:
            out.append(ch)
    return "".join(out)


def _published(day: date, days_ago: int, rng: random.Random) -> datetime:
    # Stories from today are stamped in the small hours so that they are never in the future
    # for a nightly run (02:30) or a test run later in the day.
    hour = rng.randint(0, 1) if days_ago == 0 else rng.randint(6, 21)
    return datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=LONDON)


def _outlet_for(plan: Plan, index: int, rng: random.Random) -> str:
    if plan.outlets:
        return plan.outlets[index % len(plan.outlets)]
    if plan.family == "news":
        return NEWS_OUTLETS[(index + rng.randrange(3)) % 3]
    return {"force": "force", "pcc": "pcc", "national": "ledger"}[plan.family]


def _slots(plan: Plan, index: int, rng: random.Random) -> dict[str, str]:
    towns = list(TOWNS)
    rng.shuffle(towns)
    values = {"town": towns[0], "town2": towns[1]}
    for name, options in plan.slots.items():
        values[name] = options[index % len(options)]
    return values


def _paragraphs(plan: Plan, index: int, rng: random.Random, names: dict[str, str]) -> list[str]:
    keep = [not isinstance(beat, Opt) or rng.random() <= OPTIONAL_KEEP for beat in plan.beats]
    for i, _beat in enumerate(plan.beats):  # every article has at least MIN_PARAGRAPHS
        if sum(keep) >= MIN_PARAGRAPHS:
            break
        keep[i] = True
    # Variant k of every beat belongs to storyline k (and to title k), so one index is used
    # for the whole article: the lede, the quotes and the headline tell the same story.
    story = index % len(plan.titles)
    chosen = [beat[story % len(beat)] for beat, kept in zip(plan.beats, keep, strict=True) if kept]
    return [_capital(p.format_map(names)) for p in chosen]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _date_form(outlet: str, rng: random.Random) -> str:
    forms = {
        "gazette": ("jsonld", "jsonld", "jsonld_meta"),
        "echo": ("meta", "time", "meta"),
        "herald": ("url", "text", "time", "url"),
        "ledger": ("jsonld_utc",),
        "force": ("time",),
        "pcc": ("text",),
    }[outlet]
    return rng.choice(forms)


def _path(outlet: str, title: str, published: datetime, form: str, serial: int) -> str:
    slug, d = slugify(title), published
    if outlet == "gazette":
        return f"/gazette/news/{slug}-{100000 + serial * 37}"
    if outlet == "echo":
        return f"/echo/news/{d:%Y/%m/%d}/{slug}/"
    if outlet == "herald":
        if form in ("text", "none"):
            return f"/herald/story/{slug}/"
        return f"/herald/{d:%Y/%m/%d}/{slug}/"
    if outlet == "ledger":
        return f"/ledger/uk-news/{d:%Y}/{d:%b}/{d:%d}/{slug}".lower()
    if outlet == "force":
        return f"/force/news/article/{4000 + serial}/{slug}/"
    if outlet == "pcc":
        return f"/pcc/news/{slug}/"
    raise ValueError(f"unknown outlet {outlet!r}")


def _author(outlet: str, rng: random.Random) -> str | None:
    keys = OUTLET_BY_KEY[outlet].authors
    key = rng.choice(keys)
    return BY_KEY[key].name if key else None


def _make_plan_articles(today: date) -> list[ArticleSpec]:
    names = placeholders()
    out: list[ArticleSpec] = []
    serial = 0
    for plan in PLANS:
        for index, days_ago in enumerate(plan.when):
            rng = random.Random(f"{SEED}:{plan.key}:{index}")
            outlet = _outlet_for(plan, index, rng)
            values = {**names, **_slots(plan, index, rng)}
            title = _capital(plan.titles[index % len(plan.titles)].format_map(values))
            paragraphs = _paragraphs(plan, index, rng, values)
            if outlet in CURLY_OUTLETS:
                title, paragraphs = curly(title), [curly(p) for p in paragraphs]
            published = _published(today - timedelta(days=days_ago), days_ago, rng)
            form = _date_form(outlet, rng)
            serial += 1
            meta = OUTLET_BY_KEY[outlet]
            out.append(
                ArticleSpec(
                    path=_path(outlet, title, published, form, serial),
                    outlet=meta.name,
                    outlet_key=outlet,
                    source_kind=meta.kind,
                    title=title,
                    published=published,
                    author=_author(outlet, rng),
                    paragraphs=tuple(paragraphs),
                    is_relevant=plan.relevant,
                    duplicate_of=None,
                    topics=plan.topics,
                    arc=plan.arc,
                    plan=plan.key,
                    date_form=form,
                    feed_query=TRACKING if outlet in ("gazette", "ledger") and serial % 2 else "",
                )
            )
    return out


def _syndicate(original: ArticleSpec, target: str, rng: random.Random, serial: int) -> ArticleSpec:
    """A copy of `original` on `target` with a new headline, light edits and its own boilerplate."""
    meta = OUTLET_BY_KEY[target]
    paragraphs = list(original.paragraphs)
    # Light edits a sub-editor makes: the force's other name, a trimmed final paragraph.
    first = paragraphs[0]
    if "Wexmoor Constabulary" in first:
        first = first.replace("Wexmoor Constabulary", "Wexmoor Police", 1)
    elif "Wexmoor Police" in first:
        first = first.replace("Wexmoor Police", "Wexmoor Constabulary", 1)
    paragraphs[0] = first
    if len(paragraphs) > 5:
        paragraphs.pop()
    source_name = original.outlet
    paragraphs.append(f"This story was first published by the {source_name}.")
    title = original.title.rstrip(".")
    title = f"{title} | Wexmoor" if target == "ledger" else f"{title} - update"
    published = original.published + timedelta(minutes=rng.randint(40, 240))
    # A copy of one of today's small-hours stories stays in the small hours too.
    latest = original.published.replace(hour=1, minute=59)
    if original.published <= latest < published:
        published = latest
    form = _date_form(target, rng)
    return replace(
        original,
        path=_path(target, title, published, form, 900 + serial),
        outlet=meta.name,
        outlet_key=target,
        source_kind=meta.kind,
        title=title,
        published=published,
        author=_author(target, rng),
        paragraphs=tuple(paragraphs),
        duplicate_of=original.path,
        date_form=form,
        feed_query=TRACKING if target in ("gazette", "ledger") else "",
    )


def _copies(originals: list[ArticleSpec]) -> list[ArticleSpec]:
    rng = random.Random(f"{SEED}:syndication")
    pool = [a for a in originals if a.is_relevant and a.outlet_key in NEWS_OUTLETS]
    # Favour the arcs: syndication is what happens to the biggest stories.
    arc_pool = [a for a in pool if a.arc]
    picks = rng.sample(arc_pool, 5) + rng.sample([a for a in pool if not a.arc], 3)
    targets = {
        "gazette": ("echo", "ledger"),
        "echo": ("gazette", "herald"),
        "herald": ("gazette", "echo"),
    }
    copies = []
    for serial, original in enumerate(picks[:SYNDICATED_COPIES]):
        target = targets[original.outlet_key][serial % 2]
        if serial < 2:
            target = "ledger"  # the national outlet picks up two local stories
        copies.append(_syndicate(original, target, rng, serial))
    return copies


def _inspectorate(today: date) -> list[ArticleSpec]:
    hmic = OUTLET_BY_KEY["hmic"]
    day = today - timedelta(days=stories_arcs.PEEL_DAY)
    published = datetime.combine(day, time(0, 1), tzinfo=LONDON)
    pdf_paragraphs = []
    for heading, paras in stories_other.PEEL_PDF_SECTIONS:
        pdf_paragraphs.append(heading)
        pdf_paragraphs.extend(paras)
    base = dict(
        outlet=hmic.name,
        outlet_key="hmic",
        source_kind=hmic.kind,
        author=None,
        duplicate_of=None,
        arc=stories_arcs.PEEL,
        date_form="meta",
    )
    topics = ("victim_updates", "crime_prevention", "investigations", "value_for_money", "general")
    other_day = today - timedelta(days=stories_arcs.PEEL_DAY + 30)
    return [
        ArticleSpec(
            path=f"/hmic/publications/{INSPECTORATE_REPORT_SLUG}/",
            title=stories_other.PEEL_REPORT_TITLE,
            published=published,
            paragraphs=stories_other.PEEL_REPORT_SUMMARY,
            is_relevant=True,
            topics=topics,
            plan="hmic_report_page",
            **base,
        ),
        ArticleSpec(
            path=f"/hmic/publications/{INSPECTORATE_REPORT_SLUG}.pdf",
            title=stories_other.PEEL_REPORT_TITLE,
            published=published,
            paragraphs=tuple(pdf_paragraphs),
            is_relevant=True,
            topics=topics,
            plan="hmic_report_pdf",
            content_type="application/pdf",
            **base,
        ),
        ArticleSpec(
            path=f"/hmic/publications/{OTHER_REPORT_SLUG}/",
            title=stories_other.OTHER_REPORT_TITLE,
            published=datetime.combine(other_day, time(0, 1), tzinfo=LONDON),
            paragraphs=stories_other.OTHER_REPORT_SUMMARY,
            is_relevant=False,
            plan="hmic_other_report",
            **{**base, "arc": None},
        ),
    ]


def _special_pages(items: list[ArticleSpec]) -> list[ArticleSpec]:
    """Mark one Herald page as cp1252 with no charset, and one with no date anywhere."""
    herald = [
        a
        for a in items
        if a.outlet_key == "herald" and a.is_relevant and a.duplicate_of is None and not a.arc
    ]
    cp_page = next(a for a in herald if "£" in a.text and "’" in a.text)
    undated = next(
        a
        for a in herald
        if a is not cp_page and a.date_form == "url" and a.plan not in (cp_page.plan, "knife_crime")
    )
    out = []
    for a in items:
        if a is cp_page:
            a = replace(
                a, encoding="cp1252", date_form="text", path=f"/herald/story/{slugify(a.title)}/"
            )
        elif a is undated:
            a = replace(a, date_form="none", path=f"/herald/story/{slugify(a.title)}/")
        out.append(a)
    return out


def _unique_paths(items: list[ArticleSpec]) -> list[ArticleSpec]:
    seen: set[str] = set()
    out = []
    for a in items:
        path, n = a.path, 2
        while path in seen:
            stem = a.path.rstrip("/")
            ext = ".pdf" if stem.endswith(".pdf") else ""
            stem = stem.removesuffix(".pdf")
            path = f"{stem}-{n}{ext}" + ("/" if a.path.endswith("/") else "")
            n += 1
        seen.add(path)
        out.append(a if path == a.path else replace(a, path=path))
    # Copies point at their original's final path.
    renamed = {id(a): b.path for a, b in zip(items, out, strict=True)}
    by_old = {a.path: renamed[id(a)] for a in items if a.duplicate_of is None}
    return [
        replace(a, duplicate_of=by_old.get(a.duplicate_of, a.duplicate_of)) if a.duplicate_of else a
        for a in out
    ]


@lru_cache(maxsize=8)
def _articles(today: date) -> tuple[ArticleSpec, ...]:
    originals = _make_plan_articles(today)
    items = originals + _copies(originals)
    items = _special_pages(items)
    items = _unique_paths(items + _inspectorate(today))
    items.sort(key=lambda a: (a.published, a.path), reverse=True)
    logger.debug("sample site: %d articles for %s", len(items), today)
    return tuple(items)


def articles(today: date | None = None) -> list[ArticleSpec]:
    """Every article page (and the PDF report) on the sample site, newest first.

    Args:
        today: the build day; dates are relative to it (default: today's date in London).

    Returns:
        The ground truth: a list of `ArticleSpec`, deterministic for a given `today`.
    """
    if today is None:
        today = datetime.now(LONDON).date()
    return list(_articles(today))
