"""A word-level topic model (TF-IDF + logistic regression) averaged with the encoder's head."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

logger = logging.getLogger(__name__)

VOCAB_FILE = "lexical.json"
WEIGHTS_FILE = "lexical.safetensors"
NGRAMS = (1, 2)
C = 16.0  # inverse L2 strength, picked on the corpus dev split (4, 16, 64 tried)


class LexicalTopics:
    """One-vs-rest logistic regression over TF-IDF word 1-2-grams, one output per topic.

    The encoder's mean-pooled vector knows what a passage is about in general; topic words
    ("stop and search", "999", "precept") are sharper evidence, so the two are averaged.
    """

    def __init__(self, vectorizer: TfidfVectorizer, coef: np.ndarray, intercept: np.ndarray):
        self.vectorizer = vectorizer
        self.coef = coef  # (topics, vocabulary)
        self.intercept = intercept  # (topics,)

    @classmethod
    def fit(cls, texts: list[str], labels: np.ndarray) -> LexicalTopics:
        """Fit on passages and their (n, topics) 0/1 labels (deterministic: liblinear-free)."""
        vectorizer = TfidfVectorizer(ngram_range=NGRAMS, min_df=2, sublinear_tf=True)
        x = vectorizer.fit_transform(texts)
        coef = np.zeros((labels.shape[1], x.shape[1]), dtype=np.float32)
        intercept = np.zeros(labels.shape[1], dtype=np.float32)
        for j in range(labels.shape[1]):
            if labels[:, j].min() == labels[:, j].max():
                intercept[j] = 10.0 if labels[0, j] else -10.0
                continue
            clf = LogisticRegression(C=C, max_iter=3000, class_weight="balanced")
            clf.fit(x, labels[:, j])
            coef[j] = clf.coef_[0]
            intercept[j] = clf.intercept_[0]
        return cls(vectorizer, coef, intercept)

    def probs(self, texts: list[str]) -> np.ndarray:
        """(len(texts), topics) probabilities."""
        if not texts:
            return np.zeros((0, len(self.intercept)), dtype=np.float32)
        x = self.vectorizer.transform(texts)
        logits = np.asarray(x @ self.coef.T) + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def save(self, folder: str | Path) -> None:
        """Write `lexical.json` (vocabulary) and `lexical.safetensors` (idf, weights)."""
        folder = Path(folder)
        vocab = sorted(self.vectorizer.vocabulary_, key=self.vectorizer.vocabulary_.get)
        (folder / VOCAB_FILE).write_text(
            json.dumps({"ngram_range": list(NGRAMS), "vocabulary": vocab}, ensure_ascii=False)
            + "\n",
            encoding="utf-8",
        )
        save_file(
            {
                "idf": torch.tensor(self.vectorizer.idf_, dtype=torch.float32),
                "coef": torch.tensor(self.coef, dtype=torch.float16),
                "intercept": torch.tensor(self.intercept, dtype=torch.float32),
            },
            str(folder / WEIGHTS_FILE),
        )

    @classmethod
    def load(cls, folder: str | Path) -> LexicalTopics | None:
        """The saved model, or None when the folder has none."""
        folder = Path(folder)
        if not (folder / VOCAB_FILE).is_file() or not (folder / WEIGHTS_FILE).is_file():
            return None
        meta = json.loads((folder / VOCAB_FILE).read_text(encoding="utf-8"))
        weights = load_file(str(folder / WEIGHTS_FILE))
        vocab = {term: i for i, term in enumerate(meta["vocabulary"])}
        vectorizer = TfidfVectorizer(
            ngram_range=tuple(meta["ngram_range"]), sublinear_tf=True, vocabulary=vocab
        )
        vectorizer.idf_ = weights["idf"].double().numpy()
        return cls(
            vectorizer, weights["coef"].float().numpy(), weights["intercept"].float().numpy()
        )
