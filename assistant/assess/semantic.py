"""Semantic debtor signals: a clause close in meaning to a signal's prototypes fires that signal.

The regex lexicon misses wordings it has never seen (他一直躲着我, he was made redundant). Each clause of
the narrative is embedded with the project's offline model and compared with the short example
phrasings (``prototypes``) every signal carries in ``knowledge/signals.yaml``. A clause fires the
nearest signal when its cosine reaches the threshold, stands clear of neutral story sentences
(``semantic.background``) and of the best signal pulling the other way, and no pattern of the same
axis already judged that clause. Embeddings do not understand 没有 or 他说, so the same cue logic as
for patterns is applied to the whole clause; a cue counts only where the matched prototype does not
carry it too (``没找到工作`` is the fact itself, ``没有失联`` denies it).

No model, no semantic layer: classification falls back to the patterns with a logged warning.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.assess.rules import CJK, CompiledBook, SignalRule
from assistant.assess.text import (
    _EN_CREDITOR,
    _EN_DEBTOR,
    Hit,
    _creditor_is_subject,
    _person_res,
    _reported,
    _someone_else_acted,
    _time_factor,
)
from assistant.models import Axis
from assistant.settings import Settings, get_settings
from assistant.text.embeddings import load_model, model_path
from assistant.text.segment import CLAUSE_END, SENTENCE_END

log = logging.getLogger(__name__)

__all__ = ["Clause", "SemanticMatcher", "clauses", "get_matcher", "semantic_hits"]

_CLAUSE_CACHE = 4096
_STRIP = " \t\"'“”‘’「」『』()（）[]【】"


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    text: str


def clauses(text: str, min_chars: int = 5) -> list[Clause]:
    """Clauses as assess_text delimits them; a clause shorter than min_chars joins the next in its sentence."""
    out: list[Clause] = []
    pos, pending = 0, None
    bounds = [(m.start(), m.end(), bool(SENTENCE_END.match(text, m.start()))) for m in CLAUSE_END.finditer(text)]
    for b_start, b_end, sentence_end in [*bounds, (len(text), len(text), True)]:
        lo, hi = pos, b_start
        while lo < hi and text[lo] in _STRIP:
            lo += 1
        while hi > lo and text[hi - 1] in _STRIP:
            hi -= 1
        pos = b_end
        if hi <= lo:
            continue
        start = pending if pending is not None else lo
        if hi - lo < min_chars and not sentence_end:
            pending = start
            continue
        out.append(Clause(start, hi, text[start:hi]))
        pending = None
    return out


@dataclass(frozen=True)
class Match:
    rule: SignalRule
    similarity: float
    prototype: str


class SemanticMatcher:
    """Prototype embeddings for one signal book and one model; ``match`` finds the nearest signal per clause."""

    def __init__(self, model, c: CompiledBook, cache_dir: Path | None, model_id: str = "") -> None:
        sem = c.book.semantic
        assert sem is not None
        self.model, self.settings, self.model_id = model, sem, model_id or repr(model)
        rows = [(rule, p) for rule, _, _ in c.rules for p in rule.prototypes]
        self.rules = [r for r, _ in rows]
        self.prototypes = [p for _, p in rows]
        self.matrix = self._embed_cached([*self.prototypes, *sem.background], cache_dir)
        self.background = self.matrix[len(rows) :]
        self.matrix = self.matrix[: len(rows)]
        by_code: dict[str, list[int]] = {}
        for j, rule in enumerate(self.rules):
            by_code.setdefault(rule.code, []).append(j)
        self._columns = [(self.rules[cols[0]], np.array(cols)) for cols in by_code.values()]
        self._lock = threading.Lock()
        self._seen: dict[str, np.ndarray] = {}  # clause text -> vector: a re-assessed story costs nothing

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(
            [self.settings.prefix + t for t in texts], batch_size=32, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )  # fmt: skip
        return np.asarray(vectors, dtype=np.float32)

    def _embed_cached(self, texts: list[str], cache_dir: Path | None) -> np.ndarray:
        """Prototypes are embedded once per content: the cache key hashes model, prefix and every text."""
        key = hashlib.sha256("\x1f".join([self.model_id, self.settings.prefix, *texts]).encode()).hexdigest()[:20]
        path = cache_dir / f"signal-prototypes-{key}.npy" if cache_dir else None
        if path is not None and path.is_file():
            cached = np.load(path)
            if cached.shape[0] == len(texts):
                return cached
        vectors = self.embed(texts)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                np.save(path, vectors)
            except OSError as exc:  # a read-only data dir costs time, not correctness
                log.warning("cannot cache signal prototypes at %s: %s", path, exc)
        return vectors

    def match(self, texts: list[str]) -> list[Match | None]:
        if not texts:
            return []
        with self._lock:  # one encode at a time (web app threads share the model) and a consistent cache
            todo = [t for t in dict.fromkeys(texts) if t not in self._seen]
            fresh = dict(zip(todo, self.embed(todo), strict=True)) if todo else {}
            vectors = np.stack([fresh[t] if t in fresh else self._seen[t] for t in texts])
            for t, v in fresh.items():
                if len(self._seen) >= _CLAUSE_CACHE:  # the oldest clause goes first
                    self._seen.pop(next(iter(self._seen)))
                self._seen[t] = v
        # rounded so that float noise between batch compositions cannot change a decision
        sims = np.round(vectors @ self.matrix.T, 3)
        background = np.round(vectors @ self.background.T, 3).max(axis=1)
        return [self._best(row, float(bg)) for row, bg in zip(sims, background, strict=True)]

    def _best(self, row: np.ndarray, background: float) -> Match | None:
        sem = self.settings
        scored: list[tuple[float, int, SignalRule, str]] = []
        for order, (rule, cols) in enumerate(self._columns):
            sims = row[cols]
            top = np.argsort(-sims, kind="stable")[: sem.top_k]
            scored.append((round(float(sims[top].mean()), 3), order, rule, self.prototypes[cols[top[0]]]))
        scored.sort(key=lambda t: (-t[0], t[1]))
        sim, _, rule, prototype = scored[0]
        threshold = rule.semantic_threshold or sem.threshold
        opposite = max((s for s, _, r, _ in scored if r.axis is rule.axis and _sign(r) != _sign(rule)), default=0.0)
        if sim < threshold or sim - background < sem.background_margin or sim - opposite < sem.runner_up_margin:
            return None
        return Match(rule, sim, prototype)


def _sign(rule: SignalRule) -> int:
    return 1 if rule.weight > 0 else -1


# --------------------------------------------------------------------------- loading, shared and lazy

_lock = threading.Lock()
_matchers: dict[tuple[int, str], SemanticMatcher | None] = {}


def get_matcher(c: CompiledBook, settings: Settings | None = None) -> SemanticMatcher | None:
    """The matcher for this book and model, or None (warned once) when the model cannot load.

    The model instance is the one ``assistant.text.embeddings.load_model`` caches per process, so retrieval
    and classification share it.
    """
    if c.book.semantic is None or not any(rule.prototypes for rule, _, _ in c.rules):
        return None
    s = settings or get_settings()
    key = (id(c), f"{s.embedding_model}|{(Path(s.data_dir) / 'cache').resolve()}")
    with _lock:
        if key in _matchers:
            return _matchers[key]
    try:
        model = load_model(s)
        matcher: SemanticMatcher | None = SemanticMatcher(model, c, Path(s.data_dir) / "cache", model_id=model_path(s))
    except Exception as exc:  # noqa: BLE001 - any loader failure means patterns only, never an error to the user
        log.warning("semantic debtor signals off, patterns only: cannot load embedding model %r: %s", s.embedding_model, exc)
        matcher = None
    with _lock:
        return _matchers.setdefault(key, matcher)


# --------------------------------------------------------------------------- hits and their cues


def _count(c: CompiledBook, cue: str, text: str) -> int:
    if cue == "negation":
        cue = "negation_zh" if CJK.search(text) else "negation_en"
    return sum(1 for _ in c.cue[cue].finditer(text))


def _extra(c: CompiledBook, cue: str, clause: str, prototype: str) -> bool:
    """The clause carries the cue and the prototype does not: 没有失联 against 人间蒸发了."""
    return _count(c, cue, clause) > _count(c, cue, prototype)


def _creditor_acts(text: str, hit: Hit, english: bool) -> bool:
    """我失业了 / I lost my job: split the clause after its first person named and ask assess_text."""
    refs, _, words = _person_res()
    if english:
        first = next((m for m in words.finditer(text, hit.start, hit.end) if m.group().lower() in _EN_CREDITOR | _EN_DEBTOR), None)
    else:
        first = refs.search(text, hit.start, hit.end)
    return first is not None and _creditor_is_subject(text, first.end(), hit.end, english)


def _adjust(text: str, h: Hit, m: Match, c: CompiledBook, english: bool, starts: list[int], weight_factor: float) -> Hit | None:
    rule, mod = h.rule, c.book.modifiers
    clause = text[h.start : h.end]
    if (
        _extra(c, "suspicion", clause, m.prototype)
        or (rule.discount_when_reported and _extra(c, "irrealis", clause, m.prototype))
        or (rule.subject_check and _creditor_acts(text, h, english))
        or (rule.axis is Axis.willingness and h.weight < 0 and not english and _someone_else_acted(text, h.end))
    ):
        return None
    if _extra(c, "negation", clause, m.prototype):
        if not rule.negated_weight:
            return None
        h.negated, h.weight = True, rule.negated_weight * weight_factor
        h.modifiers.append("negated_flip")
        return h
    # a clause the debtor only says (他说房子是老婆的) is his word on either axis, unless the signal is a
    # speech act that is what it is when reported (reportable: false - 否认, 让我去告)
    reportable = rule.reportable is not False
    if rule.claim or (reportable and _reported(text, h.end, c) and not _count(c, "reported", m.prototype)):
        h.modifiers.append("reported")
        h.weight *= mod.reported_factor
    when = _time_factor(text, h, c, starts)
    if when == "old":
        h.modifiers.append("old")
        h.weight *= mod.old_factor_ability if rule.axis is Axis.ability else mod.old_factor
    elif when == "recent":
        h.modifiers.append("recent")
        h.weight *= mod.recent_factor
    return h


def semantic_hits(text: str, regex_hits: list[Hit], c: CompiledBook, english: bool, matcher: SemanticMatcher) -> list[Hit]:
    """Signals found by meaning in clauses no pattern of the same axis has already judged.

    ``regex_hits`` are the raw pattern matches (before cues), so a clause a pattern matched and a cue
    then dismissed (我失业了) is not judged a second time by meaning.
    """
    sem = matcher.settings
    found = clauses(text, sem.min_clause_chars)
    open_ = [cl for cl in found if {h.rule.axis for h in regex_hits if h.start < cl.end and h.end > cl.start} != {Axis.ability, Axis.willingness}]
    out: list[Hit] = []
    starts = sorted([h.start for h in regex_hits] + [cl.start for cl in open_])
    for cl, m in zip(open_, matcher.match([cl.text for cl in open_]), strict=True):
        if m is None or any(h.rule.axis is m.rule.axis and h.start < cl.end and h.end > cl.start for h in regex_hits):
            continue
        modifiers = ["semantic", f"similarity={m.similarity:.3f}", f"prototype={m.prototype}"]
        weight = max(-sem.weight_cap, min(sem.weight_cap, m.rule.weight * sem.weight_factor))
        hit = _adjust(text, Hit(m.rule, cl.start, cl.end, weight, modifiers), m, c, english, starts, sem.weight_factor)
        if hit is not None:
            out.append(hit)
    return out
