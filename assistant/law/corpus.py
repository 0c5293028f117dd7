"""What the retriever indexes: statute articles enriched with our plain-language glosses.

Creditors ask in everyday words ("他借钱不还还拉黑我"), statutes speak legal language. Each indexed unit
therefore carries, beside the official text from the statute DB, our gloss of what the article means
and the questions people ask about it (knowledge/glosses/*.yaml). Judicial interpretations, which the
DB lacks, come from the statutes module's own-words knowledge units.

Scope: ``curated`` (knowledge/selection.yaml + knowledge units) or ``full`` (every current article in
the DB, plus the same glosses and units).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from assistant.errors import KnowledgeError
from assistant.law import statutes
from assistant.models import Citation, Model
from assistant.settings import KNOWLEDGE_DIR, Settings, get_settings
from assistant.text.article_numbers import normalise_article, to_chinese_article
from assistant.text.datafiles import load_model, read_jsonl

log = logging.getLogger(__name__)

CORPUS_SCHEMA = 1  # bump when the way units are turned into index documents changes


# --------------------------------------------------------------------------- knowledge files


class SelectionGroup(Model):
    law: str
    name: str
    articles: list[str] = Field(min_length=1)  # "667-680", "293之一", "111"
    topics: list[str] = Field(default_factory=list)

    def article_labels(self) -> list[str]:
        labels: list[str] = []
        for spec in self.articles:
            if "-" in spec:
                lo, hi = (int(x) for x in spec.split("-"))
                if lo > hi:
                    raise KnowledgeError(f"selection {self.name}: empty range {spec}")
                labels.extend(to_chinese_article(n) for n in range(lo, hi + 1))
            else:
                labels.append(normalise_article(spec))
        return labels


class Selection(Model):
    groups: list[SelectionGroup] = Field(min_length=1)


class Gloss(Model):
    article: str
    gloss: str = Field(min_length=4)
    questions: list[str] = Field(min_length=1, max_length=8)
    topics: list[str] = Field(default_factory=list)

    @field_validator("article")
    @classmethod
    def _statute_form(cls, v: str) -> str:
        if normalise_article(v) != v:
            raise ValueError(f"article must be written 第X条, got {v!r}")
        return v


class GlossFile(Model):
    law: str
    articles: list[Gloss] = Field(min_length=1)


class IndexUnit(Model):
    """One retrievable unit of law: official text (or our own words) plus the words people use."""

    id: str
    law: str
    article: str
    text: str
    gloss: str = ""
    questions: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    version: str = ""
    effective_date: date | None = None
    status: Literal["current", "repealed", "amended"] = "current"
    source: Literal["statute_db", "knowledge"] = "statute_db"
    secondary: bool = False

    def to_citation(self, score: float = 0.0) -> Citation:
        return Citation(
            law=self.law, article=self.article, text=self.text, version=self.version,
            effective_date=self.effective_date, status=self.status, source=self.source,
            secondary=self.secondary, gloss=self.gloss, topics=list(self.topics), score=score,
        )  # fmt: skip

    @property
    def label(self) -> str:
        return f"《{self.law.removeprefix('中华人民共和国')}》{self.article}"


def _load(path: Path, model: type[BaseModel]):
    return load_model(path, model, error=KnowledgeError)


def load_selection(knowledge_dir: Path = KNOWLEDGE_DIR) -> Selection:
    return _load(knowledge_dir / "selection.yaml", Selection)


def load_glosses(knowledge_dir: Path = KNOWLEDGE_DIR) -> dict[tuple[str, str], Gloss]:
    """(official title, 第X条) -> our gloss. A gloss on an unknown law or article fails loudly."""
    out: dict[tuple[str, str], Gloss] = {}
    for path in sorted((knowledge_dir / "glosses").glob("*.yaml")):
        f: GlossFile = _load(path, GlossFile)
        title = statutes.resolve_law(f.law)
        if title is None:
            raise KnowledgeError(f"{path}: 未知法律 / unknown law {f.law}")
        for g in f.articles:
            if statutes.get_article(title, g.article) is None:
                raise KnowledgeError(f"{path}: {title}{g.article} 不存在 / no such article")
            if (title, g.article) in out:
                raise KnowledgeError(f"{path}: {title}{g.article} 重复 / glossed twice")
            out[(title, g.article)] = g
    return out


# --------------------------------------------------------------------------- units


def _unit(c: Citation, gloss: Gloss | None, topics: list[str], questions: list[str] | None = None) -> IndexUnit:
    merged = list(dict.fromkeys([*topics, *(gloss.topics if gloss else []), *c.topics]))
    return IndexUnit(
        id=f"{c.law}|{c.article}", law=c.law, article=c.article, text=c.text,
        gloss=(gloss.gloss if gloss else c.gloss), questions=questions or (list(gloss.questions) if gloss else []),
        topics=merged, version=c.version, effective_date=c.effective_date, status=c.status,
        source=c.source, secondary=c.secondary,
    )  # fmt: skip


def build_units(settings: Settings | None = None, knowledge_dir: Path = KNOWLEDGE_DIR) -> list[IndexUnit]:
    """The index's units for the configured scope, in a stable order, one per (law, article)."""
    s = settings or get_settings()
    glosses = load_glosses(knowledge_dir)
    units: dict[str, IndexUnit] = {}

    for group in load_selection(knowledge_dir).groups:
        title = statutes.resolve_law(group.law)
        if title is None:
            raise KnowledgeError(f"selection {group.name}: 未知法律 / unknown law {group.law}")
        for label in group.article_labels():
            c = statutes.get_article(title, label)
            if c is None:
                raise KnowledgeError(f"selection {group.name}: {title}{label} 不在法条库中 / not in the statute DB")
            u = _unit(c, glosses.get((title, label)), group.topics)
            units.setdefault(u.id, u)

    if s.index_scope == "full":
        for c in statutes.iter_all_current():
            u = _unit(c, glosses.get((c.law, c.article)), [])
            units.setdefault(u.id, u)

    for i, ku in enumerate(statutes.knowledge_units()):
        u = _unit(ku.to_citation(), None, [], questions=list(ku.questions))
        if not ku.article:  # unnumbered instrument or unverified number: keep it, under a unique id
            u = u.model_copy(update={"id": f"{u.law}|#{i}"})
        units.setdefault(u.id, u)

    _add_asked_questions(units, knowledge_dir)
    unglossed = [u.label for u in units.values() if not u.gloss and s.index_scope == "curated"]
    if unglossed:
        log.info("%d selected articles have no gloss yet: %s", len(unglossed), ", ".join(unglossed[:10]))
    return list(units.values())


def asked_questions(knowledge_dir: Path = KNOWLEDGE_DIR) -> dict[tuple[str, str], list[str]]:
    """(law, 第X条) -> the questions people asked that it answers, from the training split only.

    knowledge/training/questions/*.jsonl are layperson questions written blind to the index, each with its
    gold article(s); the eval splits live under evals/ and never reach the index."""
    def parse(row: dict) -> tuple[list[tuple[str, str]], str]:
        return [(statutes.resolve_law(g["law"]) or g["law"], g["article"]) for g in row["gold"]], str(row["query"]).strip()

    out: dict[tuple[str, str], list[str]] = {}
    for path in sorted((knowledge_dir / "training" / "questions").glob("*.jsonl")):
        for pairs, query in read_jsonl(path, parse, what="training question", error=KnowledgeError):
            for key in pairs:
                out.setdefault(key, []).append(query)
    return out


def _add_asked_questions(units: dict[str, IndexUnit], knowledge_dir: Path) -> None:
    """Attach the asked questions to the units in scope (a gold outside the scope is skipped)."""
    by_article = {(u.law, u.article): u for u in units.values()}
    for key, questions in asked_questions(knowledge_dir).items():
        u = by_article.get(key)
        if u is not None:
            merged = list(dict.fromkeys([*u.questions, *questions]))
            units[u.id] = u.model_copy(update={"questions": merged})


def corpus_hash(units: list[IndexUnit] | tuple[IndexUnit, ...], model_name: str) -> str:
    """Content hash of everything that shapes the index: the units, the embedding model, the schema."""
    h = hashlib.sha256()
    h.update(f"schema={CORPUS_SCHEMA}\nmodel={model_name}\n".encode())
    for u in units:
        h.update(json.dumps(u.model_dump(mode="json"), ensure_ascii=False, sort_keys=True).encode())
        h.update(b"\n")
    return h.hexdigest()
