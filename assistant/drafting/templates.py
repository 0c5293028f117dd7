"""Letter and court-document templates: YAML files with declared variables and `$var` slots.

Like simonw/llm templates: each template declares the variables it uses; a body slot that is not
declared fails at load time, and rendering without a declared variable raises MissingVariableError
naming it. The schema is strict (extra keys rejected), so a bad file fails at start-up.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from assistant.errors import MissingVariableError, TemplateError
from assistant.models import DebtType, DraftKind, Model, Tone
from assistant.settings import PROMPTS_DIR
from assistant.text.datafiles import load_model

__all__ = [
    "LetterTemplate",
    "TemplateCatalogue",
    "TemplateRegistry",
    "load_templates",
    "get_registry",
    "TEMPLATES_DIR",
]

TEMPLATES_DIR = PROMPTS_DIR / "templates"
CATALOGUE_FILE = "_catalogue.yaml"
_IDENTIFIER = r"^[a-z][a-z0-9_]*$"


class _Strict(Model):
    model_config = ConfigDict(frozen=True)


def placeholders(text: str) -> set[str]:
    """The `$name` / `${name}` slots in a text (`$$` is a literal dollar)."""
    found: set[str] = set()
    for match in string.Template.pattern.finditer(text):
        if match.group("invalid") is not None:
            raise ValueError(f"malformed placeholder at offset {match.start('invalid')}")
        name = match.group("named") or match.group("braced")
        if name:
            found.add(name)
    return found


class LetterTemplate(_Strict):
    kind: DraftKind
    language: Literal["zh", "en"]
    tone: Tone
    title: str = Field(min_length=1)
    variables: list[str] = Field(min_length=1)
    body: str = Field(min_length=1)

    @model_validator(mode="after")
    def _slots_are_declared(self) -> LetterTemplate:
        used = placeholders(self.body) | placeholders(self.title)
        undeclared = used - set(self.variables)
        if undeclared:
            raise ValueError(f"{self.id}: slots used but not declared: {sorted(undeclared)}")
        unused = set(self.variables) - used
        if unused:
            raise ValueError(f"{self.id}: variables declared but never used: {sorted(unused)}")
        return self

    @property
    def id(self) -> str:
        return f"{self.kind.value}.{self.language}.{self.tone.value}"

    def render(self, values: dict[str, str]) -> tuple[str, str]:
        """(title, text) with every declared variable filled; a missing one raises MissingVariableError."""
        missing = [name for name in self.variables if name not in values]
        if missing:
            raise MissingVariableError(self.id, missing)
        mapping = {name: str(values[name]) for name in self.variables}
        text = string.Template(self.body).substitute(mapping)
        # an empty optional clause must not leave trailing spaces behind
        text = "\n".join(line.rstrip() for line in text.strip().splitlines())
        return string.Template(self.title).substitute(mapping), text


class _TemplateFile(_Strict):
    templates: list[LetterTemplate] = Field(min_length=1)


class _Label(_Strict):
    zh: str
    en: str


class _DebtLabels(_Strict):
    start: _Label
    amount: _Label
    due: _Label
    owed: _Label


class DebtWording(_Strict):
    """How the documents name one type of debt (_catalogue.yaml `debt_types`)."""

    trade: bool  # business correspondence (您方/我方) rather than a private loan
    money: _Label
    owed: _Label
    pay: _Label
    settle: _Label
    unpaid: _Label
    origin: _Label
    facts: str
    duty: _Label
    roles: tuple[str, str]  # (creditor, debtor) in an agreement
    claim: str
    labels: _DebtLabels


class _Voice(_Strict):
    zh: tuple[str, str, str, str]  # you, I (loan); you, I (trade)
    en: tuple[str, str, str, str]


class TemplateCatalogue(_Strict):
    variables: dict[str, _Label]
    tones: dict[DraftKind, dict[Literal["hardship", "bad_faith", "unclear"], Tone]]
    basis_sentences: dict[Literal["letter", "document"], _Label]
    debt_types: dict[DebtType, DebtWording]
    voices: dict[DraftKind, _Voice]

    def wording(self, debt_type: DebtType | None) -> DebtWording:
        """A debt of unknown type, or a guarantee claim, is worded as the loan it usually is."""
        return self.debt_types.get(debt_type or DebtType.loan) or self.debt_types[DebtType.loan]

    @model_validator(mode="after")
    def _names(self) -> TemplateCatalogue:
        import re

        bad = [n for n in self.variables if not re.match(_IDENTIFIER, n)]
        if bad:
            raise ValueError(f"variable names must be lower-case identifiers: {bad}")
        for kind in DraftKind:
            if kind not in self.tones:
                raise ValueError(f"no tone table for {kind.value}")
            if kind not in self.voices:
                raise ValueError(f"no voice for {kind.value}")
        if DebtType.loan not in self.debt_types:
            raise ValueError("debt_types needs the loan wording (the default)")
        return self


class TemplateRegistry:
    """All templates, keyed by (kind, language, tone), with the variable catalogue."""

    def __init__(self, catalogue: TemplateCatalogue, templates: list[LetterTemplate]) -> None:
        self.catalogue = catalogue
        self._by_key: dict[tuple[DraftKind, str, Tone], LetterTemplate] = {}
        for tpl in templates:
            key = (tpl.kind, tpl.language, tpl.tone)
            if key in self._by_key:
                raise TemplateError(f"模板重复 / duplicate template {tpl.id}")
            unknown = set(tpl.variables) - set(catalogue.variables)
            if unknown:
                raise TemplateError(f"模板 {tpl.id} 使用了未登记的变量 / undeclared in catalogue: {sorted(unknown)}")
            self._by_key[key] = tpl

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_key.values())

    def languages(self, kind: DraftKind) -> set[str]:
        return {lang for (k, lang, _) in self._by_key if k == kind}

    def get(self, kind: DraftKind, language: str, tone: Tone) -> LetterTemplate:
        """The template for kind/language, in the wanted tone or the nearest one available."""
        order = {Tone.gentle: [Tone.gentle, Tone.formal, Tone.firm], Tone.firm: [Tone.firm, Tone.formal, Tone.gentle]}
        for candidate in order.get(tone, [Tone.formal, Tone.firm, Tone.gentle]):
            tpl = self._by_key.get((kind, language, candidate))
            if tpl is not None:
                return tpl
        raise TemplateError(f"没有 {kind.value} 的 {language} 模板 / no {language} template for {kind.value}")

    def tone_for(self, kind: DraftKind, category: str) -> Tone:
        return self.catalogue.tones[kind].get(category, Tone.formal)  # type: ignore[call-overload]

    def blank_label(self, variable: str, language: str) -> str:
        return getattr(self.catalogue.variables[variable], language)


def load_templates(directory: Path = TEMPLATES_DIR) -> TemplateRegistry:
    catalogue = load_model(directory / CATALOGUE_FILE, TemplateCatalogue, error=TemplateError)
    templates: list[LetterTemplate] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name != CATALOGUE_FILE:
            templates += load_model(path, _TemplateFile, error=TemplateError).templates
    registry = TemplateRegistry(catalogue, templates)
    missing = [k.value for k in DraftKind if "zh" not in registry.languages(k)]
    if missing:
        raise TemplateError(f"缺少中文模板 / no Chinese template for: {missing}")
    return registry


@lru_cache(maxsize=1)
def get_registry() -> TemplateRegistry:
    return load_templates()
