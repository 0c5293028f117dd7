"""Article numbers in every written form: 第293条之一, 第二百九十三条之一, 293, 二百九十三."""

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.law.statutes import _db_path
from assistant.text.article_numbers import (
    normalise_article,
    parse_article,
    parse_chinese_number,
    to_chinese_article,
    to_chinese_number,
)


@pytest.mark.parametrize(
    "written, expected",
    [
        ("第293条之一", (293, "之一")),
        ("第二百九十三条之一", (293, "之一")),
        ("293", (293, "")),
        ("二百九十三", (293, "")),
        ("第五百七十七条", (577, "")),
        ("第 577 条", (577, "")),
        ("第５７７条", (577, "")),
        ("第一千二百六十条", (1260, "")),
        ("第十条", (10, "")),
        ("第一百零三条", (103, "")),
        ("第一百二十条之六", (120, "之六")),
        (676, (676, "")),
    ],
)
def test_parse_article_accepts_every_common_form(written, expected):
    assert parse_article(written) == expected


@pytest.mark.parametrize("bad", ["", "第条", "第零条", "第一万条", "第二三条", "article 5", "第12345条", "十十"])
def test_parse_article_rejects_what_is_not_an_article(bad):
    with pytest.raises(ValueError):
        parse_article(bad)


@pytest.mark.parametrize(
    "number, chinese",
    [(1, "一"), (10, "十"), (15, "十五"), (20, "二十"), (103, "一百零三"), (110, "一百一十"),
     (577, "五百七十七"), (1005, "一千零五"), (1010, "一千零一十"), (1260, "一千二百六十"), (9999, "九千九百九十九")],
)  # fmt: skip
def test_to_chinese_number_uses_statute_style(number, chinese):
    assert to_chinese_number(number) == chinese


def test_to_chinese_article_keeps_the_insertion_suffix():
    assert to_chinese_article(293, "之一") == "第二百九十三条之一"


def test_normalise_article_turns_arabic_into_statute_form():
    assert normalise_article("第577条") == "第五百七十七条"


@given(st.integers(min_value=1, max_value=9999))
def test_chinese_numerals_round_trip(n):
    assert parse_chinese_number(to_chinese_number(n)) == n


def test_every_numbered_article_in_the_statute_db_round_trips():
    """The DB's own 第X条 labels are the ground truth for the statute style of numerals."""
    conn = sqlite3.connect(f"file:{_db_path()}?mode=ro", uri=True)
    rows = conn.execute("SELECT article_no, article_no_arabic FROM articles WHERE article_no LIKE '第%条%'").fetchall()
    assert len(rows) > 20_000
    mismatches = [
        (no, n) for no, n in rows if parse_article(no)[0] != n or to_chinese_article(*parse_article(no)) != no
    ]
    assert mismatches == []
