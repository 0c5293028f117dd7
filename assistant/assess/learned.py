"""A learned reading of the whole narrative, beside the signal rules.

The signal rules are transparent but only know the phrasings someone wrote down; on narratives nobody tuned
them on they answer `unclear` for clear cases, or miss a contradiction. This model reads the narrative as a
whole: hashed character and word n-grams (assistant.text.ngrams) and one multinomial logistic regression over
hardship / bad_faith / unclear, trained on narratives written blind to the rules (knowledge/training/narratives,
listed in evals/batches.yaml). Training is deterministic, takes seconds, and the arrays are cached under
settings.data_dir/assess_model by the content hash of the data and the settings.

How its answer joins the rules' (knowledge/assess_model.yaml, thresholds set on the dev split by
scripts/tune_classifier.py): when the rules say `unclear`, a model at least `decide_when_unclear` sure decides;
a definite rule verdict is overturned only when the model is at least `overrule` sure of another label.
Either way the assessment says so and shows the model's probabilities.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import lru_cache
from pathlib import Path

import numpy as np
from pydantic import ConfigDict, Field
from sklearn.linear_model import LogisticRegression

from assistant.errors import RuleError
from assistant.models import Category, Model
from assistant.settings import KNOWLEDGE_DIR, get_settings
from assistant.text.datafiles import load_model, read_jsonl
from assistant.text.embeddings import SentenceEmbeddings
from assistant.text.ngrams import LinearModel, load_arrays, save_arrays, train_linear

log = logging.getLogger(__name__)

__all__ = ["AssessModelConfig", "NarrativeModel", "load_assess_config", "narrative_model", "LABELS"]

CONFIG_FILE = KNOWLEDGE_DIR / "assess_model.yaml"
MODEL_VERSION = "1"
LABELS = [c.value for c in Category]


class Fusion(Model):
    model_config = ConfigDict(frozen=True)
    decide_when_unclear: float = Field(ge=0, le=1)  # the model decides where the rules found too little
    overrule: float = Field(ge=0, le=1)  # the model overturns a definite rule verdict (1 = never)
    margin: float = Field(default=0.0, ge=0, le=1)  # ... and only when it prefers its label by this much
    against_evidence: float = Field(default=0.0, ge=0, le=1)  # sureness needed to contradict the rules' axis evidence


class AssessModelConfig(Model):
    model_config = ConfigDict(frozen=True)
    training: list[str]  # globs of narrative batches, relative to knowledge/
    hash_bits: int = Field(default=18, ge=12, le=22)
    c: float = Field(default=2.0, gt=0)
    # a second reader over the e5 sentence embedding of the narrative (the model the law index uses): it reads
    # meaning where the n-grams read wording; the two are averaged. None = n-grams only.
    embedding_c: float | None = Field(default=None, gt=0)
    fusion: Fusion


@lru_cache(maxsize=4)
def load_assess_config(path: Path = CONFIG_FILE) -> AssessModelConfig:
    return load_model(path, AssessModelConfig, error=RuleError)


def _training_rows(cfg: AssessModelConfig, knowledge_dir: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    files = sorted({p for pattern in cfg.training for p in knowledge_dir.glob(pattern)})
    rows = []
    for path in files:
        rows += read_jsonl(path, lambda row: (str(row["narrative"]), Category(row["label"]).value), what="training narrative")
    return files, rows


class EmbeddingHead:
    """A multinomial logistic regression over the e5 embedding of the narrative (rows in LABELS order)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.coef, self.intercept = arrays["coef"], arrays["intercept"]
        self.embedder = SentenceEmbeddings(document_kind="query")

    def probabilities(self, narrative: str) -> np.ndarray:
        z = self.embedder.embed_array([narrative], kind="query")[0] @ self.coef.T + self.intercept
        e = np.exp(z - z.max())
        return e / e.sum()


class NarrativeModel:
    """Probabilities of hardship / bad_faith / unclear for a narrative."""

    def __init__(self, cfg: AssessModelConfig, linear: LinearModel, trained_on: int, head: EmbeddingHead | None = None) -> None:
        self.cfg, self.linear, self.trained_on, self.head = cfg, linear, trained_on, head

    def probabilities(self, narrative: str) -> dict[str, float]:
        probs = self.linear.probabilities([narrative])[0]
        if self.head is not None:
            probs = (probs + self.head.probabilities(narrative)) / 2
        return {name: round(float(p), 4) for name, p in zip(self.linear.names, probs, strict=True)}


def _embedding_head(cfg: AssessModelConfig, rows: list[tuple[str, str]], cache_dir: Path, data_key: str) -> EmbeddingHead | None:
    if cfg.embedding_c is None:
        return None
    key = hashlib.sha256(f"{data_key}|{get_settings().embedding_model}|{cfg.embedding_c}|{MODEL_VERSION}".encode()).hexdigest()[:20]
    path = cache_dir / f"e5head-{key}.npz"
    try:
        arrays = load_arrays(path, ("coef", "intercept"))
        if arrays is None:  # embedding the training narratives takes a minute or two, once per data change
            x = SentenceEmbeddings(document_kind="query").embed_array([t for t, _ in rows], kind="query")
            lr = LogisticRegression(C=cfg.embedding_c, class_weight="balanced", max_iter=5000).fit(x, [y for _, y in rows])
            order = [list(lr.classes_).index(label) for label in LABELS]
            arrays = {"coef": lr.coef_[order].astype(np.float32), "intercept": lr.intercept_[order].astype(np.float32)}
            save_arrays(path, arrays)
        return EmbeddingHead(arrays)
    except Exception as exc:  # noqa: BLE001 - no embedding model means the n-gram reader alone, never an error
        log.warning("narrative embedding head unavailable (%s); n-grams only", exc)
        return None


def build_narrative_model(cfg: AssessModelConfig, cache_dir: Path, knowledge_dir: Path = KNOWLEDGE_DIR) -> NarrativeModel | None:
    files, rows = _training_rows(cfg, knowledge_dir)
    if not rows:
        return None  # no training data: rules only
    h = hashlib.sha256(json.dumps([cfg.model_dump(mode="json", exclude={"fusion"}), MODEL_VERSION]).encode())
    for path in files:
        h.update(path.name.encode() + path.read_bytes())
    path = cache_dir / f"model-{h.hexdigest()[:20]}.npz"
    arrays = load_arrays(path, ("columns", "weights", "bias", "names", "idf", "multiclass"))
    if arrays is None:
        arrays = train_linear([t for t, _ in rows], [{label} for _, label in rows], LABELS, bits=cfg.hash_bits, c=cfg.c,
                              multiclass=True)  # fmt: skip
        save_arrays(path, arrays)
    head = _embedding_head(cfg, rows, cache_dir, h.hexdigest())
    return NarrativeModel(cfg, LinearModel(arrays, cfg.hash_bits), len(rows), head)


@lru_cache(maxsize=4)
def _cached(config_path: str, cache_dir: str) -> NarrativeModel | None:
    return build_narrative_model(load_assess_config(Path(config_path)), Path(cache_dir))


def narrative_model(config_path: Path = CONFIG_FILE) -> NarrativeModel | None:
    """The model for the current data directory, trained on first use; None without a config."""
    if not config_path.is_file():
        return None
    return _cached(str(config_path), str((Path(get_settings().data_dir) / "assess_model").resolve()))
