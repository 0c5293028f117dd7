"""The citation verifier: find every statute citation in a text and check it against the law as it is.

Legal text generators fail by citing articles that do not exist (民法典第1438条: the Code has 1,260),
laws that were repealed (合同法, since 2021-01-01 by 民法典第一千二百六十条) and old numbering
(民事诉讼法第214条 was the 2017 number of the payment-order article, now 第二百二十五条).

How a citation is judged, in order:
1. law unknown -> unknown_law; law known only from secondary sources -> unknown_law (cannot verify);
2. law repealed -> repealed, with the successor article from knowledge/renumbering when mapped;
3. a 4-digit year written beside the law name that names an older version -> renumbered;
4. number absent from the current version but present in an older version's map -> renumbered;
5. number present in both: the words around the citation decide. Each map entry carries words for its
   subject (支付令, 24% …). If the sentence matches the OLD article's subject better than the subject of
   the article that carries the number today, the citation used the old numbering -> renumbered;
   otherwise (tie included) it is read as current numbering -> valid;
6. number absent everywhere -> nonexistent.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from pydantic import ConfigDict

from assistant.law.statutes import (
    RenumberedArticle,
    RenumberingMap,
    english_name,
    known_titles,
    law_entry,
    law_status,
    max_article,
    renumbering_maps,
    repealed_law,
    resolve_law,
    short_name,
)
from assistant.law.statutes import article_exists as _article_exists
from assistant.models import Basis, CitationCheck, CitationStatus, Model, Span
from assistant.text.article_numbers import parse_chinese_number, to_chinese_article
from assistant.text.segment import segments

__all__ = ["FoundCitation", "find_citations", "former_meanings", "verify_citations", "verify_citation"]


class FoundCitation(Model):
    model_config = ConfigDict(frozen=True)

    span: Span
    law_as_written: str  # the name as it appears (or as carried over from earlier in the sentence)
    law: str | None  # official title, None when unknown
    number: int
    suffix: str = ""  # 之一 …
    article: str  # 第X条 form
    carried_over: bool = False  # law named earlier in the same sentence (《民法典》第675条、第676条)
    year_hint: int | None = None  # "2017年民事诉讼法" / "民事诉讼法（2017年修正）"
    context: str = ""  # the sentence around the citation


# --------------------------------------------------------------------------- patterns (compiled once)

_NUM = r"[0-9０-９]{1,4}|[零〇○一二两三四五六七八九十百千]{1,12}"
# 第577条, 第二百九十三条之一, and lists/ranges written once: 第675、676条, 第667至679条
# Without 第 only Arabic numbers count ("刑法293条之一"), and only when written right after a law name:
# "三条建议" is not a citation.
_ARTICLE_RE = re.compile(
    rf"(?:第\s*(?P<nums>(?:{_NUM})(?:\s*[、,，和及与至到~～－-]\s*(?:{_NUM})){{0,10}})|(?<![0-9０-９.])(?P<bare>[0-9]{{1,4}}))"
    r"\s*条(?P<suffix>之[一二三四五六七八九十]{1,3})?"
)
_LIST_SPLIT_RE = re.compile(r"\s*[、,，和及与至到~～－-]\s*")
# 《…》 with one level of nesting: 《最高人民法院关于适用《中华人民共和国民事诉讼法》的解释》
_BRACKET_RE = re.compile(r"《(?P<name>(?:[^《》\n]|《[^《》\n]{1,40}》){1,100})》")
# what may stand between a law name and its article: a version note in brackets, 的/中的
_GAP_RE = re.compile(r"[》〉]?\s*(?:[（(][^（）()\n]{0,24}[）)])?\s*(?:中的|的|之)?\s*")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:版本|版|修正|修订|修正本|修订本)?")
_YEAR_BEFORE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:版本|版|修正|修订|修正本|修订本)?\s*(?:的)?\s*$")
# An unlisted instrument written without 《》 just before 第X条: 催收管理条例第五条
_UNLISTED_RE = re.compile(
    r"(?P<name>[\u4e00-\u9fff（）()、]{2,30}?(?:法|条例|规定|办法|解释|公约|细则|规则|意见|通知|批复))$"
)
_LEAD_WORDS = re.compile(
    r"^.*(?:根据|依据|依照|按照|参照|违反|适用|援引|触犯|符合|属于|对照|依|据|按|了|是|和|与|及|或|在|即|见)"
)
_SELF_REFERENCE = {"本法", "该法", "同法", "本规定", "该规定", "本解释", "该解释", "本办法", "本条例", "上述法", "前述法"}

_EN_ARTICLE_FIRST = (
    r"\b(?:Articles?|Arts?\.?)\s*(?P<nums>\d{1,4}(?:-\d{1,2})?(?:\s*(?:,|and|&)\s*\d{1,4}(?:-\d{1,2})?){0,9})"
    r"\s+of\s+(?:the\s+)?(?:PRC\s+|Chinese\s+|China's\s+)?(?P<name>{names}|(?:[A-Z][A-Za-z'-]*\s+){0,7}"
    r"(?:Law|Code|Act|Provisions|Regulations?|Interpretation|Measures|Rules|Convention))\b"
)
_EN_LAW_FIRST = (
    r"\b(?:the\s+)?(?:PRC\s+)?(?P<name>{names})\s*,?\s*(?:Article|Art\.?)\s*(?P<nums>\d{1,4}(?:-\d{1,2})?)\b"
)


def _trie_pattern(words: list[str]) -> str:
    """A prefix-factored alternation: fast on long texts and longest-match-first."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], dict[str, str]]:
    names = known_titles()
    zh = [n for n in names if not n.isascii() and len(n) >= 2]
    en = sorted((n for n in names if n.isascii()), key=len, reverse=True)
    zh_re = re.compile(_trie_pattern(zh))
    en_alt = "|".join(re.escape(n) for n in en)
    en_first = re.compile(_EN_ARTICLE_FIRST.replace("{names}", en_alt), re.IGNORECASE)
    en_law_first = re.compile(_EN_LAW_FIRST.replace("{names}", en_alt), re.IGNORECASE)
    return zh_re, en_first, en_law_first, names


# --------------------------------------------------------------------------- finding


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    seg = segments(text)
    return max(seg.sentence_start(start), start - 150), min(seg.sentence_end(end), end + 150)


def _law_mentions(text: str) -> list[tuple[int, int, str, str | None]]:
    """(start, end, name as written, official title or None) for every law name in the text.

    Bracketed titles and known names are found separately; where they overlap the longer one wins,
    so 民事诉讼法 inside 关于适用《民事诉讼法》的解释 is read as part of the interpretation's title."""
    zh_re, _, _, names = _patterns()
    brackets = [(m.start(), m.end(), m.group("name")) for m in _BRACKET_RE.finditer(text)]
    starts = [b[0] for b in brackets]
    dropped: set[int] = set()
    mentions: list[tuple[int, int, str, str | None]] = []
    for m in zh_re.finditer(text):
        s, e = m.span()
        if s == e:
            continue
        i = max(bisect.bisect_right(starts, s) - 1, 0)
        overlapping = []
        while i < len(brackets) and brackets[i][0] < e:
            if brackets[i][1] > s:
                overlapping.append(i)
            i += 1
        if any(brackets[j][1] - brackets[j][0] >= e - s for j in overlapping):
            continue  # a bracketed title covers this name
        dropped.update(overlapping)
        mentions.append((s, e, m.group(0), names.get(m.group(0)) or resolve_law(m.group(0))))
    for j, (s, e, name) in enumerate(brackets):
        if j not in dropped:
            mentions.append((s, e, name, resolve_law(name)))
    return sorted(mentions)


def _year_near(text: str, law_start: int, law_end: int, gap: str) -> int | None:
    # only a year written as part of the reference counts: "2017年民事诉讼法", "民事诉讼法（2017年修正）"
    m = _YEAR_RE.search(gap) or _YEAR_BEFORE_RE.search(text[max(0, law_start - 12) : law_start])
    return int(m.group(1)) if m else None


def _unlisted_law(before: str) -> str | None:
    m = _UNLISTED_RE.search(before)
    if not m:
        return None
    name = _LEAD_WORDS.sub("", m.group("name")).strip("、（）() ")
    if len(name) < 3 or name in _SELF_REFERENCE or name.startswith(("本", "该", "同")):
        return None
    return name


def _parse_number(raw: str) -> int | None:
    raw = raw.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    try:
        n = int(raw) if raw.isdigit() else parse_chinese_number(raw)
    except ValueError:
        return None
    return n if 0 < n < 10_000 else None


def _found(
    text: str, start: int, end: int, written: str, law: str | None, number: int, suffix: str,
    carried: bool = False, year: int | None = None,
) -> FoundCitation:  # fmt: skip
    lo, hi = _sentence_bounds(text, start, end)
    return FoundCitation(
        span=Span(start=start, end=end, text=text[start:end]),
        law_as_written=written,
        law=law,
        number=number,
        suffix=suffix,
        article=to_chinese_article(number, suffix),
        carried_over=carried,
        year_hint=year,
        context=text[lo:hi],
    )


def _numbers(raw: str) -> list[int]:
    return [n for part in _LIST_SPLIT_RE.split(raw) if (n := _parse_number(part)) is not None]


# A law named but not yet cited carries over to a later 第X条 only when it is close and no colon
# intervenes: "根据《民法典》规定，双方约定如下：第一条……" is a contract clause, not a citation.
_BARE_CARRY_MAX_GAP = 60
# A carried-over 第X条 must follow a list joint or a citing word; after a noun it is that noun's own
# clause ("借款合同第三条", "协议第五条"), not an article of the law named earlier.
_CARRY_JOINT_RE = re.compile(r"(?:[、，,；;\s（(]|和|及|与|或|即|见|依|据|照|按|以及|还有|中)$")
_SELF_REFERENCE_TAILS = ("本法", "该法", "同法", "本规定", "本解释", "本办法", "本条例")


def _find_chinese(text: str) -> list[FoundCitation]:
    mentions = _law_mentions(text)
    found: list[FoundCitation] = []
    last_cited: tuple[int, str, str | None] | None = None  # sentence start, written, law of the previous citation
    for m in _ARTICLE_RE.finditer(text):
        a_start, a_end = m.start(), m.end()
        if any(s <= a_start < e for s, e, _, _ in mentions):
            continue  # 第X条 inside a title, e.g. 关于《刑法》第三百一十三条的解释
        bare = m.group("bare") is not None
        numbers = _numbers(m.group("bare") or m.group("nums"))
        if not numbers:
            continue
        suffixes = [""] * (len(numbers) - 1) + [m.group("suffix") or ""]
        lo, _ = _sentence_bounds(text, a_start, a_end)
        before = [mt for mt in mentions if mt[1] <= a_start and mt[0] >= lo]
        preceding = text[lo:a_start].rstrip()
        # (span start, law as written, official title, carried over?, year hint)
        attached: tuple[int, str, str | None, bool, int | None] | None = None
        if before and _GAP_RE.fullmatch(text[before[-1][1] : a_start]):
            s, e, written, law = before[-1]
            attached = (s, written, law, False, _year_near(text, s, e, text[e:a_start]))
        elif bare:
            continue
        elif preceding.endswith(_SELF_REFERENCE_TAILS):
            continue  # internal cross-reference inside a quoted law: nothing to verify
        elif (unlisted := _unlisted_law(preceding)) is not None:
            attached = (lo + len(preceding) - len(unlisted), unlisted, None, False, None)
        elif not _CARRY_JOINT_RE.search(text[lo:a_start]):
            continue
        elif last_cited is not None and last_cited[0] == lo:
            attached = (a_start, last_cited[1], last_cited[2], True, None)
        elif (
            before
            and a_start - before[-1][1] <= _BARE_CARRY_MAX_GAP
            and not re.search("[：:]", text[before[-1][1] : a_start])
        ):
            attached = (a_start, before[-1][2], before[-1][3], True, None)
        if attached is None:
            continue
        start, written, law, carried, year = attached
        last_cited = (lo, written, law)
        for number, suffix in zip(numbers, suffixes):
            found.append(_found(text, start, a_end, written, law, number, suffix, carried=carried, year=year))
    return found


def _english_numbers(nums: str) -> list[tuple[int, str]]:
    out = []
    for part in re.findall(r"\d{1,4}(?:-\d{1,2})?", nums):
        n, _, sub = part.partition("-")
        suffix = ""
        if sub:
            try:
                suffix = "之" + to_chinese_article(int(sub))[1:-1]
            except ValueError:
                continue
        if 0 < int(n) < 10_000:
            out.append((int(n), suffix))
    return out


def _find_english(text: str) -> list[FoundCitation]:
    _, en_first, en_law_first, _ = _patterns()
    found: list[FoundCitation] = []
    for pattern in (en_first, en_law_first):
        for m in pattern.finditer(text):
            if any(f.span.start <= m.start() < f.span.end for f in found):
                continue
            name = re.sub(r"\s+", " ", m.group("name")).strip()
            law = resolve_law(name)
            for number, suffix in _english_numbers(m.group("nums")):
                found.append(_found(text, m.start(), m.end(), name, law, number, suffix))
    return found


def find_citations(text: str) -> list[FoundCitation]:
    """Every article citation in `text`, Chinese or English, in order of appearance."""
    if not text or ("条" not in text and "rt" not in text):
        return []
    found = _find_chinese(text) if "条" in text else []
    if "rt" in text:
        found += _find_english(text)
    return sorted(found, key=lambda f: (f.span.start, f.number))


# --------------------------------------------------------------------------- verifying


def _label(law: str, article: str = "") -> str:
    return f"《{short_name(law)}》{article}"


def _check(
    found: FoundCitation, law: str, status: CitationStatus, message: str, successor: Basis | None = None
) -> CitationCheck:
    return CitationCheck(
        span=found.span, law=law, article=found.article, status=status, successor=successor, message=message
    )


def _context_score(words: list[str], context: str) -> int:
    return sum(1 for w in set(words) if w and w in context)


def _renumbered(found: FoundCitation, rmap: RenumberingMap, entry: RenumberedArticle, why: str) -> CitationCheck:
    label, version = _label(rmap.to_law, found.article), rmap.from_version
    if entry.new is None:
        return _check(
            found, rmap.to_law, CitationStatus.nonexistent,
            f"{label}是{version}版本的条文号，该条在现行版本中已删除（{why}）。/ "
            f"Article {found.number} belongs to the {version} version and was deleted from the current text.",
        )  # fmt: skip
    new_article = to_chinese_article(entry.new)
    successor = Basis(law=rmap.to_law, article=new_article, note=entry.note or f"原{version}第{found.number}条")
    return _check(
        found, rmap.to_law, CitationStatus.renumbered,
        f"{label}是{version}版本的条文号（{why}），现行条文为{_label(rmap.to_law, new_article)}。/ "
        f"Article {found.number} is the numbering of the {version} version; "
        f"cite Article {entry.new} of the current text instead.",
        successor,
    )  # fmt: skip


def _repealed(found: FoundCitation, law: str) -> CitationCheck:
    rep = repealed_law(law)
    assert rep is not None
    rmap = next((m for m in renumbering_maps() if m.relation == "repealed_law" and m.from_law == law), None)
    mapped = rmap.lookup(found.number) if rmap and not found.suffix else None
    successor = None
    tail_zh = f"请改引{_label(rep.successor)}的相应条文"
    tail_en = f"cite the {english_name(rep.successor)} instead"
    if mapped is not None and mapped.new is not None:
        new_article = to_chinese_article(mapped.new)
        successor = Basis(law=rep.successor, article=new_article, note=mapped.note)
        tail_zh = f"对应现行条文为{_label(rep.successor, new_article)}"
        tail_en = f"the rule is now Article {mapped.new} of the {english_name(rep.successor)}"
    when = rep.repealed_on.isoformat()
    return _check(
        found, law, CitationStatus.repealed,
        f"{_label(law)}已于{when}废止（{rep.basis}），{tail_zh}。/ The {english_name(law)} was repealed on {when}; {tail_en}.",
        successor,
    )  # fmt: skip


def former_meanings(law: str, number: int) -> list[tuple[RenumberingMap, RenumberedArticle]]:
    """Older versions of `law` in which article `number` carried a rule that now sits at another number.

    民事诉讼法第二百一十四条 is about retrial today; in the 2017 text it was the payment order, now
    第二百二十五条. Read from knowledge/renumbering, the same tables the verifier uses.
    """
    return [
        (m, e)
        for m in renumbering_maps()
        if m.relation == "older_version" and m.to_law == law
        for e in [m.lookup(number)]
        if e is not None and e.new is not None and e.new != number
    ]


def _old_numbering(found: FoundCitation, law: str, exists: bool | None) -> CitationCheck | None:
    """Steps 3-5 of the module docstring: is this number an older version's numbering?"""
    older = [
        (m, e)
        for m in renumbering_maps()
        if m.relation == "older_version" and m.to_law == law and not found.suffix
        for e in [m.lookup(found.number)]
        if e is not None
    ]
    if not older:
        return None
    if found.year_hint is not None:
        for rmap, e in older:
            if rmap.from_version.startswith(str(found.year_hint)):
                return _renumbered(found, rmap, e, f"引用时注明了{found.year_hint}年版本")
    if exists is False:
        return _renumbered(found, *older[0], "现行版本无此条")
    # the version whose old article fits the sentence best, if it fits better than today's article
    today = [_context_score(m.subject_of_current(found.number), found.context) for m, _ in older]
    margins = [(_context_score(e.context, found.context) - today[i], i) for i, (_, e) in enumerate(older)]
    margin, i = max(margins, key=lambda x: (x[0], -x[1]))
    if margin <= 0:
        return None
    rmap, e = older[i]
    words = "、".join(w for w in e.context if w in found.context)
    return _renumbered(found, rmap, e, f"上下文所述内容属于旧条文：{words}")


def verify_citation(found: FoundCitation) -> CitationCheck:
    """Judge one found citation (see the module docstring for the order of the checks)."""
    if found.law is None:
        written = found.law_as_written
        return _check(
            found, written, CitationStatus.unknown_law,
            f"无法识别的法律名称「{written}」，无法核实该引用。/ Unknown law “{written}”: the citation cannot be verified.",
        )  # fmt: skip
    law, entry = found.law, law_entry(found.law)
    if entry is not None and entry.secondary:
        return _check(
            found, law, CitationStatus.unknown_law,
            f"{_label(law)}只有二手转述，条文号无法核实，请勿作为确定依据引用。/ "
            "Known only from secondary sources: the article number cannot be verified.",
        )  # fmt: skip
    if repealed_law(law) is not None:
        return _repealed(found, law)
    if law_status(law) == "repealed":
        return _check(found, law, CitationStatus.repealed, f"{_label(law)}已失效。/ This law is no longer in force.")

    exists = _article_exists(law, found.number, found.suffix)
    old = _old_numbering(found, law, exists)
    if old is not None:
        return old
    if exists:
        note = ""
        if entry is not None and entry.amended_articles and found.number in entry.amended_articles:
            note = f"（注意：{entry.amended_note}）"
        return _check(
            found, law, CitationStatus.valid, f"{_label(law, found.article)}：已核实，现行有效{note}。/ Verified: in force."
        )
    if exists is None:
        return _check(
            found, law, CitationStatus.unknown_law,
            f"{_label(law, found.article)}：本项目未收录该条，无法核实。/ "
            "This article is not in our knowledge base and cannot be verified.",
        )  # fmt: skip
    top = max_article(law)
    size_zh, size_en = (f"共{top}条，", f"has {top} articles; ") if top else ("", "")
    return _check(
        found, law, CitationStatus.nonexistent,
        f"{_label(law)}{size_zh}不存在{found.article}。/ The {english_name(law)} {size_en}"
        f"Article {found.number}{found.suffix and ' ' + found.suffix} does not exist.",
    )  # fmt: skip


def verify_citations(text: str) -> list[CitationCheck]:
    """Check every citation in `text`. Deterministic, no I/O beyond the cached DB and knowledge files."""
    return [verify_citation(f) for f in find_citations(text)]
