"""`pcm analyse`: score one document (HTML or plain text) without a database."""

from __future__ import annotations

import logging
import re
from collections import defaultdict

from pcm.config import TOPICS
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


def analyse_document(
    document: str | bytes, cfg=None, model: ConfidenceModel | None = None, title: str | None = None
) -> dict:
    """Passages, voices, topics and stance of one document, in the `pcm analyse --json` shape.

    Args:
        document: HTML or plain text (paragraphs separated by a blank line), str or bytes.
        cfg: the config (`force.people` and `force.aliases` name speakers), or None.
        model: a loaded model (default: `load_model(cfg.model)`).
        title: the title to report (default: the one extracted from HTML, else null).

    Returns:
        {"title", "model": {"name", "version"}, "topics": [{"topic", "score", "stance",
        "passages"}], "passages": [{"index", "paragraph", "text", "voice", "speaker",
        "skipped", "truncated", "topics": [{"topic", "label", "score", "p_positive",
        "p_neutral", "p_negative", "topic_prob"}]}]}. Topics follow the order of
        `pcm.config.TOPICS`; scores are rounded to 4 decimals.
    """
    model = model or load_model(cfg.model if cfg is not None else None)
    found_title, text = document_text(document)
    people = list(cfg.force.people) if cfg is not None else []
    aliases = [cfg.force.name, *cfg.force.aliases] if cfg is not None else []
    segments = segment_article(text, people, aliases)
    results = model.score_passages([s.text for s in segments])
    passages = []
    per_topic: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for seg, res in zip(segments, results, strict=True):
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
                }
            )
            per_topic[ts.topic].append((ts.score, ts.label))
        passages.append(
            {
                "index": seg.position,
                "paragraph": seg.paragraph,
                "text": seg.text,
                "voice": seg.voice,
                "speaker": seg.speaker,
                "skipped": res.skipped,
                "truncated": res.truncated,
                "topics": topics,
            }
        )
    topics_out = []
    for topic in TOPICS:
        if topic not in per_topic:
            continue
        scores = [s for s, _ in per_topic[topic]]
        labels = [lab for _, lab in per_topic[topic]]
        mean, stance = article_stance(scores, labels)
        topics_out.append(
            {"topic": topic, "score": round(mean, 4), "stance": stance, "passages": len(scores)}
        )
    return {
        "title": title if title is not None else found_title,
        "model": {"name": model.name, "version": model.version},
        "topics": topics_out,
        "passages": passages,
    }


def format_table(result: dict, width: int = 70) -> str:
    """A readable plain-text report of an `analyse_document` result."""
    lines = [
        f"Title: {result['title'] or '(none)'}",
        f"Model: {result['model']['name']} {result['model']['version']}",
        "",
    ]
    if result["topics"]:
        lines.append(f"{'topic':<22}{'stance':<10}{'score':>7}{'passages':>10}")
        for t in result["topics"]:
            lines.append(f"{t['topic']:<22}{t['stance']:<10}{t['score']:>7.2f}{t['passages']:>10}")
    else:
        lines.append("No topic found in any passage.")
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
        speaker = (p["speaker"] or "")[:19]
        lines.append(f"{p['index']:>3} {p['voice']:<13}{speaker:<20}{tops:<34} {text}{flag}")
    return "\n".join(lines)
