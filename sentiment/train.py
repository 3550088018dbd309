"""Training: fine-tune the encoder's top layers and the heads on cached lower-layer states."""

from __future__ import annotations

import copy
import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from core.vocabulary import TOPICS
from sentiment.encoder import embed, masked_mean, run_layers
from sentiment.heads import NO_TOPIC, STANCES, Heads
from sentiment.targets import token_mask

logger = logging.getLogger(__name__)

N_LAYERS = 6  # MiniLM-L6


@dataclass
class Settings:
    """Training hyper-parameters (the defaults are the shipped model's)."""

    trainable_layers: int = 6  # top transformer layers fine-tuned; the rest stay frozen
    epochs: int = 6
    batch_size: int = 32  # passages per step
    lr_layers: float = 6e-5
    lr_heads: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06  # fraction of steps with a linear learning-rate warm-up
    dropout: float = 0.1
    head_hidden: int = 256
    corpus_weight: float = 2.0  # loss weight of our corpus's stance pairs vs NewsMTSC targets
    topic_weight: float = 3.0  # topic loss weight
    max_tokens: int = 128
    seed: int = 13


@dataclass
class StanceItem:
    """One (passage, target) stance example."""

    text: int  # index into TrainData.texts
    spans: list[tuple[int, int]]  # character spans of the target mention(s); [] = whole passage
    topic: int  # topic index, NO_TOPIC for a NewsMTSC target
    label: int  # index into STANCES
    weight: float = 1.0


@dataclass
class TrainData:
    """Texts with their stance items and (for our corpus only) topic labels."""

    texts: list[str] = field(default_factory=list)
    stance: list[StanceItem] = field(default_factory=list)
    topics: dict[int, list[float]] = field(default_factory=dict)  # text index -> 13 0/1 labels

    def add_text(self, text: str) -> int:
        self.texts.append(text)
        return len(self.texts) - 1


@dataclass
class Cached:
    """Lower-layer hidden states of every text, computed once."""

    hidden: list[torch.Tensor]  # per text: (tokens, dim) float16
    offsets: list[list[tuple[int, int]]]


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and torch so that training is reproducible."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def cache_lower(
    model: nn.Module,
    tokenizer,
    texts: list[str],
    frozen_layers: int,
    max_tokens: int,
    batch_size: int = 64,
    progress: Callable[[int, int], None] | None = None,
) -> Cached:
    """Run the frozen bottom of the encoder once over all texts.

    Args:
        model: the base `BertModel`.
        tokenizer: its fast tokenizer.
        texts: passages.
        frozen_layers: how many transformer layers are frozen (their output is cached).
        max_tokens: truncation length.
        batch_size: texts per forward pass.
        progress: called with (done, total) after each batch.

    Returns:
        `Cached` with one (tokens, dim) float16 tensor per text, in input order.
    """
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    hidden: list[torch.Tensor | None] = [None] * len(texts)
    offsets: list[list[tuple[int, int]] | None] = [None] * len(texts)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            enc = tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=max_tokens,
                return_tensors="pt",
                return_offsets_mapping=True,
            )
            out = embed(model, enc["input_ids"], enc["attention_mask"], frozen_layers)
            lengths = enc["attention_mask"].sum(dim=1).tolist()
            for row, i in enumerate(idx):
                n = int(lengths[row])
                hidden[i] = out[row, :n].to(torch.float16).clone()
                offsets[i] = [tuple(o) for o in enc["offset_mapping"][row, :n].tolist()]
            if progress:
                progress(min(start + batch_size, len(order)), len(order))
    return Cached(hidden, offsets)  # type: ignore[arg-type]


def _pad(states: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack (tokens, dim) states into a zero-padded batch with its attention mask."""
    longest = max(s.shape[0] for s in states)
    dim = states[0].shape[1]
    hidden = torch.zeros(len(states), longest, dim)
    mask = torch.zeros(len(states), longest, dtype=torch.long)
    for i, s in enumerate(states):
        hidden[i, : s.shape[0]] = s.float()
        mask[i, : s.shape[0]] = 1
    return hidden, mask


def _batches(
    n_texts: list[int], lengths: list[int], batch_size: int, rng: random.Random
) -> list[list[int]]:
    """Length-bucketed batches of text indices in a seeded random order."""
    order = sorted(n_texts, key=lambda i: (lengths[i], rng.random()))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


class Trainer:
    """Fine-tunes the top layers and heads; everything below stays frozen and cached.

    Args:
        model: the base `BertModel` (a deep copy of its top layers is trained).
        settings: hyper-parameters.
    """

    def __init__(self, model: nn.Module, settings: Settings):
        self.settings = settings
        self.base = model
        self.frozen = N_LAYERS - settings.trainable_layers
        self.top = nn.ModuleList(copy.deepcopy(model.encoder.layer[self.frozen :]))
        self.heads = Heads(model.config.hidden_size, settings.head_hidden, settings.dropout)

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Hidden states leaving the top layers for cached lower states."""
        shim = _LayerShim(self.base.config, self.top)
        return run_layers(shim, hidden, mask, 0, len(self.top))

    def fit(
        self,
        data: TrainData,
        cached: Cached,
        dev: Callable[[Trainer], float] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> dict:
        """Train; when `dev` is given, keep the epoch with the best dev score.

        Args:
            data: texts, stance items and topic labels.
            cached: `cache_lower` output for `data.texts`.
            dev: scores the trainer on held-out data (higher is better).
            progress: called with a one-line status after each epoch.

        Returns:
            A dict of training facts: epochs, best epoch, dev scores, losses, seconds.
        """
        s = self.settings
        set_seed(s.seed)
        rng = random.Random(s.seed)
        by_text: dict[int, list[StanceItem]] = {}
        for item in data.stance:
            by_text.setdefault(item.text, []).append(item)
        texts = sorted(set(by_text) | set(data.topics))
        lengths = [h.shape[0] for h in cached.hidden]
        opt, sched = self._optimiser(s.epochs * math.ceil(len(texts) / s.batch_size))
        history: dict = {
            "epochs": s.epochs,
            "dev": [],
            "loss": [],
            "texts": len(texts),
            "stance_items": len(data.stance),
            "topic_texts": len(data.topics),
        }
        best = (-1.0, None)
        started = time.monotonic()
        for epoch in range(s.epochs):
            loss = self._epoch(texts, lengths, rng, data, cached, by_text, opt, sched)
            history["loss"].append(round(loss, 4))
            score = dev(self) if dev else float(epoch)
            history["dev"].append(round(score, 4))
            line = f"epoch {epoch + 1}/{s.epochs}: loss {loss:.4f}"
            if dev:
                line += f", dev {score:.4f}"
            (progress or logger.info)(line)
            if score > best[0]:
                best = (
                    score,
                    (
                        copy.deepcopy(self.top.state_dict()),
                        copy.deepcopy(self.heads.state_dict()),
                        epoch + 1,
                    ),
                )
        top_state, head_state, best_epoch = best[1]
        self.top.load_state_dict(top_state)
        self.heads.load_state_dict(head_state)
        self.top.eval()
        self.heads.eval()
        history["best_epoch"] = best_epoch
        history["seconds"] = round(time.monotonic() - started, 1)
        return history

    def _optimiser(self, steps: int) -> tuple[torch.optim.AdamW, torch.optim.lr_scheduler.LambdaLR]:
        """AdamW over the top layers and the heads (their own learning rates), with a linear
        warm-up over `settings.warmup` of the `steps` and a linear decay after it."""
        s = self.settings
        params = [
            {"params": self.top.parameters(), "lr": s.lr_layers},
            {"params": self.heads.parameters(), "lr": s.lr_heads},
        ]
        opt = torch.optim.AdamW(params, weight_decay=s.weight_decay)
        warm = max(1, int(steps * s.warmup))
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt,
            lambda step: min((step + 1) / warm, max(0.0, (steps - step) / max(1, steps - warm))),
        )
        return opt, sched

    def _epoch(
        self,
        texts: list[int],
        lengths: list[int],
        rng: random.Random,
        data: TrainData,
        cached: Cached,
        by_text: dict[int, list[StanceItem]],
        opt: torch.optim.Optimizer,
        sched: torch.optim.lr_scheduler.LRScheduler,
    ) -> float:
        """One pass over `texts` in length-bucketed batches (ordered by the seeded `rng`);
        returns the mean loss."""
        self.top.train()
        self.heads.train()
        total, count = 0.0, 0
        for batch in _batches(texts, lengths, self.settings.batch_size, rng):
            loss = self._loss(batch, data, cached, by_text)
            if loss is None:
                continue
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(
                list(self.top.parameters()) + list(self.heads.parameters()), 1.0
            )
            opt.step()
            sched.step()
            total += loss.item()
            count += 1
        return total / max(1, count)

    def _loss(
        self,
        batch: list[int],
        data: TrainData,
        cached: Cached,
        by_text: dict[int, list[StanceItem]],
    ) -> torch.Tensor | None:
        """The batch's weighted topic and stance loss (None: nothing in it to learn from)."""
        s = self.settings
        hidden, mask = _pad([cached.hidden[i] for i in batch])
        out = self.forward(hidden, mask)
        pooled = masked_mean(out, mask)
        loss = torch.zeros(())
        used = False
        topic_rows = [r for r, i in enumerate(batch) if i in data.topics]
        if topic_rows:
            logits = self.heads.topic_logits(pooled[topic_rows])
            labels = torch.tensor([data.topics[batch[r]] for r in topic_rows])
            loss = loss + s.topic_weight * F.binary_cross_entropy_with_logits(logits, labels)
            used = True
        rows, masks, topics, labels, weights = [], [], [], [], []
        for r, i in enumerate(batch):
            for item in by_text.get(i, ()):
                tm = torch.zeros(out.shape[1])
                m = (
                    token_mask(cached.offsets[i], item.spans)
                    if item.spans
                    else torch.ones(len(cached.offsets[i]))
                )
                tm[: m.shape[0]] = m
                rows.append(r)
                masks.append(tm)
                topics.append(item.topic)
                labels.append(item.label)
                weights.append(item.weight)
        if rows:
            idx = torch.tensor(rows)
            target = masked_mean(out[idx], torch.stack(masks))
            logits = self.heads.stance_logits(pooled[idx], target, torch.tensor(topics))
            per = F.cross_entropy(logits, torch.tensor(labels), reduction="none")
            w = torch.tensor(weights)
            loss = loss + (per * w).sum() / w.sum()
            used = True
        return loss if used else None

    @torch.inference_mode()
    def predict(
        self,
        cached: Cached,
        texts: list[int],
        items: list[StanceItem] | None = None,
        batch_size: int = 64,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Topic probabilities for texts and stance probabilities for items, from cached states.

        Args:
            cached: lower-layer states.
            texts: text indices to score for topics.
            items: stance items (their `text` must be in `texts`).
            batch_size: texts per forward pass.

        Returns:
            (topic probabilities (len(texts), 13), stance probabilities (len(items), 3) or None).
        """
        self.top.eval()
        self.heads.eval()
        pooled_all, out_all = {}, {}
        wanted = {it.text for it in items or ()}
        order = sorted(texts, key=lambda i: cached.hidden[i].shape[0])
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            hidden, mask = _pad([cached.hidden[i] for i in batch])
            out = self.forward(hidden, mask)
            pooled = masked_mean(out, mask)
            for r, i in enumerate(batch):
                pooled_all[i] = pooled[r]
                if i in wanted:
                    out_all[i] = out[r, : int(mask[r].sum())]
        topic_probs = (
            torch.sigmoid(
                self.heads.topic_logits(torch.stack([pooled_all[i] for i in texts]))
            ).numpy()
            if texts
            else np.zeros((0, 13))
        )
        stance_probs = None
        if items:
            pooled = torch.stack([pooled_all[it.text] for it in items])
            target = torch.stack(
                [
                    masked_mean(
                        out_all[it.text].unsqueeze(0),
                        (
                            token_mask(cached.offsets[it.text], it.spans)
                            if it.spans
                            else torch.ones(len(cached.offsets[it.text]))
                        ).unsqueeze(0),
                    )[0]
                    for it in items
                ]
            )
            logits = self.heads.stance_logits(
                pooled, target, torch.tensor([it.topic for it in items])
            )
            stance_probs = torch.softmax(logits, dim=-1).numpy()
        return topic_probs, stance_probs


class _LayerShim(nn.Module):
    """Lets `run_layers` drive a bare list of layers (it needs `.config` and `.encoder.layer`)."""

    def __init__(self, config, layers: nn.ModuleList):
        super().__init__()
        self.config = config
        self.encoder = nn.Module()
        self.encoder.layer = layers


__all__ = [
    "NO_TOPIC",
    "STANCES",
    "TOPICS",
    "Cached",
    "Settings",
    "StanceItem",
    "TrainData",
    "Trainer",
    "cache_lower",
    "set_seed",
]
