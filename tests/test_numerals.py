"""Chinese and English numerals and money amounts → Decimal."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.text.money import find_amounts, parse_amount
from assistant.text.numerals import parse_number, parse_small_int


@pytest.mark.parametrize(
    ("written", "yuan"),
    [
        ("10万", 100_000),
        ("八万五", 85_000),
        ("5.6万元", 56_000),
        ("¥85,000", 85_000),
        ("￥85000", 85_000),
        ("85,000元", 85_000),
        ("十二万三千", 123_000),
        ("两万", 20_000),
        ("一百二十万", 1_200_000),
        ("3千", 3_000),
        ("1.5k", 1_500),
        ("50k", 50_000),
        ("85K", 85_000),
        ("120,000 yuan", 120_000),
        ("RMB 85,000", 85_000),
        ("rmb85000", 85_000),
        ("人民币伍万元", 50_000),
        ("一千五", 1_500),
        ("三万块", 30_000),
        ("三万块钱", 30_000),
        ("1万5", 15_000),
        ("3万5千", 35_000),
        ("两百五", 250),
        ("一万零五", 10_005),
        ("壹拾贰万元", 120_000),
        ("2w", 20_000),
        ("1.2 million yuan", 1_200_000),
        ("5 thousand RMB", 5_000),
        ("1.2亿", 120_000_000),
        ("85,000.50元", Decimal("85000.5")),
    ],
)
def test_parse_amount(written, yuan):
    assert parse_amount(written) == Decimal(yuan)


@pytest.mark.parametrize(
    ("written", "value"),
    [("十", 10), ("十五", 15), ("二十一", 21), ("一百零五", 105), ("一百二", 120), ("九千九百九十九", 9999), ("十万", 100_000)],
)
def test_parse_number_written_forms(written, value):
    assert parse_number(written) == value


def test_integral_amounts_have_no_exponent():
    assert str(parse_amount("10万")) == "100000"


@pytest.mark.parametrize("bad", ["", "万分之", "abc", "三五", "12三"])
def test_non_numbers_raise(bad):
    with pytest.raises(ValueError):
        parse_number(bad)


@pytest.mark.parametrize(("written", "value"), [("3", 3), ("十二", 12), ("两", 2), ("二〇二四", 2024), ("三十一", 31)])
def test_parse_small_int(written, value):
    assert parse_small_int(written) == value


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("朋友借了我10万元，还了2万", [100_000, 20_000]),
        ("张三8万元", [80_000]),  # a name's last character is not a digit of the amount
        ("已还5000，剩下的一直拖", [5_000]),
        ("he repaid 10k and owes ¥75,000", [10_000, 75_000]),
        ("约定三个月还清，月息2分，一直不还", []),  # a count and a rate are not money
        ("百分之二，万分之五，3个月，2次，5天", []),
        ("电话13812345678", []),  # a phone number is not money
        ("2024年3月1日借的", []),
        ("还了50", []),  # a bare small number is too weak to be money
        ("万一他不还，千万别急", []),  # words made of unit characters are not amounts
        ("大概十来万吧", []),  # an approximation is not an amount
    ],
)
def test_find_amounts(text, found):
    assert [a.value for a in find_amounts(text)] == [Decimal(v) for v in found]


def test_find_amounts_spans_point_at_the_words():
    text = "I lent him RMB 85,000 and he repaid 1.5k; 八万五 is left"
    for a in find_amounts(text):
        assert text[a.start : a.end] == a.text
    assert [a.text for a in find_amounts(text)] == ["RMB 85,000", "1.5k", "八万五"]


def test_find_amounts_skips_excluded_spans():
    text = "2024-03-01 借款 5000 元"
    assert [a.value for a in find_amounts(text, exclude=[(11, 18)])] == []


def test_bare_digits_are_marked_weaker_than_units():
    marked = {a.text: a.marked for a in find_amounts("还了5000，又还了1万")}
    assert marked == {"5000": False, "1万": True}


_DIGITS = "零一二三四五六七八九"


def _formal_chinese(n: int) -> str:
    """Written Chinese for 1 ≤ n < 10^8 (the formal reading, with 零 for gaps)."""

    def below_10k(x: int) -> str:
        out, zero = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = x // unit % 10
            if d:
                out += ("零" if zero and out else "") + _DIGITS[d] + name
                zero = False
            else:
                zero = True
        return out

    high, low = divmod(n, 10_000)
    if not high:
        return below_10k(low)
    return below_10k(high) + "万" + (("零" if 0 < low < 1000 else "") + below_10k(low) if low else "")


@given(st.integers(min_value=1, max_value=99_999_999))
def test_written_chinese_round_trips(n):
    assert parse_number(_formal_chinese(n)) == n


@given(st.integers(min_value=1, max_value=10**9))
def test_digits_with_and_without_separators(n):
    assert parse_amount(f"{n:,}元") == n
    assert parse_amount(f"¥{n}") == n
