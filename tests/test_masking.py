"""Log lines never carry a debtor's ID, mobile or bank-card number in the clear."""

from __future__ import annotations

import io
import logging

import pytest

from assistant.text.masking import PiiMaskingFilter, install_log_masking, mask_pii


@pytest.mark.parametrize("line, expected", [
    # PRC resident ID (18 digits, check digit may be X)
    ("债务人身份证号110105199003071234，住北京", "债务人身份证号110***********1234，住北京"),
    ("ID 44030619851231002X.", "ID 440***********002X."),
    ("身份证：32010219800101001x", "身份证：320***********001x"),
    # first-generation 15-digit ID
    ("旧身份证110105900307123", "旧身份证110*********123"),
    # mobile numbers, bare, grouped and with the country code
    ("他的手机13812345678一直关机", "他的手机138****5678一直关机"),
    ("call 139-1234-5678 after 8", "call 139-****-5678 after 8"),
    ("+86 186 1234 5678", "+86 186 **** 5678"),
    ("电话8615912345678", "电话86159****5678"),
    # bank cards, 16-19 digits, plain or grouped in fours
    ("转账卡号6222021234567890123", "转账卡号***************0123"),
    ("card 6222 0212 3456 7890", "card **** **** **** 7890"),
    ("卡号4392-2500-1234-5678", "卡号****-****-****-5678"),
])
def test_identifiers_are_masked_and_the_rest_of_the_line_is_kept(line, expected):
    assert mask_pii(line) == expected


@pytest.mark.parametrize("line", [
    "借款100000元，年利率24%，2025-03-01到期",
    "案件 #12 第3版建议已保存",
    "固定电话010-12345678",  # a landline is not a mobile number
    "12812345678",  # 12x is not a mainland mobile prefix
    "订单号123456789012345",  # 15 digits that are not a valid date-shaped old ID
    "2026-11-28 12:03:16,123 INFO started",
])
def test_ordinary_numbers_are_left_alone(line):
    assert mask_pii(line) == line


def test_a_longer_digit_run_is_not_split_into_a_mobile_number():
    # twenty digits: not a card, ID or mobile number; a partial match would leave a misleading fragment
    assert mask_pii("流水号 13812345678123456789 ") == "流水号 13812345678123456789 "


def _capture(logger_name: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(PiiMaskingFilter())
    logger = logging.getLogger(logger_name)
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_the_filter_masks_arguments_as_well_as_the_message():
    logger, stream = _capture("test.masking.args")
    logger.info("debtor %s phone %s", "张三", "13912345678")
    assert stream.getvalue().strip() == "debtor 张三 phone 139****5678"


def test_the_filter_masks_traceback_text():
    logger, stream = _capture("test.masking.exc")
    try:
        raise ValueError("bad card 6222021234567890123")
    except ValueError:
        logger.exception("failed for 110105199003071234")
    output = stream.getvalue()
    assert "6222021234567890123" not in output and "110105199003071234" not in output
    assert "***0123" in output and "110***********1234" in output


def test_install_covers_records_from_child_loggers():
    root = logging.getLogger("test.masking.root")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root.handlers = [handler]
    root.propagate = False
    root.setLevel(logging.INFO)

    install_log_masking(root)
    install_log_masking(root)  # idempotent: one filter per handler
    logging.getLogger("test.masking.root.gradio").info("user typed 13700001111")

    assert stream.getvalue().strip() == "user typed 137****1111"
    assert sum(isinstance(f, PiiMaskingFilter) for f in handler.filters) == 1
