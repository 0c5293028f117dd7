"""Own-words units of the judicial interpretations: complete where we claim it, every article number
checked against the verified reference texts, and never a copied sentence."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import pytest

from assistant.law.statutes import get_article, knowledge_units
from assistant.text.article_numbers import parse_article

REPO_ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(os.environ.get("DEBT_REFERENCE_DIR", REPO_ROOT.parent / "shared" / "reference")) / "cn"

LENDING = "最高人民法院关于审理民间借贷案件适用法律若干问题的规定"
LIMITATION = "最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定"
GUARANTEE = "最高人民法院关于适用《中华人民共和国民法典》有关担保制度的解释"
CONTRACT_GENERAL = "最高人民法院关于适用《中华人民共和国民法典》合同编通则若干问题的解释"
CPL_INTERPRETATION = "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释"
COPY_RUN = 20  # this many identical characters in a row would be a copied phrase, not our own words
# cross-references ("民法典第一百四十六条、第一百五十三条") must be quoted exactly; they do not count as wording
_CROSS_REFERENCE = re.compile(r"(民法典|本规定|本解释)?第[零一二两三四五六七八九十百千]+(条|款|项)|[、，。；：“”（）]")

needs_reference = pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"reference texts not found at {REFERENCE}")


@lru_cache(maxsize=1)
def reference_articles() -> dict[tuple[str, int], str]:
    """(official title, article number) -> the verified text, from every `## 第N条` block of the reference set."""
    out: dict[tuple[str, int], str] = {}
    for path in sorted(REFERENCE.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        title = re.search(r"^\| Official title \| (.+?) \|$", text, re.MULTILINE)
        if title is None:
            continue
        for m in re.finditer(r"^## 第(\d+)条\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL):
            body = "".join(line for line in m.group(2).splitlines() if not line.startswith("<!--"))
            out[(title.group(1).strip(), int(m.group(1)))] = re.sub(r"\s", "", body)
    return out


def _numbered(law: str | None = None):
    return [
        u for u in knowledge_units()
        if u.article not in ("", "全文") and not u.secondary and (law is None or u.law == law)
    ]  # fmt: skip


@needs_reference
def test_every_numbered_unit_names_an_article_of_the_reference_text_or_the_statute_db():
    ref = reference_articles()
    missing = [
        (u.short_name, u.article)
        for u in _numbered()
        if (u.law, parse_article(u.article)[0]) not in ref and get_article(u.law, u.article).source != "statute_db"
        and u.law in {t for t, _ in ref}
    ]  # fmt: skip
    assert not missing


@needs_reference
@pytest.mark.parametrize(
    ("law", "size"), [(LENDING, 31), (LIMITATION, 21), (GUARANTEE, 71), (CONTRACT_GENERAL, 69)]
)
def test_complete_interpretations_state_every_article(law, size):
    have = {parse_article(u.article)[0] for u in _numbered(law)}
    assert have == set(range(1, size + 1))
    assert sum(1 for (t, _n) in reference_articles() if t == law) == size


@needs_reference
def test_units_are_in_our_own_words_not_copied_from_the_reference():
    ref = reference_articles()
    copied = []
    for u in _numbered():
        official = ref.get((u.law, parse_article(u.article)[0]))
        if not official:
            continue
        ours, official = (_CROSS_REFERENCE.sub("", re.sub(r"\s", "", t)) for t in (u.text, official))
        if any(ours[i : i + COPY_RUN] in official for i in range(len(ours) - COPY_RUN + 1)):
            copied.append((u.short_name, u.article))
    assert not copied


def test_every_unit_keeps_lay_questions():
    for u in _numbered():
        assert any(q.endswith(("？", "?")) for q in u.questions), (u.short_name, u.article)


@pytest.mark.parametrize(
    ("chapter", "first", "last"),
    [
        ("四、证据", 90, 124), ("五、期间和送达", 125, 141), ("七、保全和先予执行", 152, 173),
        ("十二、小额诉讼", 271, 281), ("十九、督促程序", 425, 441), ("二十一、执行程序", 460, 519),
    ],
)  # fmt: skip
def test_cpl_interpretation_chapters_a_creditor_meets_are_complete(chapter, first, last):
    have = {parse_article(u.article)[0] for u in _numbered(CPL_INTERPRETATION)}
    assert set(range(first, last + 1)) <= have, chapter
