"""`pcm analyse`: score one document (HTML or plain text) without a database."""

from __future__ import annotations

import logging
import re

from core.vocabulary import TOPICS
from passages.article_voice import split_title
from passages.force_target import FORCE as FORCE_TARGET
from passages.force_target import NONE as NONE_TARGET
from passages.force_target import ForceTargeter
from passages.segment import segment_article
from pcm.force_attribution import ForceSet
from sentiment.confidence_model import ConfidenceModel, load_model
from sentiment.stance_rules import apply_to_passages
from warehouse.article_stance import article_stances

logger = logging.getLogger(__name__)

# A document is HTML when it starts with a tag or declares itself; plain text that merely
# contains some markup is analysed as text (its markup passages are skipped as garbage).
HTML_HINT = re.compile(r"^\s*(?:\ufeff)?\s*<|<\s*(?:!doctype|html|body)\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """True when the document is HTML rather than plain text."""
    return bool(HTML_HINT.search(text[:5000]))


def document_text(document: str | bytes) -> tuple[str | None, str]:
    """(title, body text with blank-line paragraphs) of an HTML or plain-text document."""
    if isinstance(document, bytes):
        raw = document
        document = document.decode("utf-8", errors="replace")
    else:
        raw = None
    if not looks_like_html(document):
        return None, document
    try:
        from crawler.extract import extract_article
    except ImportError:  # the crawler package is optional here
        extract_article = None
    if extract_article is not None:
        extracted = extract_article(raw if raw is not None else document, None)
        if extracted is not None:
            return extracted.title, extracted.text
        logger.info("the crawler's extraction found no article; using trafilatura's text")
    import trafilatura

    text = trafilatura.extract(document, include_comments=False) or ""
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    return None, "\n\n".join(paragraphs)


def analyse_document(
    document: str | bytes,
    cfg=None,
    model: ConfidenceModel | None = None,
    title: str | None = None,
    source_kind: str | None = None,
) -> dict:
    """Passages, voices, targets, topics and stance of one document (`pcm analyse --json`).

    Args:
        document: HTML or plain text (paragraphs separated by a blank line), str or bytes.
            A plain-text document whose first line reads as a headline gets it as its title.
        cfg: the config (`force.people` and `force.aliases` name speakers and the force), or
            None.
        model: a loaded model (default: `load_model(cfg.model)`).
        title: the title to report (default: the one extracted from HTML or the first line).
        source_kind: the kind of source that published it (`force_statement`, ...): on a
            statement page the narration is the publisher's voice.

    Returns:
        {"title", "model": {"name", "version"}, "topics": [{"topic", "score", "stance",
        "passages", "external": {"score", "stance", "passages"} | None}], "passages":
        [{"index", "paragraph", "text", "voice", "speaker", "target", "headline",
        "skipped", "truncated", "uncertain", "stance_rule", "topics": [{"topic", "label", "score",
        "p_positive", "p_neutral", "p_negative", "topic_prob", "uncertain"}]}]}. Article
        topics count only passages whose target is the configured force; `external` counts
        every voice but the force's own. Topics follow `core.config.TOPICS`; scores are
        rounded to 4 decimals.
    """
    model = model or load_model(cfg.model if cfg is not None else None)
    found_title, text, headline = _titled_text(document)
    people = list(cfg.force.people) if cfg is not None else []
    aliases = cfg.force.names if cfg is not None else []
    segments = segment_article(text, people, aliases, source_kind, headline)
    results = model.score_passages(
        [s.text for s in segments],
        articles=[0] * len(segments),
        headlines=[headline and s.paragraph == 0 for s in segments],
    )
    apply_to_passages(
        results,
        [s.text for s in segments],
        [s.voice for s in segments],
        model.stance_rules,
    )
    tally = _Tally()
    passages = _passages(segments, results, _targeter(cfg, segments), headline, tally)
    return {
        "title": title if title is not None else found_title,
        "model": {"name": model.name, "version": model.version},
        "topics": tally.article_topics(),
        "passages": passages,
    }


def _titled_text(document: str | bytes) -> tuple[str | None, str, bool]:
    """(title, text to segment, whether the text starts with the headline as paragraph 0)."""
    found_title, text = document_text(document)
    headline = False
    if found_title is None:
        found_title, text = split_title(text)
        headline = found_title is not None
    elif found_title.strip():
        text = f"{found_title.strip()}\n\n{text}"  # the headline is scored as a headline
        headline = True
    return found_title, text, headline


class _NotAboutTheForce:
    """The targeter of a document that does not concern the force read for: every passage's
    target is `none`, as the warehouse's scoring reads an article its forces do not name."""

    def target(self, text: str, has_topics: bool, previous: str | None = None) -> str:
        return NONE_TARGET


def _targeter(cfg, segments=()) -> ForceTargeter | _NotAboutTheForce:
    """Who each passage is about: the configured force (name, aliases, area), or none. With
    several forces in the config, a document that does not name the force read for
    (`pcm.force_attribution.ForceSet.concerned`) is about none of its passages."""
    if cfg is not None and len(cfg.forces) > 1:
        readers = ForceSet(cfg.forces).concerned([s.text for s in segments], None)
        if cfg.force.id not in {r.id for r in readers}:
            return _NotAboutTheForce()
    return ForceTargeter(
        cfg.force.name if cfg is not None else None,
        cfg.force.aliases if cfg is not None else (),
        cfg.force.area if cfg is not None else (),
    )


class _Tally:
    """Each topic's (score, label) passages about the force, with their voices."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, str, float, str]] = []

    def add(self, ts, voice: str) -> None:
        """Count one passage's stance on one topic (its target is the force)."""
        # an uncertain stance counts as neutral: aggregates are not driven by guesses
        self.pairs.append((ts.topic, voice, 0.0 if ts.uncertain else ts.score, ts.label))

    def article_topics(self) -> list[dict]:
        """[{"topic", "score", "stance", "passages", "external"}] in `TOPICS` order, by the
        warehouse's definition of article stance (`warehouse.article_stance`)."""
        stances = article_stances(self.pairs)
        out = []
        for topic in TOPICS:
            if ("all", topic) not in stances:
                continue
            outside = stances.get(("external", topic))
            out.append(
                {
                    "topic": topic,
                    **_aggregate(stances[("all", topic)]),
                    "external": _aggregate(outside) if outside else None,
                }
            )
        return out


def _passages(segments, results, targeter: ForceTargeter, headline: bool, tally: _Tally) -> list:
    """The JSON passages, each with its target; counts the force's ones into `tally`."""
    passages = []
    previous: tuple[int, str] | None = None  # (paragraph, target) of the passage before
    for seg, res in zip(segments, results, strict=True):
        prev_target = previous[1] if previous and previous[0] == seg.paragraph else None
        target = targeter.target(seg.text, bool(res.topics), prev_target)
        previous = (seg.paragraph, target)
        topics = [_topic_json(ts) for ts in res.topics]
        if target == FORCE_TARGET:
            for ts in res.topics:
                tally.add(ts, seg.voice)
        passages.append(
            {
                "index": seg.position,
                "paragraph": seg.paragraph,
                "text": seg.text,
                "voice": seg.voice,
                "speaker": seg.speaker,
                "target": target,
                "headline": headline and seg.paragraph == 0,
                "skipped": res.skipped,
                "truncated": res.truncated,
                "uncertain": any(t["uncertain"] for t in topics),
                "stance_rule": res.stance_rule,
                "topics": topics,
            }
        )
    return passages


def _topic_json(ts) -> dict:
    """One passage's scores on one topic, rounded to 4 decimals."""
    return {
        "topic": ts.topic,
        "label": ts.label,
        "score": round(ts.score, 4),
        "p_positive": round(ts.p_positive, 4),
        "p_neutral": round(ts.p_neutral, 4),
        "p_negative": round(ts.p_negative, 4),
        "topic_prob": round(ts.topic_prob, 4),
        "uncertain": ts.uncertain,
    }


def _aggregate(found: tuple[int, float, str]) -> dict:
    """{"score", "stance", "passages"} of one topic from the view's (passages, mean, stance)."""
    passages, mean, stance = found
    return {"score": round(mean, 4), "stance": stance, "passages": passages}


def format_table(result: dict, width: int = 70) -> str:
    """A readable plain-text report of an `analyse_document` result."""
    lines = [
        f"Title: {result['title'] or '(none)'}",
        f"Model: {result['model']['name']} {result['model']['version']}",
        "",
    ]
    if result["topics"]:
        lines.append(
            f"{'topic':<22}{'stance':<10}{'score':>7}{'passages':>10}   external voices only"
        )
        for t in result["topics"]:
            ext = t.get("external")
            outside = (
                f"{ext['stance']:<10}{ext['score']:>7.2f}{ext['passages']:>5}"
                if ext
                else "(the force alone)"
            )
            lines.append(
                f"{t['topic']:<22}{t['stance']:<10}{t['score']:>7.2f}{t['passages']:>10}   "
                f"{outside}"
            )
    else:
        lines.append("No topic found in any passage about the force.")
    lines += ["", f"{'#':>3} {'voice':<13}{'speaker':<20}{'topics':<34} text"]
    for p in result["passages"]:
        if p["skipped"]:
            tops = f"(skipped: {p['skipped']})"
        else:
            tops = (
                ", ".join(f"{t['topic']} {t['label'][:3]} {t['score']:+.2f}" for t in p["topics"])
                or "-"
            )
        text = p["text"] if len(p["text"]) <= width else p["text"][: width - 1] + "…"
        flag = " [truncated]" if p["truncated"] else ""
        if p.get("uncertain"):
            flag += " [uncertain]"
        if p.get("target") in ("other_force", "national"):
            flag += f" [about: {p['target'].replace('_', ' ')}, not counted]"
        speaker = (p["speaker"] or "")[:19]
        lines.append(f"{p['index']:>3} {p['voice']:<13}{speaker:<20}{tops:<34} {text}{flag}")
    return "\n".join(lines)
