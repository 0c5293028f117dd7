"""Legality rules as data: strict loading of `knowledge/rules/*.yaml` into one registry keyed by code.

A rule (one file per ViolationCode) carries its legal basis, explanation, fix and on-fail policy beside
its patterns. Patterns only *propose* a finding; context cues (`_context.yaml`, shared by all rules)
cancel it (negation, someone else's words, a lawful court route) or confirm it; named validators in
`assistant.checker.check` decide what needs case facts. Anything malformed raises RuleError at start-up.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import RuleError
from assistant.models import Basis, Model, Severity, ViolationCode
from assistant.settings import KNOWLEDGE_DIR
from assistant.text.datafiles import read_yaml

__all__ = [
    "Bilingual",
    "Cue",
    "PatternSpec",
    "Rule",
    "RuleRegistry",
    "load_rules",
    "get_registry",
    "VALIDATORS",
    "STRUCTURAL_CHECKS",
]

RULES_DIR = KNOWLEDGE_DIR / "rules"
CONTEXT_FILE = "_context.yaml"
# validators and structural checks implemented in assistant.checker.check; a rule naming another is an error
VALIDATORS = frozenset({"credit_report_claim", "not_company_debtor"})
STRUCTURAL_CHECKS = frozenset({"amounts", "citations", "contact_time", "case_purpose"})

_LEX_REF = re.compile(r"\{lex:([a-z0-9_]+)\}")
# {gap:N}: up to N characters inside one sentence, the bounded gap every rule uses between words
_GAP_REF = re.compile(r"\{gap:(\d{1,3})\}")
GAP_CLASS = "[^。！？!?\\n]"
# Unbounded repetition of a wildcard or of a group that itself repeats is how regexes blow up
# (catastrophic backtracking); gaps must be written as bounded classes such as [^。！？\n]{0,12}.
_UNBOUNDED_WILDCARD = re.compile(r"(?<!\\)(?:\.|\[\^[^\]]*\])[*+]")
_NESTED_REPEAT = re.compile(r"\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)[*+{]")


class Strict(Model):
    model_config = ConfigDict(frozen=True)


class Bilingual(Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Cue(Strict):
    """A context cue: words whose presence near a match changes its meaning."""

    name: str
    regex: str = ""  # empty only for scope "quoted"
    # before: in the same clause, ending at the match; sentence: anywhere in the match's sentence;
    # quoted: the match sits inside quotation marks (a mention, not a use)
    scope: Literal["before", "sentence", "quoted"] = "sentence"
    window: int = Field(default=16, ge=1, le=200)
    note: str = ""


class PatternSpec(Strict):
    name: str = Field(pattern=r"^[a-z0-9_]+$")
    regex: str = Field(min_length=1, max_length=2000)
    weight: float = Field(gt=0, le=1)
    requires: list[str] = Field(default_factory=list)  # cue names; at least one must be present
    cancel: list[str] | None = None  # overrides the rule's cancel list
    validator: str | None = None
    severity: Severity | None = None
    on_fail: Literal["rewrite", "refuse"] | None = None  # overrides the rule's policy for this pattern
    backstop: bool = False  # fires only when nothing more specific was found in the same sentence
    negation_inside: bool = False  # verb-final patterns (父母那边我不会去找): a negation inside the match cancels
    explanation: Bilingual | None = None
    fix: str | None = None


class LexiconSpec(Strict):
    name: str = Field(pattern=r"^[a-z0-9_]+$")
    file: str
    weight: float = Field(default=0, ge=0, le=1)  # 0: only usable through {lex:name} in patterns
    word_boundaries: bool = False  # English words: match whole words only


class ContextSpec(Strict):
    cancel: list[str] = Field(default_factory=list)
    confirm: list[str] = Field(default_factory=list)
    confirm_boost: float = Field(default=0.3, ge=0, le=1)


class AmountParams(Strict):
    fallback_cap_percent: Decimal = Field(gt=0)
    rate_tolerance_percent: Decimal = Field(default=Decimal("0.01"), ge=0)
    amount_tolerance_ratio: Decimal = Field(default=Decimal("0.01"), ge=0)
    amount_tolerance_yuan: Decimal = Field(default=Decimal("100"), ge=0)
    days_per_year: int = Field(default=365, ge=360, le=366)


class ContactParams(Strict):
    min_interval_hours: Decimal = Field(gt=0)
    max_per_day: int = Field(ge=1)


class Rule(Strict):
    code: ViolationCode
    severity: Severity
    on_fail: Literal["rewrite", "refuse"]
    legal_basis: list[Basis] = Field(min_length=1)
    explanation: Bilingual
    fix: str = Field(min_length=1)
    replacement: Bilingual | None = None  # lawful sentence for the rewriter; None: drop the sentence
    rewrite_scope: Literal["sentence", "span"] = "sentence"  # span: remove only the matched words (insults)
    threshold: float = Field(default=0.5, gt=0, le=1)
    patterns: list[PatternSpec] = Field(default_factory=list)
    lexicons: list[LexiconSpec] = Field(default_factory=list)
    context: ContextSpec = Field(default_factory=ContextSpec)
    structural: list[str] = Field(default_factory=list)
    amounts: AmountParams | None = None
    contact: ContactParams | None = None
    note: str = ""

    @field_validator("structural")
    @classmethod
    def _known_checks(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - STRUCTURAL_CHECKS)
        if unknown:
            raise ValueError(f"unknown structural check(s) {unknown}; known: {sorted(STRUCTURAL_CHECKS)}")
        return v


class CompiledPattern(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)
    spec: PatternSpec
    regex: re.Pattern[str]
    # which script the pattern needs: a text without it cannot match, so the pattern is skipped
    script: Literal["zh", "en"]
    # the same pattern without case-folding, for lower-cased text: about twice as fast as IGNORECASE;
    # None when the source holds upper-case letters of its own
    lower: re.Pattern[str] | None = None


class RuleRegistry(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)
    rules: dict[ViolationCode, Rule]
    patterns: dict[ViolationCode, list[CompiledPattern]]
    cues: dict[str, tuple[Cue, re.Pattern[str]]]
    cues_lower: dict[str, re.Pattern[str]] = {}  # case-fold-free variants, for lower-cased text
    directory: str = ""  # where the rules came from: the statistical proposer reads its examples there

    def rule(self, code: ViolationCode | str) -> Rule:
        return self.rules[ViolationCode(code)]

    def pattern(self, code: ViolationCode | str, name: str) -> PatternSpec | None:
        """The pattern a violation's `rule` field names ("code:pattern"), None for structural checks."""
        for cp in self.patterns.get(ViolationCode(code), []):
            if cp.spec.name == name:
                return cp.spec
        return None


_HAN = re.compile(r"[\u4e00-\u9fff]")


def _script(regex: str) -> Literal["zh", "en"]:
    return "zh" if _HAN.search(regex) else "en"


def _lower_variant(regex: str) -> re.Pattern[str] | None:
    if re.search(r"[A-Z]", re.sub(r"\\[A-Za-z]", "", regex)) or not re.search(r"[a-z]", regex):
        return None
    return re.compile(regex)


def _compile(regex: str, where: str) -> re.Pattern[str]:
    # case-folding is only needed where Latin letters occur; without it sre keeps its fast prefix scan
    flags = re.IGNORECASE if re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]", "", regex)) else 0
    if _UNBOUNDED_WILDCARD.search(regex) or _NESTED_REPEAT.search(regex):
        raise RuleError(f"{where}: unbounded or nested repetition in {regex[:80]!r}; use a bounded gap like [^。]{{0,12}}")
    try:
        return re.compile(regex, flags)
    except re.error as exc:
        raise RuleError(f"{where}: bad regex {regex[:80]!r}: {exc}") from exc


def _lexicon_alternation(path: Path, boundaries: bool, where: str) -> str:
    if not path.is_file():
        raise RuleError(f"{where}: lexicon file {path} not found")
    words = {w.strip() for w in path.read_text(encoding="utf-8").splitlines()}
    words = {w for w in words if w and not w.startswith("#")}
    if boundaries:  # English lexicons are matched against the lower-cased text (see CompiledPattern.lower)
        words = {w.lower() for w in words}
    if not words:
        raise RuleError(f"{where}: lexicon {path.name} is empty")
    alt = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    return rf"\b(?:{alt})\b" if boundaries else f"(?:{alt})"


def load_rules(directory: Path | str = RULES_DIR) -> RuleRegistry:
    """Load and compile every rule file; raise RuleError naming the file and the fault."""
    directory = Path(directory)
    context_path = directory / CONTEXT_FILE
    if not context_path.is_file():
        raise RuleError(f"{context_path} not found")
    raw_ctx = read_yaml(context_path, error=RuleError)
    try:
        cue_list = [Cue.model_validate(c) for c in (raw_ctx or {}).get("cues", [])]  # type: ignore[union-attr]
    except (ValidationError, AttributeError) as exc:
        raise RuleError(f"{CONTEXT_FILE}: {exc}") from exc
    cues = {c.name: (c, _compile(c.regex or "(?!)", f"{CONTEXT_FILE}:{c.name}")) for c in cue_list}

    rules: dict[ViolationCode, Rule] = {}
    patterns: dict[ViolationCode, list[CompiledPattern]] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue  # _context.yaml, _rewrite.yaml: shared settings, not rules
        try:
            rule = Rule.model_validate(read_yaml(path, error=RuleError))
        except ValidationError as exc:
            raise RuleError(f"{path.name}: {exc}") from exc
        if rule.code in rules:
            raise RuleError(f"{path.name}: a second rule for {rule.code.value}")
        names = [c for p in rule.patterns for c in p.requires + (p.cancel or [])] + rule.context.cancel + rule.context.confirm
        missing = sorted(set(names) - cues.keys())
        if missing:
            raise RuleError(f"{path.name}: unknown context cue(s) {missing}")
        lex = {
            spec.name: _lexicon_alternation(directory / spec.file, spec.word_boundaries, path.name) for spec in rule.lexicons
        }
        compiled: list[CompiledPattern] = []
        for spec in rule.patterns:
            if spec.validator and spec.validator not in VALIDATORS:
                raise RuleError(f"{path.name}:{spec.name}: unknown validator {spec.validator!r}")

            def expand(m: re.Match[str], where: str = f"{path.name}:{spec.name}", lex: dict[str, str] = lex) -> str:
                if m.group(1) not in lex:
                    raise RuleError(f"{where}: unknown lexicon {m.group(1)!r}")
                return lex[m.group(1)]

            source = _GAP_REF.sub(lambda m: f"{GAP_CLASS}{{0,{m.group(1)}}}", _LEX_REF.sub(expand, spec.regex))
            compiled.append(
                CompiledPattern(spec=spec, regex=_compile(source, f"{path.name}:{spec.name}"), script=_script(source),
                                lower=_lower_variant(source))  # fmt: skip
            )
        for spec in rule.lexicons:  # a weighted lexicon is a pattern of its own
            if spec.weight > 0:
                pspec = PatternSpec(name=f"lexicon_{spec.name}", regex=lex[spec.name], weight=spec.weight)
                compiled.append(
                    CompiledPattern(spec=pspec, regex=re.compile(lex[spec.name], re.IGNORECASE), script=_script(lex[spec.name]),
                                    lower=_lower_variant(lex[spec.name]))  # fmt: skip
                )
        if not compiled and not rule.structural:
            raise RuleError(f"{path.name}: a rule needs patterns, a weighted lexicon or a structural check")
        rules[rule.code] = rule
        patterns[rule.code] = compiled
    if not rules:
        raise RuleError(f"no rule files in {directory}")
    lowered = {name: rx for name, (c, _) in cues.items() if c.regex and (rx := _lower_variant(c.regex)) is not None}
    return RuleRegistry(rules=rules, patterns=patterns, cues=cues, cues_lower=lowered, directory=str(directory))


@lru_cache(maxsize=4)
def get_registry(directory: str | None = None) -> RuleRegistry:
    """The registry for the configured knowledge directory, loaded once."""
    return load_rules(directory or RULES_DIR)
