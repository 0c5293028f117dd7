"""The statistical proposer: a sentence-level classifier beside the legality patterns.

Regex rules generalise slowly to wordings nobody wrote down, so a second, general proposer scores
every sentence for each violation code: hashed character n-grams (1-3 for Chinese; 3-5 plus words
and word pairs for English) and one logistic regression per code (one-vs-rest), in numpy/scipy.
It only *proposes*: a proposal above the code's threshold (knowledge/rules/_statistical.yaml) becomes
a finding only when the shared context cues (_context.yaml: negation, reporting, quotation, a lawful
route …) do not cancel it, and only where no pattern already found that code in that sentence.

The model is trained deterministically (file order, no randomness, L-BFGS from zeros) on first use
from the readable examples file (knowledge/rules/examples.jsonl) and cached under
settings.data_dir/checker_model, keyed by the content hash of the examples, the training settings
and MODEL_VERSION; no binary model is committed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import zlib
from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import RuleError
from .models import ViolationCode

__all__ = ["StatisticalConfig", "Proposer", "get_proposer", "load_examples", "sentence_spans", "MODEL_VERSION"]

MODEL_VERSION = "1"  # bump when featurisation or training changes: old caches are then ignored
CONFIG_FILE = "_statistical.yaml"
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_PRIME = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier: multiplicative hashing, top bits kept
_WORD = re.compile(r"[a-z][a-z']*")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CodeSetting(_Strict):
    threshold: float = Field(gt=0, lt=1)  # probability a proposal needs
    cancel: list[str] = Field(default_factory=list)  # context cues that cancel it (sentence-wide)


class StatisticalConfig(_Strict):
    examples: str = "examples.jsonl"
    hash_bits: int = Field(default=18, ge=12, le=22)
    l2: float = Field(default=1e-3, gt=0)  # ridge penalty per example
    positive_weight_cap: float = Field(default=8.0, ge=1)  # rare codes: positives weighted up to this
    max_iterations: int = Field(default=250, ge=10, le=2000)
    codes: dict[ViolationCode, CodeSetting]


# --------------------------------------------------------------------------- features


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _hash(values: np.ndarray, salt: int, bits: int) -> np.ndarray:
    mixed = (values ^ np.uint64(salt * 0x51ED27)) * _MIX
    return (mixed >> np.uint64(64 - bits)).astype(np.int64)


def features(text: str, spans: list[tuple[int, int]], bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashed n-gram ids of `text` and the index of the span (sentence) each belongs to.

    N-grams never cross a span boundary; characters outside every span are ignored.
    """
    low = text.lower()
    if len(low) != len(text):  # lower() changed lengths (İ): keep offsets valid
        low = text
    n = len(low)
    if n == 0 or not spans:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    cp = _codepoints(low)
    sid = np.full(n, -1, np.int64)
    for i, (lo, hi) in enumerate(spans):
        sid[lo:hi] = i
    cjk = (cp >= 0x3400) & (cp <= 0x9FFF)
    letter = (cp >= 97) & (cp <= 122)
    ids, owners = [], []
    rolling = np.zeros(n, np.uint64)
    cjk_any = np.zeros(n, bool)
    letter_any = np.zeros(n, bool)
    for size in range(1, 6):
        m = n - size + 1
        if m <= 0:
            break
        rolling = rolling[:m] * _PRIME + cp[size - 1 : size - 1 + m]  # wraps modulo 2**64 by design
        cjk_any = cjk_any[:m] | cjk[size - 1 : size - 1 + m]
        letter_any = letter_any[:m] | letter[size - 1 : size - 1 + m]
        same = (sid[:m] >= 0) & (sid[:m] == sid[size - 1 : size - 1 + m])
        # Chinese: character 1-3 grams; English: character 3-5 grams holding a letter
        keep = same & ((cjk_any & (size <= 3)) | (~cjk_any & letter_any & (size >= 3)))
        if keep.any():
            ids.append(_hash(rolling[keep], size, bits))
            owners.append(sid[:m][keep])
    if letter.any():  # English words and word pairs
        words = [(m.start(), m.group()) for m in _WORD.finditer(low)]
        w_ids, w_own = [], []
        prev: tuple[int, str] | None = None
        for start, word in words:
            owner = sid[start]
            if owner < 0:
                prev = None
                continue
            w_ids.append(zlib.crc32(word.encode()))
            w_own.append(owner)
            if prev is not None and prev[0] == owner:
                w_ids.append(zlib.crc32(f"{prev[1]} {word}".encode()) + (1 << 32))
                w_own.append(owner)
            prev = (owner, word)
        if w_ids:
            ids.append(_hash(np.array(w_ids, np.uint64), 7, bits))
            owners.append(np.array(w_own, np.int64))
    if not ids:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(ids), np.concatenate(owners)


# --------------------------------------------------------------------------- sentences


def sentence_spans(seg_text: str, sentence_ends: list[int]) -> list[tuple[int, int]]:
    """Sentences as (start, end) with surrounding whitespace trimmed; empty ones dropped."""
    spans, lo = [], 0
    for hi in [*sentence_ends, len(seg_text)]:
        a, b = lo, hi
        while a < b and seg_text[a].isspace():
            a += 1
        while b > a and seg_text[b - 1].isspace():
            b -= 1
        if b > a and any(ch.isalnum() for ch in seg_text[a:b]):
            spans.append((a, b))
        lo = hi
    return spans


# --------------------------------------------------------------------------- training


def load_examples(path: Path) -> list[tuple[str, list[str]]]:
    """(text, codes) per example; lines starting with '#' are the file's header."""
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


def _one_blas_thread() -> AbstractContextManager[object]:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: without it training is only slower
        return nullcontext()
    return threadpool_limits(limits=1)


def _train(examples: list[tuple[str, list[str]]], codes: list[str], cfg: StatisticalConfig) -> dict[str, np.ndarray]:
    from scipy.optimize import minimize
    from scipy.sparse import csr_matrix

    rows, cols = [], []
    for i, (text, _) in enumerate(examples):
        spans = sentence_spans(text, [])
        ids, _own = features(text, spans, cfg.hash_bits)
        rows.append(np.full(len(ids), i, np.int64))
        cols.append(ids)
    row = np.concatenate(rows)
    col = np.concatenate(cols)
    used, local = np.unique(col, return_inverse=True)
    x = csr_matrix((np.ones(len(col)), (row, local)), shape=(len(examples), len(used)))
    x.sum_duplicates()
    norms = np.sqrt(np.asarray(x.sum(axis=1)).ravel()).clip(min=1.0)
    x = csr_matrix(x.multiply(1.0 / norms[:, None]))
    y = np.array([[c in ex_codes for c in codes] for _, ex_codes in examples], dtype=np.float64)
    pos = y.sum(axis=0)
    neg = len(examples) - pos
    pos_weight = np.clip(neg / np.maximum(pos, 1), 1.0, cfg.positive_weight_cap)
    sample_w = np.where(y > 0, pos_weight, 1.0)
    n, n_codes = len(examples), len(codes)
    lam = cfg.l2 * n
    # Far fewer examples than features: by the representer theorem the L2-regularised optimum is
    # w = X^T a, so we optimise the n x codes coefficients a over the Gram matrix K = X X^T
    # (seconds instead of minutes; the same minimum).
    gram = np.asarray((x @ x.T).todense())

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        a = theta[: n * n_codes].reshape(n, n_codes)
        b = theta[n * n_codes :]
        ka = gram @ a
        z = ka + b
        value = np.sum(sample_w * (np.logaddexp(0, z) - y * z)) + 0.5 * lam * np.sum(a * ka)
        g = sample_w * (0.5 * (1.0 + np.tanh(0.5 * z)) - y)  # sigmoid(z) - y, overflow-free
        grad_a = gram @ (g + lam * a)
        return float(value), np.concatenate([grad_a.ravel(), g.sum(axis=0)])

    theta0 = np.zeros(n * n_codes + n_codes)
    with _one_blas_thread():  # threaded BLAS on small matrices only spins on a shared CPU (5x slower)
        result = minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": cfg.max_iterations})
    a = result.x[: n * n_codes].reshape(n, n_codes)
    w = np.asarray(x.T @ a).astype(np.float32)
    b = result.x[n * n_codes :].astype(np.float32)
    return {"columns": used.astype(np.int64), "weights": w, "bias": b, "codes": np.array(codes)}


class Proposer:
    """Scores sentences for each configured code; `propose` returns (span, code, probability)."""

    def __init__(self, cfg: StatisticalConfig, model: dict[str, np.ndarray], key: str) -> None:
        self.cfg, self.key = cfg, key
        self.codes = [ViolationCode(str(c)) for c in model["codes"]]
        self.table = np.zeros((1 << cfg.hash_bits, len(self.codes)), np.float32)
        self.table[model["columns"]] = model["weights"]
        self.bias = model["bias"].astype(np.float32)
        self.thresholds = np.array([cfg.codes[c].threshold for c in self.codes], np.float32)

    def probabilities(self, text: str, spans: list[tuple[int, int]]) -> np.ndarray:
        """(sentences × codes) probabilities."""
        ids, owners = features(text, spans, self.cfg.hash_bits)
        n = len(spans)
        scores = np.zeros((n, len(self.codes)), np.float32)
        if len(ids):
            membership = (owners[None, :] == np.arange(n)[:, None]).astype(np.float32)
            counts = membership.sum(axis=1).clip(min=1.0)
            scores = (membership @ self.table[ids]) / np.sqrt(counts)[:, None]
        return 1.0 / (1.0 + np.exp(-(scores + self.bias)))

    def propose(self, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, ViolationCode, float]]:
        if not spans:
            return []
        probs = self.probabilities(text, spans)
        hits = np.argwhere(probs >= self.thresholds)
        return [(int(i), self.codes[int(k)], float(probs[i, k])) for i, k in hits]


def load_config(directory: Path) -> StatisticalConfig | None:
    path = directory / CONFIG_FILE
    if not path.is_file():
        return None  # no statistical layer configured: patterns only
    try:
        return StatisticalConfig.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise RuleError(f"{CONFIG_FILE}: {exc}") from exc


def model_key(directory: Path, cfg: StatisticalConfig) -> str:
    examples = (directory / cfg.examples).read_bytes()
    training = cfg.model_dump(exclude={"codes"}, mode="json")
    h = hashlib.sha256(examples)
    h.update(json.dumps([training, sorted(c.value for c in cfg.codes), MODEL_VERSION], sort_keys=True).encode())
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
    model: dict[str, np.ndarray] | None = None
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as data:
                model = {k: data[k] for k in ("columns", "weights", "bias", "codes")}
        except (OSError, ValueError, KeyError):
            model = None  # a damaged cache is retrained
    if model is None:
        codes = sorted(c.value for c in cfg.codes)
        model = _train(load_examples(directory / cfg.examples), codes, cfg)
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".npz")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **model)
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the whole new one
    return Proposer(cfg, model, key)


@lru_cache(maxsize=4)
def get_proposer(directory: str, cache_dir: str) -> Proposer | None:
    return build_proposer(Path(directory), Path(cache_dir))
