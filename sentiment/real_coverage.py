"""Real coverage: hand labels of real articles, their fixed split, and the figures on them.

The labels live outside the repository (`../shared/data/police-news-real/`: `labels.jsonl`,
`articles.tsv`); the article texts are rebuilt by the user into an ignored folder. Nothing
here stores third-party text: the split file names articles by their label file name only.
Each article is run through the same path as `pcm analyse` (segmentation, voice rules,
model, target, article stance) and every labelled sentence is matched to the passage that
holds it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from pcm.config import TOPICS
from pcm.errors import PcmError

logger = logging.getLogger(__name__)

LABELS_FILE = "labels.jsonl"
ARTICLES_FILE = "articles.tsv"
SPLIT_FILE = Path(__file__).parent / "data" / "real_split.json"
SPLITS = ("train", "dev", "test")
# Out of every 10 articles of one kind: 6 train, 2 dev, 2 test, dealt in a hashed order.
SPLIT_PATTERN = ("train",) * 6 + ("dev",) * 2 + ("test",) * 2
BOOTSTRAP_ROUNDS = 1000  # resamples of articles for each 95% interval
BOOTSTRAP_SEED = 13
STANCES3 = ("negative", "neutral", "positive")


class RealDataError(PcmError):
    """The real-coverage labels or rebuilt texts are missing or do not match."""


@dataclass
class Sentence:
    """One hand-labelled sentence of a real article."""

    file: str
    para: int
    start: int | None
    length: int | None
    sha: str
    voice: str
    topics: dict[str, str]  # topic -> stance
    flags: dict[str, str]  # topic -> the labeller's flag ("other_force", "defence", ...)


@dataclass
class Article:
    """One real article: its labels and metadata (the text is read from the rebuilt folder)."""

    file: str
    url: str
    title: str
    force: str
    kind: str
    sentences: list[Sentence] = field(default_factory=list)
    external: dict[str, str] = field(default_factory=dict)  # topic -> article stance (external)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sentence_digest(text: str) -> str:
    """The labels' sentence key: first 16 hex of sha256 of the whitespace-normalised text."""
    return hashlib.sha256(_norm(text).encode()).hexdigest()[:16]


def read_labels(labels_dir: str | Path) -> dict[str, Article]:
    """Articles with their labelled sentences and article-level external stances.

    Args:
        labels_dir: folder with `labels.jsonl` and `articles.tsv`.

    Returns:
        {file name: Article}, in file-name order.

    Raises:
        RealDataError: when the label files are missing.
    """
    labels_dir = Path(labels_dir)
    path = labels_dir / LABELS_FILE
    if not path.is_file():
        raise RealDataError(
            f"{path}: real-coverage labels not found; pass --labels DIR "
            "(the shared police-news-real folder)"
        )
    articles: dict[str, Article] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        art = articles.setdefault(
            r["file"], Article(r["file"], r["url"], r["title"], r["force"], r["kind"])
        )
        art.sentences.append(
            Sentence(
                file=r["file"],
                para=int(r["para"]),
                start=r.get("start"),
                length=r.get("len"),
                sha=r["sha"],
                voice=r["voice"],
                topics={t: s for t, s, _ in r["topics"]},
                flags={t: f for t, _, f in r["topics"] if f},
            )
        )
    tsv = labels_dir / ARTICLES_FILE
    if tsv.is_file():
        with tsv.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if row["file"] in articles and int(row.get("n_external") or 0) > 0:
                    articles[row["file"]].external[row["topic"]] = row["stance_external"]
    return dict(sorted(articles.items()))


def make_split(articles: dict[str, Article]) -> dict[str, list[str]]:
    """A train/dev/test split by article, stratified by kind (60/20/20, hashed order).

    Args:
        articles: the labelled articles.

    Returns:
        {"train": [...], "dev": [...], "test": [...]} of file names, each sorted.
    """
    by_kind: dict[str, list[str]] = defaultdict(list)
    for art in articles.values():
        by_kind[art.kind].append(art.file)
    out: dict[str, list[str]] = {s: [] for s in SPLITS}
    offset = 0
    for kind in sorted(by_kind):
        files = sorted(by_kind[kind], key=lambda f: hashlib.sha256(f.encode()).hexdigest())
        for i, f in enumerate(files):
            out[SPLIT_PATTERN[(i + offset) % len(SPLIT_PATTERN)]].append(f)
        offset += len(files)  # kinds continue the pattern, so small kinds spread over splits
    return {s: sorted(v) for s, v in out.items()}


def load_split(path: str | Path = SPLIT_FILE) -> dict[str, list[str]]:
    """The recorded split (`sentiment/data/real_split.json`)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def article_text(art: Article, real_dir: str | Path) -> str:
    """The rebuilt text of one article.

    Raises:
        RealDataError: when the rebuilt file is missing.
    """
    path = Path(real_dir) / art.file
    if not path.is_file():
        raise RealDataError(
            f"{path}: rebuilt text missing; rebuild it with the shared rebuild.py "
            "(see docs on real coverage)"
        )
    return path.read_text(encoding="utf-8")


def locate(paragraph: str, sent: Sentence) -> tuple[int, int] | None:
    """Character span of a labelled sentence in its whitespace-normalised paragraph."""
    if sent.length is None:
        return None
    if sent.start is not None:
        span = paragraph[sent.start : sent.start + sent.length]
        if sentence_digest(span) == sent.sha:
            return sent.start, sent.start + sent.length
    starts = [0] + [m.end() for m in re.finditer(r"\s+", paragraph)]
    for a in starts:
        if sentence_digest(paragraph[a : a + sent.length]) == sent.sha:
            return a, a + sent.length
    return None


def force_config(art: Article):
    """A config for one real article's force: its name and the usual short forms."""
    from pcm.config import Config, Force

    name = art.force
    if "(" in name or ";" in name or "national" in name.lower():
        # national or several forces: the sentences are about the police in general
        return Config(force=Force(name="Police", aliases=[]))
    place = re.sub(r"\s+(Police|Constabulary|Police Service)$", "", name).strip()
    # "Police Scotland" has no place before "Police"
    forms = set() if name.startswith("Police ") else {f"{place} Police", f"{place} Constabulary"}
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper()]
    if len(words) >= 3:
        forms.add("".join(w[0] for w in words))  # "Police Service of Northern Ireland": PSNI
    area = [] if name.startswith("Police ") else [place]
    return Config(force=Force(name=name, aliases=sorted(forms - {name}), area=area))


@dataclass
class Matched:
    """A labelled sentence with the analysis of the passage that holds it."""

    article: str
    gold: Sentence
    voice: str | None  # None when the sentence was not found in any passage
    topics: dict[str, str]  # predicted topic -> label
    scores: dict[str, float]
    probs: dict[str, dict[str, float]]  # topic -> {negative, neutral, positive}
    skipped: str | None
    target: str | None


def match_article(art: Article, text: str, result: dict) -> list[Matched]:
    """Each labelled sentence of an article with the analysed passage that overlaps it most.

    Args:
        art: the labels.
        text: the rebuilt text that was analysed.
        result: `analyse_document`'s output for it.

    Returns:
        One `Matched` per labelled sentence.
    """
    from sentiment.segment import split_paragraphs

    paragraphs = split_paragraphs(text)
    # passage spans within their paragraph, found in order
    spans: dict[int, list[tuple[int, int, dict]]] = defaultdict(list)
    cursor: dict[int, int] = defaultdict(int)
    for p in result["passages"]:
        pi = p["paragraph"]
        if pi is None or pi >= len(paragraphs):
            continue
        at = paragraphs[pi].find(p["text"], cursor[pi])
        if at < 0:
            at = paragraphs[pi].find(p["text"])
        if at < 0:
            continue
        spans[pi].append((at, at + len(p["text"]), p))
        cursor[pi] = at + len(p["text"])
    out = []
    for s in art.sentences:
        best = None
        if s.para < len(paragraphs):
            loc = locate(paragraphs[s.para], s)
            if loc is not None:
                overlaps = [(min(b, loc[1]) - max(a, loc[0]), p) for a, b, p in spans[s.para]]
                overlaps = [o for o in overlaps if o[0] > 0]
                if overlaps:
                    best = max(overlaps, key=lambda o: o[0])[1]
        if best is None:
            out.append(Matched(art.file, s, None, {}, {}, {}, "unmatched", None))
            continue
        out.append(
            Matched(
                art.file,
                s,
                best["voice"],
                {t["topic"]: t["label"] for t in best["topics"]},
                {t["topic"]: t["score"] for t in best["topics"]},
                {
                    t["topic"]: {k: t[f"p_{k}"] for k in STANCES3}
                    for t in best["topics"]
                    if "p_positive" in t
                },
                best.get("skipped"),
                best.get("target"),
            )
        )
    return out


def analyse_articles(
    articles: list[Article],
    real_dir: str | Path,
    model,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Matched], dict[str, dict]]:
    """Run `pcm analyse`'s pipeline over real articles and match the labelled sentences.

    Returns:
        (matched sentences, {file: analyse result}).
    """
    from sentiment.analyse import analyse_document

    matched: list[Matched] = []
    results: dict[str, dict] = {}
    for i, art in enumerate(articles):
        text = article_text(art, real_dir)
        result = analyse_document(
            text, force_config(art), model=model, source_kind=_product_kind(art.kind)
        )
        results[art.file] = result
        matched.extend(match_article(art, text, result))
        if progress:
            progress(i + 1, len(articles))
    return matched, results


def _product_kind(kind: str) -> str | None:
    """The labels' article kind as a configured source kind ("other" has no equivalent)."""
    from pcm.config import SOURCE_KINDS

    return kind if kind in SOURCE_KINDS else None


def _metrics(rows: list[Matched], results: dict[str, dict], articles: dict[str, Article]) -> dict:
    """The headline figures for one set of matched sentences."""
    out: dict[str, float | int] = {}
    if not rows:
        return out
    out["sentences"] = len(rows)
    out["voice_accuracy"] = float(np.mean([m.voice == m.gold.voice for m in rows]))
    gold = np.array([[t in m.gold.topics for t in TOPICS] for m in rows], dtype=int)
    pred = np.array([[t in m.topics for t in TOPICS] for m in rows], dtype=int)
    out["topic_micro_f1"] = float(f1_score(gold, pred, average="micro", zero_division=0))
    tp = int((gold & pred).sum())
    out["topic_precision"] = tp / max(int(pred.sum()), 1)
    out["topic_recall"] = tp / max(int(gold.sum()), 1)
    pairs = [(m.gold.topics[t], m.topics[t]) for m in rows for t in m.gold.topics if t in m.topics]
    out["stance_pairs"] = len(pairs)
    if pairs:
        out["stance_macro_f1"] = float(
            f1_score(
                [g for g, _ in pairs],
                [p for _, p in pairs],
                average="macro",
                labels=STANCES3,
                zero_division=0,
            )
        )
    ext_neg = [
        (m, t)
        for m in rows
        if m.gold.voice != "force"
        for t, s in m.gold.topics.items()
        if s == "negative"
    ]
    out["external_negative_pairs"] = len(ext_neg)
    out["external_negative_read_positive"] = sum(
        1 for m, t in ext_neg if m.topics.get(t) == "positive"
    )
    out["external_criticism_as_praise"] = out["external_negative_read_positive"] / max(
        len(ext_neg), 1
    )
    agree = total = 0
    for f in {m.article for m in rows}:
        predicted = {
            t["topic"]: (t.get("external") or {}).get("stance") for t in results[f]["topics"]
        }
        for topic, stance in articles[f].external.items():
            total += 1
            agree += predicted.get(topic) == stance
    out["article_external_pairs"] = total
    out["article_external_agreement"] = agree / max(total, 1)
    return out


HEADLINE = (
    "voice_accuracy",
    "topic_micro_f1",
    "stance_macro_f1",
    "external_criticism_as_praise",
    "article_external_agreement",
)


def bootstrap(
    matched: list[Matched],
    results: dict[str, dict],
    articles: dict[str, Article],
    rounds: int = BOOTSTRAP_ROUNDS,
    seed: int = BOOTSTRAP_SEED,
) -> dict[str, list[float]]:
    """95% percentile intervals of the headline figures, resampling whole articles.

    Returns:
        {figure: [low, high]}.
    """
    by_article: dict[str, list[Matched]] = defaultdict(list)
    for m in matched:
        by_article[m.article].append(m)
    files = sorted(by_article)
    rng = np.random.default_rng(seed)
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        pick = rng.choice(len(files), size=len(files), replace=True)
        counts = Counter(pick.tolist())
        rows: list[Matched] = []
        res: dict[str, dict] = {}
        arts: dict[str, Article] = {}
        for idx, n in counts.items():
            f = files[idx]
            for k in range(n):
                key = f"{f}#{k}"
                res[key] = results[f]
                arts[key] = articles[f]
                rows.extend(_relabel(m, key) for m in by_article[f])
        figures = _metrics(rows, res, arts)
        for name in HEADLINE:
            if name in figures:
                samples[name].append(figures[name])
    return {
        k: [round(float(np.percentile(v, 2.5)), 4), round(float(np.percentile(v, 97.5)), 4)]
        for k, v in samples.items()
    }


def _relabel(m: Matched, key: str) -> Matched:
    return Matched(key, m.gold, m.voice, m.topics, m.scores, m.probs, m.skipped, m.target)


def evaluate_real(
    model,
    real_dir: str | Path,
    labels_dir: str | Path,
    split: str = "test",
    split_file: str | Path = SPLIT_FILE,
    rounds: int = BOOTSTRAP_ROUNDS,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Every real-coverage figure `pcm evaluate --real` prints, with 95% intervals.

    Args:
        model: the loaded `ConfidenceModel`.
        real_dir: folder of rebuilt article texts (`<file>` per article).
        labels_dir: folder with `labels.jsonl` and `articles.tsv`.
        split: "test" (reported once per shipped model), "dev", "train" or "all".
        split_file: the recorded split.
        rounds: bootstrap resamples (0: no intervals).
        progress: called with (articles done, total).

    Returns:
        {"split", "articles", figures..., "intervals": {figure: [low, high]},
        "voice_errors": {...}, "per_topic_f1": {...}, "missing": [...]}.
    """
    articles = read_labels(labels_dir)
    names = sorted(articles) if split == "all" else [f for f in load_split(split_file)[split]]
    chosen = [articles[f] for f in names if f in articles]
    missing = [a.file for a in chosen if not (Path(real_dir) / a.file).is_file()]
    if missing and len(missing) == len(chosen):
        raise RealDataError(
            f"{real_dir}: none of the {len(chosen)} {split} articles has been rebuilt; "
            "rebuild them with the shared rebuild.py first"
        )
    chosen = [a for a in chosen if a.file not in missing]
    matched, results = analyse_articles(chosen, real_dir, model, progress)
    figures = _metrics(matched, results, articles)
    gold = np.array([[t in m.gold.topics for t in TOPICS] for m in matched], dtype=int)
    pred = np.array([[t in m.topics for t in TOPICS] for m in matched], dtype=int)
    per_topic = {
        t: round(float(f1_score(gold[:, j], pred[:, j], zero_division=0)), 3)
        for j, t in enumerate(TOPICS)
    }
    out = {
        "split": split,
        "articles": len(chosen),
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()},
        "intervals": bootstrap(matched, results, articles, rounds) if rounds else {},
        "unmatched_sentences": sum(1 for m in matched if m.voice is None),
        "voice_errors": dict(
            Counter(
                f"{m.gold.voice}->{m.voice}" for m in matched if m.voice != m.gold.voice
            ).most_common(10)
        ),
        "per_topic_f1": per_topic,
        "missing": missing,
    }
    return out


@dataclass(frozen=True)
class RealSentence:
    """A labelled real sentence with its rebuilt text (never stored in the repository)."""

    file: str
    text: str
    topics: dict[str, str]
    voice: str


def real_sentences(
    labels_dir: str | Path, real_dir: str | Path, files: list[str]
) -> list[RealSentence]:
    """The labelled sentences of some real articles, with their text from the rebuilt folder.

    Articles that have not been rebuilt, and sentences not found in their paragraph, are
    left out (logged).

    Args:
        labels_dir: folder with `labels.jsonl`.
        real_dir: folder of rebuilt texts.
        files: the articles to read (a part of the split).

    Returns:
        Sentences in article and label order.
    """
    from sentiment.segment import split_paragraphs

    articles = read_labels(labels_dir)
    out: list[RealSentence] = []
    missing = 0
    for f in files:
        art = articles.get(f)
        path = Path(real_dir) / f
        if art is None or not path.is_file():
            missing += 1
            continue
        paragraphs = split_paragraphs(path.read_text(encoding="utf-8"))
        for s in art.sentences:
            loc = locate(paragraphs[s.para], s) if s.para < len(paragraphs) else None
            if loc is None:
                continue
            out.append(RealSentence(f, paragraphs[s.para][loc[0] : loc[1]], s.topics, s.voice))
    if missing:
        logger.info("%d real articles not rebuilt in %s: left out", missing, real_dir)
    return out


def context_rows(model, articles: list[Article], real_dir: str | Path):
    """Topic probabilities of real articles' passages, to choose how much context to mix in.

    Each article is split and attributed as `pcm analyse` does; skipped passages (furniture,
    garbage) are left out, as the model leaves them out of an article's mean.

    Args:
        model: a loaded `ConfidenceModel`.
        articles: the labelled articles (those not rebuilt are left out).
        real_dir: rebuilt texts.

    Returns:
        (probs (n, 13) tensor over every kept passage, rows: for each labelled sentence matched
        to a passage, that passage's row, article keys per passage, headline flags per passage,
        gold (len(rows), 13) 0/1 array).
    """
    import torch

    from sentiment.analyse import split_title
    from sentiment.segment import segment_article, split_paragraphs
    from sentiment.textcheck import clean, skip_reason

    texts, keys, heads, rows, gold = [], [], [], [], []
    for art in articles:
        path = Path(real_dir) / art.file
        if not path.is_file():
            continue
        title, text = split_title(path.read_text(encoding="utf-8"))
        cfg = force_config(art)
        segments = segment_article(
            text,
            [],
            [cfg.force.name, *cfg.force.aliases],
            _product_kind(art.kind),
            title is not None,
        )
        paragraphs = split_paragraphs(text)
        spans: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        cursor: dict[int, int] = defaultdict(int)
        for seg in segments:
            if skip_reason(clean(seg.text)):
                continue
            at = paragraphs[seg.paragraph].find(seg.text, cursor[seg.paragraph])
            cursor[seg.paragraph] = max(at, 0) + len(seg.text)
            spans[seg.paragraph].append((at, at + len(seg.text), len(texts)))
            texts.append(seg.text)
            keys.append(art.file)
            heads.append(title is not None and seg.paragraph == 0)
        for s in art.sentences:
            loc = locate(paragraphs[s.para], s) if s.para < len(paragraphs) else None
            overlaps = (
                [(min(b, loc[1]) - max(a, loc[0]), k) for a, b, k in spans.get(s.para, [])]
                if loc
                else []
            )
            overlaps = [o for o in overlaps if o[0] > 0]
            if overlaps:
                rows.append(max(overlaps)[1])
                gold.append([1 if t in s.topics else 0 for t in TOPICS])
    probs = model.topic_probs(texts) if texts else torch.zeros(0, len(TOPICS))
    return probs, rows, keys, heads, np.array(gold)
