"""Hashed n-gram features and linear scorers: what the learned detectors of the classifier and the checker share.

Character 1-4 grams (Chinese, and English morphology) and English word 1-2 grams, hashed (stateless, no
vocabulary to store), TF-IDF weighted (sublinear tf, idf learned from the training texts), scored by one
logistic regression per label (scikit-learn, deterministic). A trained model is plain arrays (a weight table,
biases, the idf vector) cached as .npz, never pickled code.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression

__all__ = ["LinearModel", "train_linear", "save_arrays", "load_arrays"]


def _vectorizers(bits: int) -> tuple[HashingVectorizer, HashingVectorizer]:
    chars = HashingVectorizer(analyzer="char", ngram_range=(1, 4), n_features=1 << bits, alternate_sign=False, norm=None)
    words = HashingVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z']+\b",
                              n_features=1 << bits, alternate_sign=False, norm=None)  # fmt: skip
    return chars, words


def train_linear(texts: list[str], labels: list[set[str]], names: list[str], *, bits: int, c: float,
                 multiclass: bool = False) -> dict[str, np.ndarray]:  # fmt: skip
    """Fit one logistic regression per name (one-vs-rest), or one multinomial model when `multiclass`."""
    chars, words = _vectorizers(bits)
    tfidf = TfidfTransformer(sublinear_tf=True)
    x = tfidf.fit_transform(sparse.hstack([chars.transform(texts), words.transform(texts)]).tocsr())
    weights = np.zeros((x.shape[1], len(names)), np.float32)
    bias = np.zeros(len(names), np.float32)
    if multiclass:
        y = np.array([names.index(next(iter(lab))) for lab in labels])
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)  # lbfgs: deterministic
        model.fit(x, y)
        weights[:, model.classes_] = model.coef_.T
        bias[model.classes_] = model.intercept_
    else:
        for k, name in enumerate(names):
            y = np.array([name in lab for lab in labels])
            if y.all() or not y.any():
                bias[k] = 10.0 if y.all() else -10.0
                continue
            model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=0, max_iter=2000)
            model.fit(x, y)
            weights[:, k], bias[k] = model.coef_[0], model.intercept_[0]
    used = np.flatnonzero(np.abs(weights).sum(axis=1))
    return {"columns": used.astype(np.int64), "weights": weights[used], "bias": bias, "names": np.array(names),
            "idf": tfidf.idf_.astype(np.float32), "multiclass": np.array(multiclass)}  # fmt: skip


class LinearModel:
    """Scores texts with trained arrays: probabilities per name (sigmoid one-vs-rest, or softmax)."""

    def __init__(self, arrays: dict[str, np.ndarray], bits: int) -> None:
        self.names = [str(n) for n in arrays["names"]]
        self.chars, self.words = _vectorizers(bits)
        self.half = 1 << bits  # character features first, then word features
        self.idf = arrays["idf"]
        self.table = np.zeros((len(self.idf), len(self.names)), np.float32)
        self.table[arrays["columns"]] = arrays["weights"]
        self.bias = arrays["bias"].astype(np.float32)
        self.multiclass = bool(arrays["multiclass"])

    def scores(self, texts: list[str]) -> np.ndarray:
        # the two halves are scored apart: stacking the sparse matrices costs more than the products
        raw: np.ndarray | float = 0.0
        squares = np.zeros(len(texts), np.float32)
        for x, lo in ((self.chars.transform(texts), 0), (self.words.transform(texts), self.half)):
            if not x.nnz:
                continue
            x = x.tocsr().astype(np.float32)
            x.data = (1.0 + np.log(x.data)) * self.idf[lo + x.indices]  # sublinear tf × idf, as in training
            squares += np.asarray(x.multiply(x).sum(axis=1)).ravel()
            raw = raw + np.asarray(x @ self.table[lo : lo + self.half])
        return raw / np.sqrt(squares).clip(min=1e-12)[:, None] + self.bias

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """(texts × names) probabilities."""
        if not texts:
            return np.zeros((0, len(self.names)), np.float32)
        z = self.scores(texts)
        if self.multiclass:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        return 1.0 / (1.0 + np.exp(-z))


def save_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Atomically: a concurrent reader sees the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz")
    with os.fdopen(fd, "wb") as fh:
        np.savez_compressed(fh, **arrays)
    os.replace(tmp, path)


def load_arrays(path: Path, keys: tuple[str, ...]) -> dict[str, np.ndarray] | None:
    """The cached arrays, or None when absent or damaged (then the caller retrains)."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in keys}
    except (OSError, ValueError, KeyError):
        return None
