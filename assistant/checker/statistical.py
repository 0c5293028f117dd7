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
import tempfile
from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from pathlib import Path

import numpy as np
from pydantic import ConfigDict, Field

from assistant.errors import RuleError
from assistant.models import Model, ViolationCode
from assistant.settings import get_settings
from assistant.text.datafiles import load_model
from assistant.text.segment import sentence_spans

__all__ = ["StatisticalConfig", "Proposer", "get_proposer", "proposer_for", "load_examples", "sentence_spans", "MODEL_VERSION"]

MODEL_VERSION = "3"  # bump when featurisation or training changes: old caches are then ignored
CONFIG_FILE = "_statistical.yaml"
_PRIME = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier: multiplicative hashing, top bits kept


class _Strict(Model):
    model_config = ConfigDict(frozen=True)


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


_INV_PRIME = np.uint64(pow(1_000_003, -1, 1 << 64))  # odd numbers are invertible modulo 2**64
_APOSTROPHE = np.uint32(39)
_SIZE_SALT = np.uint64(0x2545F4914F6CDD1D)
_CJK_FIRST, _CJK_LAST, _LOWER_A, _LOWER_Z = np.uint32(0x3400), np.uint32(0x9FFF), np.uint32(97), np.uint32(122)


def _hash(values: np.ndarray, salt: int, bits: int) -> np.ndarray:
    mixed = (values ^ np.uint64(salt * 0x51ED27)) * _MIX
    return (mixed >> np.uint64(64 - bits)).astype(np.int64)


_POWER_CACHE: list[tuple[np.ndarray, np.ndarray]] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P^a and P^-a (mod 2**64) for a < n, computed once and grown on demand."""
    if not _POWER_CACHE or len(_POWER_CACHE[0][0]) < n:
        size = max(n, 4096)
        with np.errstate(over="ignore"):
            up = np.ones(size, np.uint64)
            up[1:] = np.cumprod(np.full(size - 1, _PRIME, np.uint64))
            down = np.ones(size, np.uint64)
            down[1:] = np.cumprod(np.full(size - 1, _INV_PRIME, np.uint64))
        _POWER_CACHE[:] = [(up, down)]
    up, down = _POWER_CACHE[0]
    return up[:n], down[:n]


def features(text: str, spans: list[tuple[int, int]], bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashed n-gram ids of `text` and the index of the span (sentence) each belongs to.

    N-grams never cross a span boundary; characters outside every span are ignored. Every substring
    hash comes from one prefix sum (h(a, b) = (A[b] - A[a]) · P^-a modulo 2**64), so the whole text is
    featurised in a few vector operations instead of a loop over characters.
    """
    low = text.lower()
    if len(low) != len(text):  # lower() changed lengths (İ): keep offsets valid
        low = text
    n = len(low)
    if n == 0 or not spans:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    cp32 = np.frombuffer(low.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cp = cp32.astype(np.uint64)
    bounds = np.array(spans, np.int64)
    opened = np.zeros(n + 1, np.int64)
    opened[bounds[:, 0]] = 1
    depth = opened.copy()
    depth[bounds[:, 1]] -= 1  # spans are sorted and disjoint: no index repeats within one assignment
    sid = np.where(np.cumsum(depth[:n]) > 0, np.cumsum(opened[:n]) - 1, -1)  # span index, -1 outside
    powers, unscale = _powers(n)  # P^a and P^-a for a = 0..n-1
    prefix = np.zeros(n + 1, np.uint64)
    with np.errstate(over="ignore"):
        np.cumsum(cp * powers, out=prefix[1:])
    cjk = (cp32 >= _CJK_FIRST) & (cp32 <= _CJK_LAST)  # uint32 against uint32: the fast comparison loop
    letter = (cp32 >= _LOWER_A) & (cp32 <= _LOWER_Z)
    has_cjk, has_letter = bool(cjk.any()), bool(letter.any())
    cjk_count = np.zeros(n + 1, np.int32)
    np.cumsum(cjk, out=cjk_count[1:])
    letter_count = np.zeros(n + 1, np.int32)
    np.cumsum(letter, out=letter_count[1:])
    # Chinese: character 1-3 grams; English: character 3-5 grams holding a letter; all sizes at once
    sizes = np.array(sorted(({1, 2, 3} if has_cjk else set()) | ({3, 4, 5} if has_letter else set())), np.int64)
    if len(sizes) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    a = np.broadcast_to(np.arange(n), (len(sizes), n)).ravel()
    size = np.repeat(sizes, n)
    b = a + size
    fits = b <= n
    a, size, b = a[fits], size[fits], b[fits]
    own = sid[a]
    cjk_in = cjk_count[b] > cjk_count[a]
    letter_in = letter_count[b] > letter_count[a]
    keep = (own >= 0) & (own == sid[b - 1]) & np.where(size < 3, cjk_in, np.where(size == 3, cjk_in | letter_in, ~cjk_in & letter_in))
    a, size, b, own = a[keep], size[keep], b[keep], own[keep]
    with np.errstate(over="ignore"):
        values = ((prefix[b] - prefix[a]) * unscale[a]) ^ (size.astype(np.uint64) * _SIZE_SALT)
    ids, owners = [_hash(values, 0, bits)], [own]
    if has_letter:  # English words and word pairs
        padded = np.zeros(n + 2, np.int8)
        padded[1:-1] = letter | (cp32 == _APOSTROPHE)
        edges = np.diff(padded)
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        if len(starts):
            own = sid[starts]
            ok = (own >= 0) & (own == sid[ends - 1])
            with np.errstate(over="ignore"):
                values = (prefix[ends] - prefix[starts]) * unscale[starts]
                pairs = values[:-1] * _MIX + values[1:]
            pair_ok = ok[:-1] & ok[1:] & (own[:-1] == own[1:])
            ids += [_hash(values[ok], 6, bits), _hash(pairs[pair_ok], 7, bits)]
            owners += [own[ok], own[:-1][pair_ok]]
    return np.concatenate(ids), np.concatenate(owners)


# --------------------------------------------------------------------------- sentences




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
        self.cue_names = frozenset(name for c in self.codes for name in cfg.codes[c].cancel)

    def probabilities(self, text: str, spans: list[tuple[int, int]]) -> np.ndarray:
        """(sentences × codes) probabilities."""
        ids, owners = features(text, spans, self.cfg.hash_bits)
        n = len(spans)
        scores = np.zeros((n, len(self.codes)), np.float32)
        if len(ids):
            membership = (owners[None, :] == np.arange(n)[:, None]).astype(np.float32)
            counts = membership.sum(axis=1).clip(min=1.0)
            scores = (membership @ np.take(self.table, ids, axis=0)) / np.sqrt(counts)[:, None]
        return 1.0 / (1.0 + np.exp(-(scores + self.bias)))

    def propose(self, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, ViolationCode, float]]:
        if not spans:
            return []
        probs = self.probabilities(text, spans)
        rows, cols = np.nonzero(probs >= self.thresholds)
        return [(int(i), self.codes[int(k)], float(probs[i, k])) for i, k in zip(rows.tolist(), cols.tolist())]


def load_config(directory: Path) -> StatisticalConfig | None:
    path = directory / CONFIG_FILE
    if not path.is_file():
        return None  # no statistical layer configured: patterns only
    return load_model(path, StatisticalConfig, error=RuleError)


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


_BY_DATA_DIR: dict[tuple[str, object], Proposer | None] = {}


def proposer_for(directory: str) -> Proposer | None:
    """The proposer for a rules directory, its model cached under settings.data_dir/checker_model."""
    cache = (Path(get_settings().data_dir) / "checker_model").resolve()
    key = (directory, cache)
    if key not in _BY_DATA_DIR:
        _BY_DATA_DIR[key] = get_proposer(directory, str(cache))
    return _BY_DATA_DIR[key]
