"""The message-level detector: is this message, read as a whole, unlawful collection, and of which kind?

A sentence model sees one sentence; many violations live across sentences (a polite opening to an emergency
contact, then the debt; a deadline, then "你儿子放学路上注意点"). Measured on the dev split, one model over the
whole message separates lawful from unlawful far better than the sentence proposer and the patterns
together, so it plays two parts beside them (knowledge/rules/_statistical.yaml, `message:`):
- above `threshold`, in a message of two sentences or more, it is a finding of its own: the codes it scores at
  `code_threshold` or more, each placed on the sentence that carries it best (a one-sentence message is the
  sentence proposer's to judge);
- below `veto` the message reads as lawful collection, and a sentence proposal, or a pattern measured imprecise
  on the training messages (`vetoable`), is not enough on its own to block it. The other patterns, the
  structural checks (rates and amounts against the case, citations, contact hours, the case's purpose) and
  the warnings always stand.

Features and training are those of the sentence proposer (assistant/text/ngrams.py), over whole messages of
the training split (knowledge/training/messages) plus the lawful sentences and letter templates of
examples.jsonl; long documents are read in windows of about a message's length and the message scores as
its worst window. Deterministic, cached by content hash under settings.data_dir/checker_model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from pydantic import ConfigDict, Field

from assistant.models import Model, ViolationCode
from assistant.text.datafiles import read_jsonl
from assistant.text.ngrams import LinearModel, load_arrays, save_arrays, train_linear

__all__ = ["MessageSetting", "MessageModel", "build_message_model", "message_rows", "windows", "ANY"]

ANY = "ANY"  # the label of "some violation", beside one label per code


class MessageSetting(Model):
    model_config = ConfigDict(frozen=True)
    threshold: float = Field(gt=0, lt=1)  # P(unlawful) at which the model's own finding stands
    veto: float = Field(ge=0, lt=1)  # below it, patterns and sentence proposals alone do not block
    code_threshold: float = Field(gt=0, lt=1)  # P(code) at which a code joins the model's finding
    window_chars: int = Field(default=300, ge=50)  # about the length of the messages it learned from
    # weaker regularisation than the sentence model's: on dev, C 16 vs 4 gave AUC 0.952 vs 0.947 (code AP 0.70 vs 0.69)
    c: float | None = Field(default=None, gt=0)  # None = the sentence model's C
    # patterns measured imprecise on the training split (scripts/tune_checker.py): only these, and the sentence
    # proposals, give way to the veto; a pattern that held on the training messages stands whatever the model says
    vetoable: list[str] = Field(default_factory=list)


def message_rows(path: Path, codes: set[str]) -> list[tuple[str, set[str]]]:
    """(message text, its learnable codes plus ANY when unlawful) for one training batch."""

    def parse(row: dict) -> tuple[str, set[str]]:
        found = {ViolationCode(c["code"]).value for c in row["codes"]} & codes
        return str(row["text"]), found | ({ANY} if found else set())

    return read_jsonl(path, parse, what="training message")


def windows(spans: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """Runs of consecutive sentences of at most `limit` characters (a longer sentence is its own run)."""
    if not spans:
        return []
    if spans[-1][1] - spans[0][0] <= limit:
        return [(spans[0][0], spans[-1][1])]
    out, lo, hi = [], spans[0][0], spans[0][1]
    for a, b in spans[1:]:
        if b - lo > limit:
            out.append((lo, hi))
            lo = a
        hi = b
    out.append((lo, hi))
    return out


class MessageModel:
    """P(unlawful) and P(code) of a message's windows."""

    def __init__(self, setting: MessageSetting, arrays: dict[str, np.ndarray], bits: int) -> None:
        self.setting = setting
        self.linear = LinearModel(arrays, bits)
        self.any = self.linear.names.index(ANY)
        self.codes = [(k, ViolationCode(n)) for k, n in enumerate(self.linear.names) if n != ANY]

    def worst_window(self, text: str, spans: list[tuple[int, int]]) -> tuple[tuple[int, int], np.ndarray] | None:
        """The window most likely unlawful and its probabilities (by label), or None for an empty text."""
        runs = windows(spans, self.setting.window_chars)
        if not runs:
            return None
        probs = self.linear.probabilities([text[a:b] for a, b in runs])
        best = int(np.argmax(probs[:, self.any]))
        return runs[best], probs[best]

    def codes_of(self, probs: np.ndarray) -> list[tuple[ViolationCode, float]]:
        """The codes at or above code_threshold: a finding must name what it is, or there is none."""
        return [(code, float(probs[k])) for k, code in self.codes if probs[k] >= self.setting.code_threshold]


def build_message_model(setting: MessageSetting, rows: Callable[[], list[tuple[str, set[str]]]], codes: list[str], *,
                        bits: int, c: float, path: Path) -> MessageModel:  # fmt: skip
    """The cached model at `path`, or train it from `rows()` and cache it."""
    arrays = load_arrays(path, ("columns", "weights", "bias", "names", "idf", "multiclass"))
    if arrays is None:
        data = rows()
        arrays = train_linear([t for t, _ in data], [labels for _, labels in data], [ANY, *codes], bits=bits, c=c)
        save_arrays(path, arrays)
    return MessageModel(setting, arrays, bits)
