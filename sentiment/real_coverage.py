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
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.errors import PcmError

logger = logging.getLogger(__name__)

LABELS_FILE = "labels.jsonl"
ARTICLES_FILE = "articles.tsv"
SPLIT_FILE = Path(__file__).parent / "data" / "real_split.json"
# More real articles labelled in this project (labels only, `README.md` there): trained on,
# never in the split, so never in dev or test.
EXTRA_LABELS_DIR = Path(__file__).parent / "data" / "real_extra"
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
        labels_dir: folder with `labels.jsonl` and `articles.tsv` (without it, the article
            stances are derived from the sentence labels: `external_stances`).

    Returns:
        {file name: Article}, in file-name order.

    Raises:
        RealDataError: when the label files are missing, or a line of them is not a label.
    """
    labels_dir = Path(labels_dir)
    path = labels_dir / LABELS_FILE
    if not path.is_file():
        raise RealDataError(
            f"{path}: real-coverage labels not found; pass --labels DIR "
            "(the shared police-news-real folder)"
        )
    articles: dict[str, Article] = {}
    text = path.read_text(encoding="utf-8", errors="replace")
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            art = articles.setdefault(
                r["file"], Article(r["file"], r["url"], r["title"], r["force"], r["kind"])
            )
            art.sentences.append(_label_sentence(r))
        except (ValueError, KeyError, TypeError) as exc:
            what = f"field {exc} missing" if isinstance(exc, KeyError) else str(exc)
            raise RealDataError(
                f"{path}:{n}: not a sentence label ({what}); each line must be one JSON "
                "record with file, url, title, force, kind, para, sha, voice and topics"
            ) from None
    tsv = labels_dir / ARTICLES_FILE
    if not tsv.is_file():
        for art in articles.values():
            art.external = external_stances(art.sentences)
    else:
        with tsv.open(encoding="utf-8", errors="replace") as fh:
            for n, row in enumerate(csv.DictReader(fh, delimiter="\t"), 2):
                try:
                    if row["file"] in articles and int(row.get("n_external") or 0) > 0:
                        articles[row["file"]].external[row["topic"]] = row["stance_external"]
                except (KeyError, ValueError) as exc:
                    raise RealDataError(
                        f"{tsv}:{n}: not an article stance ({exc}); the file is tab-separated "
                        "with the columns file, topic, stance_external and n_external"
                    ) from None
    return dict(sorted(articles.items()))


def article_stance(labels: list[str]) -> str:
    """One article's stance on a topic from its sentence labels, by the labels' rule: neutral
    when under 30% are polar; mixed when the minority polarity is at least half the majority;
    else the majority."""
    positive, negative = labels.count("positive"), labels.count("negative")
    if positive + negative < 0.3 * len(labels):
        return "neutral"
    if min(positive, negative) >= max(positive, negative) / 2:
        return "mixed"
    return "positive" if positive > negative else "negative"


def external_stances(sentences: list[Sentence]) -> dict[str, str]:
    """{topic: article stance} over the sentences of every voice but the force's, for labels
    that come without `articles.tsv` (the shared file is made by the same rule)."""
    by_topic: dict[str, list[str]] = defaultdict(list)
    for s in sentences:
        if s.voice != "force":
            for topic, stance in s.topics.items():
                by_topic[topic].append(stance)
    return {topic: article_stance(labels) for topic, labels in sorted(by_topic.items())}


def _label_sentence(r: dict) -> Sentence:
    """One record of `labels.jsonl` as a `Sentence`."""
    return Sentence(
        file=r["file"],
        para=int(r["para"]),
        start=r.get("start"),
        length=r.get("len"),
        sha=r["sha"],
        voice=r["voice"],
        topics={t: s for t, s, _ in r["topics"]},
        flags={t: f for t, _, f in r["topics"] if f},
    )


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


def training_split(path: str | Path | None = None, final: bool = False) -> dict[str, list[str]]:
    """The split a training run reads.

    Args:
        path: a split file (default: the recorded one).
        final: a final fit: the train and dev parts together are trained on and no real dev
            part is left to choose with (the choices come from a model fitted on train
            alone); the test part stays out.

    Returns:
        {"train", "dev", "test"} file lists.
    """
    split = load_split(path) if path else load_split()
    if final:
        return {"train": sorted(split["train"] + split["dev"]), "dev": [], "test": split["test"]}
    return split


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
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # a text saved by an editor in the old Windows encoding: read it as such
        logger.warning("%s: not UTF-8, read as cp1252", path)
        return data.decode("cp1252", errors="replace")


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


MAIN_FORCE = re.compile(r"^(?P<main>[^(;]+?)\s*\((?P<how>with|now)\s+(?P<other>[^)]+)\)$")
# The short forms UK papers print for counties in force names ("Beds Police", "Herts Police").
SHORT_PLACES = {
    "Bedfordshire": "Beds",
    "Buckinghamshire": "Bucks",
    "Cambridgeshire": "Cambs",
    "Derbyshire": "Derbys",
    "Gloucestershire": "Glos",
    "Hampshire": "Hants",
    "Hertfordshire": "Herts",
    "Leicestershire": "Leics",
    "Lincolnshire": "Lincs",
    "Northamptonshire": "Northants",
    "Nottinghamshire": "Notts",
    "Staffordshire": "Staffs",
    "Warwickshire": "Warks",
    "Wiltshire": "Wilts",
}
# Names of forces that no rule of the long name gives.
OTHER_NAMES = {
    "Metropolitan Police": ("the Met", "Met Police", "Scotland Yard"),
    "Metropolitan Police Service": ("the Met", "Met Police", "Scotland Yard"),
    "British Transport Police": ("BTP",),
}


def force_config(art: Article):
    """A config for one real article's force: its name and the usual short forms."""
    from core.config import Config, Force

    name, forms = art.force, set()
    # "Lancashire Constabulary (with Merseyside Police)": the first force is the article's;
    # "Strathclyde Police (now Police Scotland)": its later name is one of its names
    main = MAIN_FORCE.match(name)
    if main:
        name = main.group("main")
        if main.group("how") == "now":
            forms.add(main.group("other"))
    if "(" in name or "national" in name.lower():
        # national, or forces named only in a note: the police in general
        return Config(force=Force(name="Police", aliases=[]))
    # "Dyfed-Powys Police; North Wales Police": the article is about each of them
    names = [n.strip() for n in name.split(";") if n.strip()]
    places: list[str] = []
    for each in names:
        each_forms, each_places = _force_names(each)
        forms |= each_forms | {each}
        places += each_places
    return Config(force=Force(name=names[0], aliases=sorted(forms - {names[0]}), area=places))


def _force_names(name: str) -> tuple[set[str], list[str]]:
    """(other names, place names) of one force, as papers print them."""
    place = re.sub(r"\s+(Police|Constabulary|Police Service)$", "", name).strip()
    # "Police Scotland" has no place before "Police"
    places = [] if name.startswith("Police ") else [place]
    if place in SHORT_PLACES:
        places.append(SHORT_PLACES[place])  # "Beds Police"
    forms = {f"{p} {word}" for p in places for word in ("Police", "Constabulary")}
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper()]
    if len(words) >= 3:
        forms.add("".join(w[0] for w in words))  # "Police Service of Northern Ireland": PSNI
    return forms | set(OTHER_NAMES.get(name, ())), places


def product_kind(kind: str) -> str | None:
    """The labels' article kind as a configured source kind ("other" has no equivalent)."""
    from core.vocabulary import SOURCE_KINDS

    return kind if kind in SOURCE_KINDS else None


@dataclass(frozen=True)
class RealSentence:
    """A labelled real sentence with its rebuilt text (never stored in the repository)."""

    file: str
    text: str
    topics: dict[str, str]
    voice: str


def real_sentences(
    labels_dir: str | Path, real_dir: str | Path, files: list[str] | None
) -> list[RealSentence]:
    """The labelled sentences of some real articles, with their text from the rebuilt folder.

    Articles that have not been rebuilt, and sentences not found in their paragraph, are
    left out (logged).

    Args:
        labels_dir: folder with `labels.jsonl`.
        real_dir: folder of rebuilt texts.
        files: the articles to read (a part of the split); None: every labelled article.

    Returns:
        Sentences in article and label order.
    """
    from passages.segment import split_paragraphs

    articles = read_labels(labels_dir)
    out: list[RealSentence] = []
    missing = 0
    for f in articles if files is None else files:
        art = articles.get(f)
        path = Path(real_dir) / f
        if art is None or not path.is_file():
            missing += 1
            continue
        paragraphs = split_paragraphs(article_text(art, real_dir))
        for s in art.sentences:
            loc = locate(paragraphs[s.para], s) if s.para < len(paragraphs) else None
            if loc is None:
                continue
            out.append(RealSentence(f, paragraphs[s.para][loc[0] : loc[1]], s.topics, s.voice))
    if missing:
        logger.info("%d real articles not rebuilt in %s: left out", missing, real_dir)
    return out


def train_sentences(
    labels_dir: str | Path,
    real_dir: str | Path,
    files: list[str],
    extra_dir: str | Path | None = None,
) -> list[RealSentence]:
    """The real sentences a training run learns from: the split's train `files`, then every
    article labelled in `extra_dir` (None: none) that has been rebuilt in `real_dir`."""
    out = real_sentences(labels_dir, real_dir, files)
    if extra_dir is not None and (Path(extra_dir) / LABELS_FILE).is_file():
        extra = real_sentences(extra_dir, real_dir, None)
        logger.info("%d extra labelled real sentences from %s", len(extra), extra_dir)
        out += extra
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

    from passages.article_voice import split_title
    from passages.segment import segment_article, split_paragraphs
    from passages.textcheck import clean, skip_reason

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
            cfg.force.names,
            product_kind(art.kind),
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
                gold.append([1 if t in s.topics else 0 for t in model.topics])
    probs = model.topic_probs(texts) if texts else torch.zeros(0, len(model.topics))
    return probs, rows, keys, heads, np.array(gold)
