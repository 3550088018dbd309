"""The confidence model: topics and stance per topic for passages, batched CPU inference."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer

from core.errors import ModelMissingError
from passages.textcheck import clean, skip_reason
from sentiment.decoding import mix_in_context, select_topics
from sentiment.encoder import encoder_digest, load_encoder, masked_mean
from sentiment.heads import STANCES, Heads
from sentiment.lexical import PLAIN_VOCAB_FILE, VOCAB_FILE, WEIGHTS_FILE, LexicalTopics
from sentiment.lora import LORA_FILE
from sentiment.lora import merge as merge_update
from sentiment.model_labels import HEADS_FILE, META_FILE, check_head_shapes, model_topics
from sentiment.quantize import quantizer_digest
from sentiment.runtime import RUNTIMES, encoder_twin
from sentiment.stance_rules import RULES as STANCE_RULES
from sentiment.targets import force_pattern, force_spans, token_mask

logger = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).parent / "model"
LAYERS_FILE = "layers.safetensors"
MODEL_FILES = (META_FILE, LAYERS_FILE, HEADS_FILE)
# the word-level topic model, when trained; the low-rank update to the layers, when adapted
OPTIONAL_FILES = (VOCAB_FILE, PLAIN_VOCAB_FILE, WEIGHTS_FILE, LORA_FILE)
NUM_THREADS = 2  # fixed so that results do not depend on the machine's core count
_TARGET = force_pattern()


@dataclass(frozen=True)
class TopicScore:
    """Stance of one passage towards the force on one topic."""

    topic: str
    label: str  # positive | neutral | negative
    score: float  # p_positive - p_negative, in [-1, 1]
    p_positive: float
    p_neutral: float
    p_negative: float
    topic_prob: float  # P(topic) from the topic head
    # the calibrated top class fell below the abstention bar: label set to neutral
    uncertain: bool = False


@dataclass
class PassageResult:
    """The model's output for one passage."""

    skipped: str | None = None  # empty | garbage | non_english, or None when scored
    truncated: bool = False  # longer than model.max_tokens tokens: only the start was read
    topics: list[TopicScore] = field(default_factory=list)
    # which force it is about (force | other_force | national | none), set by the caller that
    # knows the configured force (`passages.force_target`); None when not decided
    target: str | None = None
    # the stance rule that read its stances (`sentiment.stance_rules`: defence | improvement |
    # intent), set by the caller that knows its voice; None when the model's reading stands
    stance_rule: str | None = None


def model_version(path: str | Path) -> str:
    """Short hash of the model's files and the encoder's files (12 hex characters).

    Args:
        path: the model folder.

    Returns:
        The version string stored with every score.
    """
    digest = hashlib.sha256()
    for name in MODEL_FILES + OPTIONAL_FILES:
        if name in OPTIONAL_FILES and not (Path(path) / name).is_file():
            continue
        digest.update(name.encode())
        digest.update((Path(path) / name).read_bytes())
    digest.update(encoder_digest().encode())
    return digest.hexdigest()[:12]


def encoder_weights_key(path: str | Path) -> str:
    """Short hash of the fine-tuned encoder weights alone (the ONNX export's cache key).

    Heads, thresholds and the word-level model do not change the exported encoder, so
    refitting them reuses the export; a low-rank update (`lora.safetensors`) does.
    """
    digest = hashlib.sha256((Path(path) / LAYERS_FILE).read_bytes())
    if (Path(path) / LORA_FILE).is_file():
        digest.update((Path(path) / LORA_FILE).read_bytes())
    digest.update(encoder_digest().encode())
    return digest.hexdigest()[:12]


class ConfidenceModel:
    """Encoder with fine-tuned top layers, a topic head and a topic-conditioned stance head.

    Args:
        path: folder with `model.json`, `layers.safetensors` and `heads.safetensors`.
        batch_size: passages per forward pass.
        max_tokens: passages are truncated to this many tokens (and flagged).
        runtime: "auto" (the default: "bf16" on CPUs with bf16 matrix units, else "int8"),
            "bf16" (torch with bfloat16 dense layers), "int8" (the encoder exported once to
            ONNX Runtime and quantised), "onnx" (the fp32 export: same scores as torch,
            faster) or "torch" (see `sentiment.runtime`). bf16 and int8 scores move slightly
            from fp32 ones and are stored under their own version. Falls back bf16 -> int8 ->
            onnx -> torch, with a warning, when one cannot run; `runtime` then says which
            one runs.
        cache_dir: where the ONNX exports are kept (see `sentiment.runtime.cache_root`).
    """

    def __init__(
        self,
        path: str | Path = MODEL_DIR,
        batch_size: int = 32,
        max_tokens: int = 128,
        runtime: str = "auto",
        cache_dir: str | Path | None = None,
    ):
        if runtime not in RUNTIMES:
            raise ValueError(
                f"unknown model runtime {runtime!r}: use auto, bf16, int8, onnx or torch"
            )
        path = Path(path)
        missing = [n for n in MODEL_FILES if not (path / n).is_file()]
        if missing:
            raise ModelMissingError(
                f"{path}: model files missing ({', '.join(missing)}); run `pcm train` or set "
                "model.path to a trained model folder"
            )
        self.path = path
        self.meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        self.name = self.meta.get("name", "pcm-minilm")
        self.version = model_version(path)
        # the model owns its labels: the heads' outputs are in model.json's order, whatever
        # order the vocabulary lists topics in
        self.topics = model_topics(self.meta, path)
        self.no_topic = len(self.topics)  # the stance head's slot for a target with no topic
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self._read_decoding(self.meta)
        self.lexical = LexicalTopics.load(path)
        torch.set_num_threads(NUM_THREADS)
        self.tokenizer, self.encoder = load_encoder()
        layers = merge_update(
            {k: v.float() for k, v in load_file(path / LAYERS_FILE).items()}, path
        )
        missing_keys = set(layers) - set(self.encoder.state_dict())
        if missing_keys:
            raise ModelMissingError(f"{path / LAYERS_FILE}: unexpected weights; retrain the model")
        self.encoder.load_state_dict(layers, strict=False)
        head_weights = {k: v.float() for k, v in load_file(path / HEADS_FILE).items()}
        check_head_shapes(head_weights, self.topics, path)
        self.heads = Heads(
            self.encoder.config.hidden_size,
            int(self.meta.get("head_hidden", 256)),
            n_topics=len(self.topics),
        )
        self.heads.load_state_dict(head_weights)
        self.encoder.eval()
        self.heads.eval()
        # the bf16 or ONNX Runtime twin of the encoder (None: the encoder itself runs)
        self._fast, self.runtime = encoder_twin(
            self.encoder, self.tokenizer, encoder_weights_key(path), cache_dir, NUM_THREADS, runtime
        )
        # bf16 and int8 scores differ slightly from fp32 ones: they never pass for each other
        if self.runtime == "int8":
            self.version = f"{self.version}-int8-{quantizer_digest()}"
        elif self.runtime == "bf16":
            self.version = f"{self.version}-bf16"
        # A private copy of the fast tokenizer, set to truncate and pad once: calling it directly
        # skips the wrapper's per-call conversions (a tenth of `pcm analyse`'s time).
        self._batch_tokenizer = Tokenizer.from_str(self.tokenizer.backend_tokenizer.to_str())
        self._batch_tokenizer.enable_truncation(max_length=max_tokens)
        self._batch_tokenizer.enable_padding(
            pad_id=self.tokenizer.pad_token_id, pad_token=self.tokenizer.pad_token
        )
        self._lock = threading.Lock()

    def _read_decoding(self, meta: dict) -> None:
        """The decoding settings training picked on dev, as `model.json` stores them."""
        self.threshold = float(meta.get("topic_threshold", 0.5))
        floor = meta.get("topic_floor")
        self.floor = float(floor) if floor is not None else None
        # the encoder head's weight against the word-level model (models before it: 0.5)
        self.encoder_share = float(meta.get("topic_encoder_share", 0.5))
        # stance calibration fitted on real dev (models before it: none): logits / temperature,
        # and a top-class probability under which the stance is withheld (neutral, uncertain)
        calibration = meta.get("stance_calibration") or {}
        self.temperature = float(calibration.get("temperature", 1.0))
        self.abstain_below = float(calibration.get("abstain_below", 0.0))
        # how much of a passage's topic probabilities come from its article's headline and
        # from its article's mean, picked on real dev (models before it: none)
        context = meta.get("topic_context") or {}
        self.context_headline = float(context.get("headline", 0.0))
        self.context_article = float(context.get("article", 0.0))
        # the labelling conventions read as rules over the stance (`sentiment.stance_rules`;
        # models before them: none), applied by the callers that know each passage's voice
        self.stance_rules = tuple(meta.get("stance_rules", ()))
        unknown = sorted(set(self.stance_rules) - set(STANCE_RULES))
        if unknown:
            raise ModelMissingError(
                f"{self.path / META_FILE}: stance rules this version does not know "
                f"({', '.join(unknown)}; known: {', '.join(STANCE_RULES)}); update the code or "
                "use a model made for this version"
            )

    def score_passages(
        self,
        texts: list[str],
        articles: list | None = None,
        headlines: list[bool] | None = None,
    ) -> list[PassageResult]:
        """Topics and stance for each passage, batched and sorted by length, order kept.

        Args:
            texts: passages (any strings; bad ones come back skipped with a reason).
            articles: for each passage, the article it belongs to (any hashable key), so that
                its topics are read with the article's: a passage's topic probabilities are
                mixed with its article's headline and mean (`topic_context` in `model.json`);
                None: every passage stands alone.
            headlines: for each passage, whether it is its article's headline.

        Returns:
            One `PassageResult` per input, in input order. A passage with no topic above the
            threshold has an empty `topics` list.
        """
        results = [PassageResult() for _ in texts]
        cleaned = [clean(t) for t in texts]
        todo = []
        for i, text in enumerate(cleaned):
            reason = skip_reason(text)
            if reason:
                results[i].skipped = reason
            else:
                todo.append(i)
        if not todo:
            return results
        # Sort by length so each batch pads little; cap the characters looked at so a
        # 100,000-character passage costs no more than a long one.
        char_cap = self.max_tokens * 12
        todo.sort(key=lambda i: len(cleaned[i]))
        dim = self.encoder.config.hidden_size
        with self._lock, torch.inference_mode():
            torch.manual_seed(0)
            pooled = torch.zeros(len(texts), dim)
            target = torch.zeros(len(texts), dim)
            probs = torch.zeros(len(texts), len(self.topics))
            for start in range(0, len(todo), self.batch_size):
                batch = todo[start : start + self.batch_size]
                rows = torch.tensor(batch)
                pooled[rows], target[rows], probs[rows] = self._encode_batch(
                    [cleaned[i][:char_cap] for i in batch],
                    [len(cleaned[i]) > char_cap for i in batch],
                    [results[i] for i in batch],
                )
            scored = sorted(todo)
            mixed = self._in_context(probs, scored, articles, headlines)
            for start in range(0, len(scored), self.batch_size * 8):
                rows = scored[start : start + self.batch_size * 8]
                self._stance(rows, pooled, target, mixed, results)
        return results

    def _encode_batch(
        self, texts: list[str], cut: list[bool], out: list[PassageResult]
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(pooled, target-pooled, topic probabilities) of one length-sorted batch."""
        encodings = self._batch_tokenizer.encode_batch(texts)
        enc = {
            "input_ids": torch.tensor([e.ids for e in encodings]),
            "attention_mask": torch.tensor([e.attention_mask for e in encodings]),
        }
        hidden = self._hidden(enc)
        mask = enc["attention_mask"]
        # Both poolings at once, as one batched product: (rows, [all tokens, target], tokens).
        masks = torch.zeros(mask.shape[0], 2, mask.shape[1])
        masks[:, 0] = mask
        for r, (text, e) in enumerate(zip(texts, encodings, strict=True)):
            # A passage that filled the window and left tokens over was cut.
            out[r].truncated = cut[r] or bool(e.overflowing)
            n = len(e.ids) - e.attention_mask.count(0)
            masks[r, 1, :n] = token_mask(e.offsets[:n], force_spans(text, _TARGET))
        means = torch.bmm(masks, hidden) / masks.sum(dim=2, keepdim=True).clamp(min=1.0)
        pooled, target = means[:, 0], means[:, 1]
        return pooled, target, self._combine(torch.sigmoid(self.heads.topic_logits(pooled)), texts)

    def _in_context(
        self,
        probs: torch.Tensor,
        rows: list[int],
        articles: list | None,
        headlines: list[bool] | None,
    ) -> torch.Tensor:
        """Topic probabilities mixed with each passage's article: its headline's and its mean."""
        return mix_in_context(
            probs, rows, articles, headlines, self.context_headline, self.context_article
        )

    def _stance(
        self,
        rows: list[int],
        pooled: torch.Tensor,
        target: torch.Tensor,
        topic_probs: torch.Tensor,
        out: list[PassageResult],
    ) -> None:
        """Choose the topics of `rows` and score their stance on each."""
        index = torch.tensor(rows)
        chosen = select_topics(topic_probs[index], self.threshold, self.floor)
        pairs = [(rows[r], t) for r, t in chosen.nonzero().tolist()]
        if not pairs:
            return
        at = torch.tensor([r for r, _ in pairs])
        topics = torch.tensor([t for _, t in pairs])
        probs = torch.softmax(
            self.heads.stance_logits(pooled[at], target[at], topics) / self.temperature, dim=-1
        ).tolist()
        for (r, t), p_row in zip(pairs, probs, strict=True):
            p = dict(zip(STANCES, p_row, strict=True))
            uncertain = max(p_row) < self.abstain_below
            out[r].topics.append(
                TopicScore(
                    topic=self.topics[t],
                    label="neutral" if uncertain else max(STANCES, key=lambda s: p[s]),
                    score=round(p["positive"] - p["negative"], 6),
                    p_positive=round(p["positive"], 6),
                    p_neutral=round(p["neutral"], 6),
                    p_negative=round(p["negative"], 6),
                    topic_prob=round(float(topic_probs[r, t]), 6),
                    uncertain=uncertain,
                )
            )

    @torch.inference_mode()
    def stance_for(
        self, texts: list[str], topics: list[int], spans: list[list[tuple[int, int]] | None]
    ) -> torch.Tensor:
        """Stance probabilities for given (passage, topic, target spans); used by evaluation.

        Args:
            texts: passages.
            topics: topic index per passage (`heads.NO_TOPIC` for an external target).
            spans: target character spans per passage; None = the force's mentions.

        Returns:
            (len(texts), 3) probabilities in `heads.STANCES` order.
        """
        out = torch.zeros(len(texts), len(STANCES))
        for batch, enc, hidden in self._encoded(texts, offsets=True):
            pooled = masked_mean(hidden, enc["attention_mask"])
            tmasks = torch.zeros(hidden.shape[:2])
            for r, i in enumerate(batch):
                n = int(enc["attention_mask"][r].sum())
                offsets = [tuple(o) for o in enc["offset_mapping"][r, :n].tolist()]
                sp = spans[i] if spans[i] is not None else force_spans(texts[i], _TARGET)
                tmasks[r, :n] = token_mask(offsets, sp)
            target = masked_mean(hidden, tmasks)
            logits = self.heads.stance_logits(
                pooled, target, torch.tensor([topics[i] for i in batch])
            )
            out[batch] = torch.softmax(logits / self.temperature, dim=-1)
        return out

    def _encoded(self, texts: list[str], offsets: bool = False):
        """Length-sorted batches of `texts`: (indices, tokenizer output, last hidden states)."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            enc = self.tokenizer(
                [texts[i] for i in batch],
                padding=True,
                truncation=True,
                max_length=self.max_tokens,
                return_tensors="pt",
                return_offsets_mapping=offsets,
            )
            yield batch, enc, self._hidden(enc)

    def _hidden(self, enc) -> torch.Tensor:
        """(batch, tokens, 384) last hidden states from the configured runtime."""
        if self._fast is not None:
            return self._fast(enc["input_ids"], enc["attention_mask"])
        return self.encoder(
            input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]
        ).last_hidden_state

    @torch.inference_mode()
    def pooled(self, texts: list[str]) -> torch.Tensor:
        """(len(texts), 384) mean-pooled passage vectors (the topic head's input)."""
        out = torch.zeros(len(texts), self.encoder.config.hidden_size)
        for batch, enc, hidden in self._encoded(texts):
            out[batch] = masked_mean(hidden, enc["attention_mask"])
        return out

    @torch.inference_mode()
    def topic_probs(self, texts: list[str]) -> torch.Tensor:
        """(len(texts), len(self.topics)) topic probabilities, in `self.topics` order."""
        if not texts:
            return torch.zeros(0, len(self.topics))
        return self._combine(torch.sigmoid(self.heads.topic_logits(self.pooled(texts))), texts)

    def _combine(self, encoder_probs: torch.Tensor, texts: list[str]) -> torch.Tensor:
        """Mix the encoder head's topic probabilities with the word-level model's, weighted
        by the encoder share picked on dev (`model.json` `topic_encoder_share`)."""
        if self.lexical is None:
            return encoder_probs
        lexical = torch.from_numpy(self.lexical.probs(texts).astype("float32"))
        return self.encoder_share * encoder_probs + (1 - self.encoder_share) * lexical


_CACHE: dict[tuple, ConfidenceModel] = {}
_CACHE_LOCK = threading.Lock()


def load_model(model_cfg=None) -> ConfidenceModel:
    """The model named by the config (cached per process).

    Args:
        model_cfg: `core.config.Model` (path, batch_size, max_tokens, runtime, cache_dir);
            None = defaults.

    Returns:
        A loaded `ConfidenceModel`.

    Raises:
        ModelMissingError: when the model folder lacks its files.
    """
    path = Path(getattr(model_cfg, "path", None) or MODEL_DIR)
    batch = int(getattr(model_cfg, "batch_size", 32))
    max_tokens = int(getattr(model_cfg, "max_tokens", 128))
    runtime = getattr(model_cfg, "runtime", "auto")
    cache_dir = getattr(model_cfg, "cache_dir", None)
    key = (str(path.resolve()), batch, max_tokens, runtime, cache_dir)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = ConfidenceModel(path, batch, max_tokens, runtime, cache_dir)
            logger.info(
                "loaded model %s version %s from %s (runtime %s)",
                _CACHE[key].name,
                _CACHE[key].version,
                path,
                _CACHE[key].runtime,
            )
        return _CACHE[key]
