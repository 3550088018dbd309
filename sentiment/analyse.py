"""`pcm analyse`: score one document (HTML or plain text) without a database."""

from __future__ import annotations

import logging
import re
from collections import defaultdict

from pcm.config import TOPICS
from sentiment.article_voice import is_headline
from sentiment.force_target import FORCE as FORCE_TARGET
from sentiment.force_target import ForceTargeter
from sentiment.model import ConfidenceModel, load_model
from sentiment.segment import segment_article

logger = logging.getLogger(__name__)

# Article-level stance per topic (INTERFACES.md; the `article_topics` view uses the same rule).
MIXED_BELOW = 0.34  # |mean| under this with both positive and negative passages -> mixed
POSITIVE_FROM = 0.2
NEGATIVE_UPTO = -0.2
# A document is HTML when it starts with a tag or declares itself; plain text that merely
# contains some markup is analysed as text (its markup passages are skipped as garbage).
HTML_HINT = re.compile(r"^\s*(?:\ufeff)?\s*<|<\s*(?:!doctype|html|body)\b", re.IGNORECASE)


def article_stance(scores: list[float], labels: list[str]) -> tuple[float, str]:
    """Aggregate a topic's passage scores into the article's stance on it.

    Args:
        scores: passage scores (P(positive) - P(negative)) on the topic.
        labels: the passages' labels on the topic.

    Returns:
        (mean score, stance): stance is "mixed" when both positive and negative passages exist
        and |mean| < 0.34; else positive if mean >= 0.2, negative if mean <= -0.2, else neutral.
    """
    mean = sum(scores) / len(scores)
    if "positive" in labels and "negative" in labels and abs(mean) < MIXED_BELOW:
        return mean, "mixed"
    if mean >= POSITIVE_FROM:
        return mean, "positive"
    if mean <= NEGATIVE_UPTO:
        return mean, "negative"
    return mean, "neutral"


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


def split_title(text: str) -> tuple[str | None, str]:
    """(headline, text) of a plain-text document whose first line reads as a headline.

    The first line is the title when it is short, has no closing full stop and more text
    follows; the text is returned unchanged (the headline stays its first paragraph, to be
    scored as a headline).
    """
    stripped = text.lstrip("\ufeff").strip()
    first, _, rest = stripped.partition("\n")
    first = first.strip()
    if rest.strip() and is_headline(first):
        return first, stripped
    return None, text


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
        "skipped", "truncated", "uncertain", "topics": [{"topic", "label", "score",
        "p_positive", "p_neutral", "p_negative", "topic_prob", "uncertain"}]}]}. Article
        topics count only passages whose target is the configured force; `external` counts
        every voice but the force's own. Topics follow `pcm.config.TOPICS`; scores are
        rounded to 4 decimals.
    """
    model = model or load_model(cfg.model if cfg is not None else None)
    found_title, text = document_text(document)
    headline = False
    if found_title is None:
        found_title, text = split_title(text)
        headline = found_title is not None
    elif found_title.strip():
        text = f"{found_title.strip()}\n\n{text}"  # the headline is scored as a headline
        headline = True
    people = list(cfg.force.people) if cfg is not None else []
    aliases = [cfg.force.name, *cfg.force.aliases] if cfg is not None else []
    targeter = ForceTargeter(
        cfg.force.name if cfg is not None else None,
        cfg.force.aliases if cfg is not None else (),
        cfg.force.area if cfg is not None else (),
    )
    segments = segment_article(text, people, aliases, source_kind, headline)
    results = model.score_passages(
        [s.text for s in segments],
        articles=[0] * len(segments),
        headlines=[headline and s.paragraph == 0 for s in segments],
    )
    passages = []
    counted: dict[str, list[tuple[float, str]]] = defaultdict(list)
    external: dict[str, list[tuple[float, str]]] = defaultdict(list)
    previous: tuple[int, str] | None = None  # (paragraph, target) of the passage before
    for seg, res in zip(segments, results, strict=True):
        prev_target = previous[1] if previous and previous[0] == seg.paragraph else None
        target = targeter.target(seg.text, bool(res.topics), prev_target)
        previous = (seg.paragraph, target)
        topics = []
        for ts in res.topics:
            topics.append(
                {
                    "topic": ts.topic,
                    "label": ts.label,
                    "score": round(ts.score, 4),
                    "p_positive": round(ts.p_positive, 4),
                    "p_neutral": round(ts.p_neutral, 4),
                    "p_negative": round(ts.p_negative, 4),
                    "topic_prob": round(ts.topic_prob, 4),
                    "uncertain": ts.uncertain,
                }
            )
            if target == FORCE_TARGET:
                # an uncertain stance counts as neutral: aggregates are not driven by guesses
                pair = (0.0 if ts.uncertain else ts.score, ts.label)
                counted[ts.topic].append(pair)
                if seg.voice != "force":
                    external[ts.topic].append(pair)
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
                "topics": topics,
            }
        )
    topics_out = []
    for topic in TOPICS:
        if topic not in counted:
            continue
        topics_out.append({**_aggregate(counted[topic]), "topic": topic, "external": None})
        if external.get(topic):
            topics_out[-1]["external"] = _aggregate(external[topic])
    topics_out = [
        {k: t[k] for k in ("topic", "score", "stance", "passages", "external")} for t in topics_out
    ]
    return {
        "title": title if title is not None else found_title,
        "model": {"name": model.name, "version": model.version},
        "topics": topics_out,
        "passages": passages,
    }


def _aggregate(pairs: list[tuple[float, str]]) -> dict:
    """{"score", "stance", "passages"} of one topic's (score, label) passages."""
    mean, stance = article_stance([s for s, _ in pairs], [lab for _, lab in pairs])
    return {"score": round(mean, 4), "stance": stance, "passages": len(pairs)}


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
