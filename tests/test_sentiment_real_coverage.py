"""Real-coverage evaluation: the fixed split, sentence matching and the figures, on articles
written for this test in the labels' format (no third-party text), plus low-rank updates."""

import csv
import json
from pathlib import Path

import pytest
import torch
from torch import nn

from pcm.real_evaluation import bootstrap, evaluate_real, match_article, select_articles
from sentiment.lora import LORA_FILE, LoRALinear, merge, save, wrap
from sentiment.real_coverage import (
    SPLIT_FILE,
    Article,
    RealDataError,
    Sentence,
    article_text,
    force_config,
    load_split,
    make_split,
    read_labels,
    real_sentences,
    sentence_digest,
)

SHARED_LABELS = Path(__file__).resolve().parents[2] / "shared" / "data" / "police-news-real"

# Two invented articles: (file, force, kind, paragraphs of (sentence, voice, {topic: stance})).
ARTICLES = [
    (
        "t-01.txt",
        "Wexmoor Constabulary",
        "local_news",
        [
            [
                (
                    "Wexmoor Police rated inadequate by inspectors",
                    "inspectorate",
                    {"general": "negative"},
                )
            ],
            [
                (
                    "Inspectors found that victims were not kept updated about their cases.",
                    "inspectorate",
                    {"victim_updates": "negative"},
                ),
                ("The report was published on Tuesday.", "media", {}),
            ],
            [
                (
                    'Chief Constable Ann Hale said: "We have already hired more call handlers."',
                    "force",
                    {"emergency_response": "positive"},
                )
            ],
        ],
    ),
    (
        "t-02.txt",
        "Wexmoor Constabulary",
        "force_statement",
        [
            [
                (
                    "Response times improve across Wexmoor",
                    "force",
                    {"emergency_response": "positive"},
                )
            ],
            [
                (
                    "We answered nine in ten emergency calls within ten seconds last month.",
                    "force",
                    {"emergency_response": "positive"},
                )
            ],
        ],
    ),
]


def write_fixture(root: Path) -> tuple[Path, Path, Path]:
    """Labels folder, rebuilt-text folder and a split file for `ARTICLES`."""
    labels, texts = root / "labels", root / "real"
    labels.mkdir()
    texts.mkdir()
    rows, tsv = [], []
    for file, force, kind, paragraphs in ARTICLES:
        body = []
        for pi, sentences in enumerate(paragraphs):
            paragraph = " ".join(s for s, _, _ in sentences)
            body.append(paragraph)
            for si, (sentence, voice, topics) in enumerate(sentences):
                rows.append(
                    {
                        "file": file,
                        "url": f"https://example.org/{file}",
                        "title": paragraphs[0][0][0],
                        "force": force,
                        "kind": kind,
                        "para": pi,
                        "sid": si,
                        "start": paragraph.index(sentence),
                        "len": len(sentence),
                        "sha": sentence_digest(sentence),
                        "voice": voice,
                        "topics": [[t, s, ""] for t, s in topics.items()],
                    }
                )
        (texts / file).write_text("\n\n".join(body) + "\n", encoding="utf-8")
        tsv.append([file, "emergency_response", "positive", "positive", "1", "2"])
    (labels / "labels.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
    )
    with (labels / "articles.tsv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter="\t")
        out.writerow(["file", "topic", "stance_external", "stance_all", "n_external", "n_all"])
        out.writerows(tsv)
    split = root / "split.json"
    split.write_text(json.dumps({"train": ["t-02.txt"], "dev": [], "test": ["t-01.txt"]}))
    return labels, texts, split


def test_read_labels_and_sentences(tmp_path):
    labels, texts, _ = write_fixture(tmp_path)
    articles = read_labels(labels)
    assert list(articles) == ["t-01.txt", "t-02.txt"]
    assert articles["t-01.txt"].sentences[1].topics == {"victim_updates": "negative"}
    # only articles with external voices on a topic have an external stance
    assert articles["t-01.txt"].external == {"emergency_response": "positive"}
    found = real_sentences(labels, texts, ["t-01.txt", "missing.txt"])
    assert [s.text for s in found][:2] == [
        "Wexmoor Police rated inadequate by inspectors",
        "Inspectors found that victims were not kept updated about their cases.",
    ]
    assert len(found) == 4  # the article that was not rebuilt is left out


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('{"file": "t-09.txt", "para": 0', "Expecting"),  # cut short
        ('{"file": "t-09.txt", "para": 0}', "field 'url' missing"),
        ('["t-09.txt"]', "not a sentence label"),
    ],
)
def test_a_bad_label_line_is_named_with_its_number(tmp_path, line, says):
    labels, _, _ = write_fixture(tmp_path)
    path = labels / "labels.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines[:2], line, *lines[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(RealDataError, match=rf"labels.jsonl:3: .*{says}") as err:
        read_labels(labels)
    assert "\n" not in str(err.value)


def test_a_bad_article_stance_row_is_named_with_its_line(tmp_path):
    labels, _, _ = write_fixture(tmp_path)
    tsv = labels / "articles.tsv"
    tsv.write_text(
        tsv.read_text(encoding="utf-8") + "t-01.txt\tgeneral\tnegative\tnegative\tmany\t2\n"
    )
    with pytest.raises(RealDataError, match=r"articles.tsv:4: not an article stance"):
        read_labels(labels)


def test_a_rebuilt_text_saved_in_another_encoding_is_still_read(tmp_path, caplog):
    labels, texts, _ = write_fixture(tmp_path)
    articles = read_labels(labels)
    path = texts / "t-01.txt"
    original = path.read_text(encoding="utf-8")
    # a byte order mark, then the old Windows encoding with a curly quote and a pound sign
    path.write_bytes(b"\xef\xbb\xbf" + original.encode("utf-8"))
    assert article_text(articles["t-01.txt"], texts) == original
    path.write_bytes(
        (original + "It cost \u00a390,000, the \u2018board\u2019 said.\n").encode("cp1252")
    )
    assert article_text(articles["t-01.txt"], texts).endswith(
        "It cost £90,000, the ‘board’ said.\n"
    )
    assert "not UTF-8, read as cp1252" in caplog.text
    assert len(real_sentences(labels, texts, ["t-01.txt"])) == 4  # every labelled sentence found


def test_make_split_is_by_article_stratified_and_disjoint(tmp_path):
    labels, _, _ = write_fixture(tmp_path)
    split = make_split(read_labels(labels))
    assert sorted(f for part in split.values() for f in part) == ["t-01.txt", "t-02.txt"]
    assert set(split) == {"train", "dev", "test"}


@pytest.mark.skipif(not SHARED_LABELS.is_dir(), reason="shared real-coverage labels absent")
def test_recorded_split_is_the_one_make_split_deals():
    stored = load_split(SPLIT_FILE)
    assert stored == make_split(read_labels(SHARED_LABELS))
    names = [f for part in stored.values() for f in part]
    assert len(names) == len(set(names)) == 100
    assert (len(stored["train"]), len(stored["dev"]), len(stored["test"])) == (60, 20, 20)


def test_match_article_takes_the_passage_that_overlaps_most():
    art = Article("x.txt", "u", "t", "Wexmoor Constabulary", "local_news")
    sentence = "Officers were praised."
    art.sentences = [
        Sentence("x.txt", 0, 15, len(sentence), sentence_digest(sentence), "media", {}, {})
    ]
    text = "First sentence. Officers were praised."
    result = {
        "passages": [
            {"paragraph": 0, "text": "First sentence.", "voice": "media", "topics": []},
            {
                "paragraph": 0,
                "text": "Officers were praised.",
                "voice": "force",
                "target": "force",
                "topics": [{"topic": "general", "label": "positive", "score": 0.9}],
            },
        ]
    }
    (m,) = match_article(art, text, result)
    assert (m.voice, m.topics, m.target) == ("force", {"general": "positive"}, "force")


def test_force_config_gives_the_usual_short_forms():
    cfg = force_config(Article("x", "u", "t", "Police Service of Northern Ireland", "local_news"))
    assert "PSNI" in cfg.force.aliases
    cfg = force_config(Article("x", "u", "t", "Suffolk Constabulary", "local_news"))
    assert "Suffolk Police" in cfg.force.aliases
    national = force_config(Article("x", "u", "t", "(national: forces in England and Wales)", "o"))
    assert national.force.aliases == []
    # a county's short form, the Met's other names
    beds = force_config(Article("x", "u", "t", "Bedfordshire Police", "local_news"))
    assert "Beds Police" in beds.force.aliases
    met = force_config(Article("x", "u", "t", "Metropolitan Police", "local_news"))
    assert {"the Met", "Met Police"} <= set(met.force.aliases)
    # the first of two forces is the article's; a force's later name is one of its names
    both = force_config(Article("x", "u", "t", "Wexmoor Constabulary (with Vale Police)", "o"))
    assert both.force.name == "Wexmoor Constabulary"
    assert "Vale Police" not in both.force.aliases
    pair = force_config(Article("x", "u", "t", "Wexmoor Police; Vale Constabulary", "o"))
    assert pair.force.name == "Wexmoor Police"
    assert {"Vale Constabulary", "Vale Police"} <= set(pair.force.aliases)
    renamed = force_config(Article("x", "u", "t", "Wexmoor Police (now Vale Police)", "o"))
    assert renamed.force.name == "Wexmoor Police"
    assert "Vale Police" in renamed.force.aliases


def test_bootstrap_intervals_hold_the_figure():
    from pcm.real_evaluation import Matched

    articles = {}
    matched, results = [], {}
    for k in range(6):
        f = f"a{k}"
        gold = Sentence(f, 0, 0, 1, "x", "force", {"general": "negative"}, {})
        articles[f] = Article(f, "u", "t", "F", "local_news")
        right = k % 2 == 0
        label = "negative" if right else "positive"
        matched.append(
            Matched(
                f, gold, "force" if right else "media", {"general": label}, {}, {}, None, "force"
            )
        )
        results[f] = {"topics": []}
    intervals = bootstrap(matched, results, articles, rounds=200)
    low, high = intervals["voice_accuracy"]
    assert 0.0 <= low <= 0.5 <= high <= 1.0
    assert low < high


@pytest.mark.slow
def test_evaluate_real_runs_the_product_pipeline(tmp_path):
    from sentiment.confidence_model import load_model

    labels, texts, split = write_fixture(tmp_path)
    out = evaluate_real(load_model(), texts, labels, "test", split, rounds=50)
    assert out["articles"] == 1
    assert out["sentences"] == 4
    assert out["unmatched_sentences"] == 0
    # the headline's finding and the reported finding are the inspectorate's, the report's
    # date the journalist's, the chief constable's quote the force's
    assert out["voice_accuracy"] == 1.0
    assert set(out["intervals"]) >= {"voice_accuracy", "topic_micro_f1"}
    for key, (low, high) in out["intervals"].items():
        assert low <= out[key] + 1e-9
        assert out[key] <= high + 1e-9
    missing = evaluate_real(load_model(), texts, labels, "train", split, rounds=0)
    assert missing["articles"] == 1
    assert missing["missing"] == []


def test_labels_without_articles_tsv_derive_article_stances_by_the_labels_rule(tmp_path):
    from pcm.commands.evaluate import _real_lines
    from sentiment.confidence_model import load_model

    labels, texts, split = write_fixture(tmp_path)
    (labels / "articles.tsv").unlink()  # sentence labels only, as the extra labels are
    # t-01: the inspectorate's negative headline and finding, the force's quote left out
    assert read_labels(labels)["t-01.txt"].external == {
        "general": "negative",
        "victim_updates": "negative",
    }
    out = evaluate_real(load_model(), texts, labels, "test", split, rounds=20)
    assert out["article_external_pairs"] == 2
    assert out["article_external_agreement"] is not None
    # t-02 is the force's statement: no external voice, so no article figure at all, not 0
    out = evaluate_real(load_model(), texts, labels, "train", split, rounds=20)
    assert out["article_external_pairs"] == 0
    assert out["article_external_agreement"] is None
    assert "article_external_agreement" not in out["intervals"]
    assert out["voice_accuracy"] == 1.0  # the sentence figures are still there
    line = next(x for x in _real_lines(out) if "article ext. agreement" in x)
    assert "n/a" in line
    assert "0.000" not in line


def test_article_stance_follows_the_labels_rule():
    from sentiment.real_coverage import article_stance

    assert article_stance(["negative", "neutral", "neutral"]) == "negative"  # a third polar
    assert article_stance(["negative"] + ["neutral"] * 3) == "neutral"  # a quarter polar
    assert article_stance(["negative", "negative", "positive"]) == "mixed"
    assert article_stance(["negative", "negative", "negative", "positive"]) == "negative"
    assert article_stance(["positive", "positive", "neutral"]) == "positive"


def test_labels_with_no_article_in_the_part_fail_in_one_line_before_the_model_loads(
    tmp_path, capsys, monkeypatch
):
    from pcm.cli import main
    from sentiment import confidence_model

    labels, texts, split = write_fixture(tmp_path)
    with pytest.raises(RealDataError, match="--real-split all"):
        select_articles(texts, labels, "dev", split)
    # through the CLI: the recorded split names none of these files; no model is loaded
    monkeypatch.setattr(
        confidence_model, "ConfidenceModel", lambda *a, **k: pytest.fail("model loaded")
    )
    code = main(["evaluate", "--real", str(texts), "--labels", str(labels)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1].startswith("pcm evaluate: ")
    assert "none of its 2 labelled articles is in the test part" in err[-1]
    # "all" takes every labelled article, whatever the split says
    articles, chosen, missing = select_articles(texts, labels, "all", split)
    assert sorted(a.file for a in chosen) == sorted(articles)
    assert missing == []


def test_evaluate_real_from_the_cli_shows_its_progress_and_keeps_stdout_json(tmp_path, capsys):
    from pcm.cli import main

    labels, texts, _ = write_fixture(tmp_path)
    argv = ["evaluate", "--json", "--real", str(texts), "--labels", str(labels)]
    assert main([*argv, "--real-split", "all"]) == 0
    out = capsys.readouterr()
    real = json.loads(out.out)["real"]
    assert (real["split"], real["articles"], real["sentences"]) == ("all", 2, 6)
    assert "real all" in out.err
    assert "2/2" in out.err
    assert real["topic_threshold"] == json.loads(out.out)["corpus"]["topic_threshold"]


def test_evaluate_reads_topics_at_another_threshold_when_asked(tmp_path, capsys):
    from pcm.cli import main

    labels, texts, _ = write_fixture(tmp_path)
    argv = ["evaluate", "--json", "--real", str(texts), "--labels", str(labels)]
    argv += ["--real-split", "all"]
    assert main([*argv, "--topic-threshold", "0.05"]) == 0
    low = json.loads(capsys.readouterr().out)
    assert main([*argv, "--topic-threshold", "0.95"]) == 0
    high = json.loads(capsys.readouterr().out)
    assert (low["corpus"]["topic_threshold"], low["real"]["topic_threshold"]) == (0.05, 0.05)
    assert high["real"]["topic_threshold"] == 0.95
    # a lower bar gives passages more topics: here more wrong ones
    assert low["real"]["topic_precision"] < high["real"]["topic_precision"]
    assert low["corpus"]["topic_micro_f1"] != high["corpus"]["topic_micro_f1"]
    # a threshold that is not a probability is refused in one line
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--topic-threshold", "1.5"])
    assert stop.value.code == 2
    assert "must be a number between 0 and 1; got 1.5" in capsys.readouterr().err


# -- low-rank updates ----------------------------------------------------------------------


class _Layer(nn.Module):
    """The dense layers of a BERT layer, at a small size."""

    def __init__(self):
        super().__init__()
        self.attention = nn.Module()
        self.attention.self = nn.Module()
        for name in ("query", "key", "value"):
            setattr(self.attention.self, name, nn.Linear(8, 8))
        self.attention.output = nn.Module()
        self.attention.output.dense = nn.Linear(8, 8)
        self.intermediate = nn.Module()
        self.intermediate.dense = nn.Linear(8, 16)
        self.output = nn.Module()
        self.output.dense = nn.Linear(16, 8)


def test_a_saved_update_merges_into_the_same_outputs(tmp_path):
    torch.manual_seed(0)
    layers = nn.ModuleList([_Layer(), _Layer()])
    base = {
        f"encoder.layer.{i}.{k}": v.clone()
        for i, layer in enumerate(layers)
        for k, v in layer.state_dict().items()
    }
    wrap(layers, rank=2, alpha=4.0)
    assert all(not p.requires_grad for n, p in layers.named_parameters() if ".base." in n)
    for mod in layers.modules():
        if isinstance(mod, LoRALinear):
            with torch.no_grad():
                mod.b.normal_()
    x = torch.randn(3, 8)
    wrapped = layers[1].attention.self.query(x)
    save(layers, tmp_path)
    assert (tmp_path / LORA_FILE).stat().st_size < 10_000
    merged = merge(base, tmp_path)
    plain = nn.Linear(8, 8)
    plain.load_state_dict(
        {
            "weight": merged["encoder.layer.1.attention.self.query.weight"],
            "bias": merged["encoder.layer.1.attention.self.query.bias"],
        }
    )
    assert torch.allclose(plain(x), wrapped, atol=1e-2)  # fp16 storage
    assert merge(base, tmp_path / "none") is base  # no update file: unchanged


# -- context -------------------------------------------------------------------------------


def test_topic_probabilities_are_mixed_with_the_article_s():
    from sentiment.decoding import mix_in_context

    probs = torch.tensor([[0.9, 0.0], [0.1, 0.2], [0.5, 0.5], [0.0, 1.0]])
    articles, headlines = ["a", "a", "a", "b"], [True, False, False, False]
    mixed = mix_in_context(probs, [0, 1, 3], articles, headlines, 0.1, 0.4)
    mean_a = (probs[0] + probs[1]) / 2  # row 2 was skipped: not part of the mean
    assert torch.allclose(mixed[1], 0.5 * probs[1] + 0.1 * probs[0] + 0.4 * mean_a)
    assert torch.allclose(mixed[3], probs[3])  # alone in its article: itself
    assert torch.allclose(mixed[2], probs[2])  # skipped rows are left as they were
    # no articles, or no weight: unchanged
    assert torch.equal(mix_in_context(probs, [0, 1], None, None, 0.1, 0.4), probs)
    assert torch.equal(mix_in_context(probs, [0, 1], articles, None, 0.0, 0.0), probs)


def test_scoring_chunks_never_split_an_article(monkeypatch):
    import pcm.scoring as scoring

    monkeypatch.setattr(scoring, "CHUNK", 3)
    todo = [(i, f"p{i}") for i in range(1, 9)]
    where = {1: (1, 0), 2: (1, 0), 3: (1, 1), 4: (1, 1), 5: (2, 0), 6: (3, 0), 7: (3, 0), 8: (3, 1)}
    chunks = scoring._article_chunks(todo, where)
    assert [[pid for pid, _ in c] for c in chunks] == [[1, 2, 3, 4], [5, 6, 7, 8]]


# -- final fit -----------------------------------------------------------------------------


def test_a_final_fit_trains_on_train_and_dev_and_leaves_test_out(tmp_path):
    from sentiment.real_coverage import training_split

    recorded = load_split()
    final = training_split(final=True)
    assert final["dev"] == []
    assert final["test"] == recorded["test"]
    assert set(final["train"]) == set(recorded["train"]) | set(recorded["dev"])
    assert not set(final["train"]) & set(recorded["test"])
    assert training_split() == recorded  # an ordinary fit reads the recorded split


def test_read_choices_gives_what_dev_chose_and_names_its_source(tmp_path):
    from sentiment.confidence_model import MODEL_DIR, model_version
    from sentiment.heads_refit import CHOICES, ChoicesError, read_choices

    source = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    record = read_choices(MODEL_DIR)
    assert record["settings"] == {key: source[key] for key in CHOICES}
    assert record["version"] == model_version(MODEL_DIR)
    # a model that never had choices made on real dev cannot give them, nor can a non-model
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "model.json").write_text(
        json.dumps({k: v for k, v in source.items() if k != "topic_context"}), encoding="utf-8"
    )
    with pytest.raises(ChoicesError, match="no topic_context"):
        read_choices(bare)
    with pytest.raises(ChoicesError, match=r"no model\.json"):
        read_choices(tmp_path)


def test_a_final_heads_refit_reads_dev_as_training_and_keeps_the_source_choices(
    tmp_path, tiny_corpus
):
    import shutil

    from sentiment.confidence_model import MODEL_DIR, ConfidenceModel
    from sentiment.heads_refit import CHOICES, refit_heads

    labels, texts, _ = write_fixture(tmp_path)
    split = tmp_path / "split_dev.json"
    split.write_text(json.dumps({"train": ["t-02.txt"], "dev": ["t-01.txt"], "test": []}))
    model_dir = tmp_path / "model"
    shutil.copytree(MODEL_DIR, model_dir)
    report = refit_heads(
        model_dir, tiny_corpus, None, texts, labels, real_split_file=split, choices_from=MODEL_DIR
    )
    # both real articles trained on, none left to choose with
    assert report["data"]["real_train_sentences"] == 6
    assert report["data"]["real_dev_sentences"] == 0
    assert report["topics"]["context"] is None
    source = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    written = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    for key in CHOICES:
        assert written[key] == source[key]
    model = ConfidenceModel(model_dir, runtime="torch")
    assert model.threshold == source["topic_threshold"]
    assert model.temperature == source["stance_calibration"]["temperature"]
    assert report["version"] == model.version != ConfidenceModel(MODEL_DIR).version
