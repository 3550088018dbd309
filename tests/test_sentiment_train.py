"""`pcm train` then `pcm evaluate` end to end on a tiny corpus (seconds, into tmp_path)."""

import gzip
import json
import shutil

import numpy as np
import pytest
import torch

from pcm.cli import main
from sentiment.confidence_model import MODEL_DIR, ConfidenceModel
from sentiment.lexical import PLAIN_VOCAB_FILE, VOCAB_FILE, WEIGHTS_FILE, LexicalTopics
from sentiment.topic_refit import ENCODER_SHARES

pytestmark = pytest.mark.slow


def test_train_then_evaluate_tiny(tiny_corpus, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PCM_NEWSMTSC", raising=False)
    out = tmp_path / "model"
    args = [
        "train",
        "--corpus",
        str(tiny_corpus),
        "--out",
        str(out),
        "--epochs",
        "1",
        "--layers",
        "1",
        "--seed",
        "3",
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "training on the corpus only" in printed  # no NewsMTSC: skipped with a line
    assert (tiny_corpus / "split.json").exists()
    assert {p.name for p in out.iterdir()} == {
        "model.json",
        "layers.safetensors",
        "heads.safetensors",
        "lexical.json.gz",
        "lexical.safetensors",
    }
    assert sum(p.stat().st_size for p in out.iterdir()) < 25 * 1024 * 1024
    meta = json.loads((out / "model.json").read_text())
    # choices on dev, then the topic head and word-level model fitted again on train + dev
    assert meta["topic_refit"]["final_fit"] == "train+dev"
    assert 0 < meta["topic_refit"]["steps"] <= 600
    vocab = json.loads(gzip.decompress((out / "lexical.json.gz").read_bytes()))
    assert set(vocab) == {"word", "char"}
    # the encoder head's weight in the topic mix was picked on dev and is the one applied
    share = meta["topic_encoder_share"]
    assert share in ENCODER_SHARES
    model = ConfidenceModel(out, runtime="torch")
    assert model.encoder_share == share
    texts = ["Officers searched the man without recording why.", "Council tax precept rises."]
    with torch.inference_mode():
        encoder_probs = torch.sigmoid(model.heads.topic_logits(model.pooled(texts)))
    lexical_probs = torch.from_numpy(model.lexical.probs(texts)).float()
    mixed = share * encoder_probs + (1 - share) * lexical_probs
    assert torch.allclose(model.topic_probs(texts), mixed, atol=1e-6)
    version = ConfidenceModel(out).version
    # Same seed, same data: the same model files, so the same version.
    assert main([*args[:4], str(tmp_path / "again"), *args[5:]]) == 0
    assert ConfidenceModel(tmp_path / "again").version == version
    capsys.readouterr()
    assert (
        main(
            [
                "evaluate",
                "--corpus",
                str(tiny_corpus),
                "--model",
                str(out),
                "--split",
                "dev",
                "--json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["model"]["version"] == version
    corpus = result["corpus"]
    assert corpus["passages"] > 0
    for key in ("topic_micro_f1", "stance_macro_f1", "voice_accuracy", "vader_stance_macro_f1"):
        assert 0.0 <= corpus[key] <= 1.0
    assert result["newsmtsc"] is None


def test_train_refuses_newsmtsc_devtest(tiny_corpus, tmp_path):
    bad = tmp_path / "devtest_rw.jsonl"
    bad.write_text("{}\n")
    from sentiment.training import train_model

    with pytest.raises(ValueError, match=r"only NewsMTSC train\.jsonl"):
        train_model(tmp_path / "m", tiny_corpus, bad)


def test_the_word_level_model_reads_its_older_plain_vocabulary(tmp_path):
    texts = [
        "officers searched him without grounds",
        "stop and search grounds were not recorded",
        "the precept pays for more officers",
        "value for money is good, the budget says",
    ]
    labels = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    model = LexicalTopics.fit(texts, labels)
    model.save(tmp_path)
    assert (tmp_path / VOCAB_FILE).is_file()
    assert not (tmp_path / PLAIN_VOCAB_FILE).exists()
    want = LexicalTopics.load(tmp_path).probs(texts)
    # a model saved before 2026-12-07 holds the same vocabulary as plain JSON
    plain = gzip.decompress((tmp_path / VOCAB_FILE).read_bytes())
    (tmp_path / PLAIN_VOCAB_FILE).write_bytes(plain)
    (tmp_path / VOCAB_FILE).unlink()
    np.testing.assert_allclose(LexicalTopics.load(tmp_path).probs(texts), want)
    assert want[0, 0] > want[0, 1]
    assert want[2, 1] > want[2, 0]
    # saving again packs it and removes the plain copy, which the version hash would read
    LexicalTopics.load(tmp_path).save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [VOCAB_FILE, WEIGHTS_FILE]


def test_final_from_is_refused_without_a_real_fit_or_a_model(tmp_path, capsys):
    # a final fit is a continuation (--adapt or --heads-only) of a model with real coverage
    assert main(["train", "--out", str(tmp_path / "m"), "--final-from", str(tmp_path)]) != 0
    assert "--final-from needs --adapt BASE or --heads-only" in capsys.readouterr().err
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(MODEL_DIR / "model.json", out)  # never written: the refit stops before work
    source = tmp_path / "source"
    source.mkdir()
    args = ["train", "--heads-only", "--out", str(out), "--final-from", str(source)]
    assert main(args) != 0
    assert "--final-from needs --real DIR" in capsys.readouterr().err
    assert main([*args, "--real", str(tmp_path)]) != 0
    assert "not a model folder (no model.json); give --final-from MODEL" in (
        capsys.readouterr().err
    )
    # a model whose choices were not made on real dev: one line saying what to give instead
    meta = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    del meta["stance_calibration"]
    (source / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    assert main([*args, "--real", str(tmp_path)]) != 0
    err = capsys.readouterr().err
    assert "has no stance_calibration" in err
    assert "Traceback" not in err
    assert (out / "model.json").read_bytes() == (MODEL_DIR / "model.json").read_bytes()
