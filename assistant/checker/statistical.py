"""The learned proposer: a sentence-level classifier per violation code, beside the legality patterns.

Regex rules only know the phrasings someone wrote down, so a second, general proposer scores every
sentence for each violation code: hashed character 1-4 grams and English word 1-2 grams, TF-IDF
weighted, and one logistic regression per code (scikit-learn). It only *proposes*: a proposal above the
code's threshold (knowledge/rules/_statistical.yaml, set on the dev split) becomes a finding only when the
code's context cues (_context.yaml) do not cancel it, and only where no pattern already found that code in
that sentence; the finding names the model and its probability.

Training data, all readable files: the collection messages written blind to the rules
(knowledge/training/messages/*.jsonl, each code with the span that carries it; a sentence is a positive
for a code when it overlaps that code's span) and the handwritten lawful sentences and letter templates
(knowledge/rules/examples.jsonl). Never an eval file. Training is deterministic (fixed solver seed, files
in sorted order) and takes seconds; the model is cached under settings.data_dir/checker_model, keyed by
the content hash of every training file, the settings and MODEL_VERSION. No binary model is committed.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
from pydantic import ConfigDict, Field

from assistant.checker.message_model import ANY, MessageModel, MessageSetting, build_message_model, message_rows
from assistant.errors import RuleError
from assistant.models import Model, ViolationCode
from assistant.settings import KNOWLEDGE_DIR, get_settings
from assistant.text.datafiles import load_model, read_jsonl
from assistant.text.ngrams import LinearModel, load_arrays, save_arrays, train_linear
from assistant.text.segment import sentence_spans

__all__ = ["StatisticalConfig", "Proposer", "get_proposer", "proposer_for", "load_examples", "sentence_spans", "MODEL_VERSION"]

MODEL_VERSION = "6-message"  # bump when featurisation or training changes: old caches are then ignored
CONFIG_FILE = "_statistical.yaml"
# Codes decided by numbers, articles and hours are the structural checks' job, never a sentence model's.
STRUCTURAL_CODES = {ViolationCode.CONTACT_TIME, ViolationCode.CITATION_INVALID}


class CodeSetting(Model):
    model_config = ConfigDict(frozen=True)
    threshold: float = Field(gt=0, lt=1)  # probability a proposal needs
    cancel: list[str] = Field(default_factory=list)  # context cues that cancel it (sentence-wide)


class StatisticalConfig(Model):
    model_config = ConfigDict(frozen=True)
    examples: str = "examples.jsonl"  # sentence-level examples in the rules directory
    training: list[str] = Field(default_factory=list)  # globs of message batches, relative to knowledge/
    hash_bits: int = Field(default=18, ge=12, le=22)
    c: float = Field(default=4.0, gt=0)  # inverse L2 strength of each logistic regression
    codes: dict[ViolationCode, CodeSetting]
    message: MessageSetting | None = None  # the message-level detector (message_model.py); None = off


# --------------------------------------------------------------------------- training data


def load_examples(path: Path) -> list[tuple[str, list[str]]]:
    """(sentence, codes) per example; lines starting with '#' are the file's header."""
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RuleError(f"{path}: cannot read examples: {exc}") from exc
    for no, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            row = json.loads(line)
            out.append((str(row["text"]), [ViolationCode(c).value for c in row["codes"]]))
        except (ValueError, KeyError, TypeError) as exc:
            raise RuleError(f"{path.name}:{no}: bad example: {exc}") from exc
    if not out:
        raise RuleError(f"{path}: no examples")
    return out


def training_files(cfg: StatisticalConfig, knowledge_dir: Path = KNOWLEDGE_DIR) -> list[Path]:
    return sorted({p for pattern in cfg.training for p in knowledge_dir.glob(pattern)})


def message_sentences(path: Path) -> list[tuple[str, list[str]]]:
    """The sentences of each labelled message, each with the codes whose span it overlaps."""
    def parse(row: dict) -> tuple[str, list[tuple[str, str]]]:
        return str(row["text"]), [(ViolationCode(c["code"]).value, str(c["span"])) for c in row["codes"]]

    out = []
    for text, labels in read_jsonl(path, parse, what="training message"):
        located = [(code, text.find(span), len(span)) for code, span in labels]
        for lo, hi in sentence_spans(text):
            codes = sorted({code for code, at, n in located if at >= 0 and at < hi and lo < at + n})
            out.append((text[lo:hi], codes))
    return out


def _train(rows: list[tuple[str, list[str]]], codes: list[str], cfg: StatisticalConfig) -> dict[str, np.ndarray]:
    return train_linear([t for t, _ in rows], [set(labels) for _, labels in rows], codes, bits=cfg.hash_bits, c=cfg.c)


class Proposer:
    """Scores sentences for each configured code; `propose` returns (sentence index, code, probability)."""

    def __init__(self, cfg: StatisticalConfig, model: dict[str, np.ndarray], key: str,
                 message: MessageModel | None = None) -> None:  # fmt: skip
        self.cfg, self.key, self.message = cfg, key, message
        self.linear = LinearModel(model, cfg.hash_bits)
        self.codes = [ViolationCode(c) for c in self.linear.names]
        self.thresholds = np.array([cfg.codes[c].threshold for c in self.codes], np.float32)
        self.cue_names = frozenset(name for c in self.codes for name in cfg.codes[c].cancel)

    def probabilities_of(self, sentences: list[str]) -> np.ndarray:
        """(sentences × codes) probabilities."""
        return self.linear.probabilities(sentences)

    def probabilities(self, text: str, spans: list[tuple[int, int]]) -> np.ndarray:
        return self.probabilities_of([text[a:b] for a, b in spans])

    def propose(self, text: str, spans: list[tuple[int, int]], probs: np.ndarray | None = None) -> list[tuple[int, ViolationCode, float]]:
        """Proposals above each code's threshold; `probs` when the caller already scored these spans."""
        if not spans:
            return []
        probs = self.probabilities(text, spans) if probs is None else probs
        rows, cols = np.nonzero(probs >= self.thresholds)
        return [(int(i), self.codes[int(k)], float(probs[i, k])) for i, k in zip(rows.tolist(), cols.tolist())]


def load_config(directory: Path) -> StatisticalConfig | None:
    path = directory / CONFIG_FILE
    if not path.is_file():
        return None  # no statistical layer configured: patterns only
    return load_model(path, StatisticalConfig, error=RuleError)


def model_key(directory: Path, cfg: StatisticalConfig) -> str:
    h = hashlib.sha256((directory / cfg.examples).read_bytes())
    for path in training_files(cfg):
        h.update(path.name.encode() + path.read_bytes())
    settings = cfg.model_dump(exclude={"codes", "message"}, mode="json")  # thresholds do not change training
    h.update(json.dumps([settings, sorted(c.value for c in cfg.codes), MODEL_VERSION], sort_keys=True).encode())
    return h.hexdigest()[:20]


def build_proposer(directory: Path, cache_dir: Path) -> Proposer | None:
    """Load the cached model for these examples, or train and cache it."""
    cfg = load_config(directory)
    if cfg is None:
        return None
    if not (directory / cfg.examples).is_file():
        raise RuleError(f"{CONFIG_FILE}: examples file {cfg.examples} not found")
    key = model_key(directory, cfg)
    path = cache_dir / f"model-{key}.npz"
    codes = sorted(c.value for c in cfg.codes if c not in STRUCTURAL_CODES)
    examples = load_examples(directory / cfg.examples)
    model = load_arrays(path, ("columns", "weights", "bias", "names", "idf", "multiclass"))
    if model is None:  # absent or damaged: train
        rows = list(examples)
        for batch in training_files(cfg):
            rows += message_sentences(batch)
        model = _train(rows, codes, cfg)
        save_arrays(path, model)
    c = cfg.message.c if cfg.message is not None and cfg.message.c else cfg.c
    return Proposer(cfg, model, key, _message_model(cfg, examples, codes, cache_dir / f"message-{key}-c{c:g}.npz"))


def _message_model(cfg: StatisticalConfig, examples: list[tuple[str, list[str]]], codes: list[str],
                   path: Path) -> MessageModel | None:  # fmt: skip
    if cfg.message is None:
        return None
    learnable = set(codes)

    def rows() -> list[tuple[str, set[str]]]:
        out = [(t, (found := set(labels) & learnable) | ({ANY} if found else set())) for t, labels in examples]
        for batch in training_files(cfg):
            out += message_rows(batch, learnable)
        return out

    return build_message_model(cfg.message, rows, codes, bits=cfg.hash_bits, c=cfg.message.c or cfg.c, path=path)


@lru_cache(maxsize=4)
def get_proposer(directory: str, cache_dir: str) -> Proposer | None:
    return build_proposer(Path(directory), Path(cache_dir))


_BY_DATA_DIR: dict[tuple[str, object], Proposer | None] = {}


def proposer_for(directory: str) -> Proposer | None:
    """The proposer for a rules directory, its model cached under settings.data_dir/checker_model."""
    cache = (Path(get_settings().data_dir) / "checker_model").resolve()
    key = (directory, cache)
    if key not in _BY_DATA_DIR:
        _BY_DATA_DIR[key] = get_proposer(directory, str(cache))
    return _BY_DATA_DIR[key]
