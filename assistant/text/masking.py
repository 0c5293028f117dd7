"""Mask personal identifiers in log lines: PRC ID numbers, mobile numbers and bank-card numbers.

Logs leave the audit database (files, consoles, support tickets), so they must not carry a
debtor's identifiers. 个人信息保护法第五十一条 asks for de-identification as a security measure,
and bank accounts are sensitive personal information under 第二十八条 (金融账户).
Over-masking a log line is harmless; under-masking is a leak, so the patterns lean wide.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

# Digits here are ASCII only: `\d` would also match full-width and other scripts' digits.
_NOT_DIGIT_BEFORE = r"(?<![0-9])"
_NOT_DIGIT_AFTER = r"(?![0-9])"


@dataclass(frozen=True)
class IdentifierPattern:
    name: str
    regex: re.Pattern[str]
    keep_head: int  # digits left visible at the start (region prefix, carrier prefix)
    keep_tail: int  # digits left visible at the end, enough to tell two records apart


def _compile(body: str) -> re.Pattern[str]:
    return re.compile(_NOT_DIGIT_BEFORE + body + _NOT_DIGIT_AFTER)


_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"

# Order matters: an 18-digit ID is checked before the generic 16-19 digit card pattern.
PATTERNS: tuple[IdentifierPattern, ...] = (
    # 居民身份证 (GB 11643): 6-digit region, birth date YYYYMMDD, 3-digit sequence, check digit 0-9/X.
    IdentifierPattern("prc_id", _compile(r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}" + _DATE + r"[0-9]{3}[0-9Xx](?![A-Za-z])"), 3, 4),
    # first-generation 15-digit IDs: 6-digit region, YYMMDD, 3-digit sequence
    IdentifierPattern("prc_id_15", _compile(r"[1-9][0-9]{5}[0-9]{2}" + _DATE + r"[0-9]{3}"), 3, 3),
    # bank cards: 16-19 digits, often written in groups of four separated by spaces or hyphens
    IdentifierPattern("bank_card", _compile(r"[0-9](?:[ -]?[0-9]){15,18}"), 0, 4),
    # mainland mobile numbers, with an optional +86/86 prefix and 3-4-4 grouping
    IdentifierPattern("mobile", _compile(r"(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}"), 3, 4),
)


def _mask_match(match: re.Match[str], pattern: IdentifierPattern) -> str:
    text = match.group(0)
    if pattern.name == "mobile":
        # keep the carrier prefix of the number itself, not of the country code
        prefix_len = len(text) - len(re.sub(r"^\+?86[ -]?", "", text))
        head, body = text[:prefix_len], text[prefix_len:]
        return head + _star_digits(body, pattern.keep_head, pattern.keep_tail)
    return _star_digits(text, pattern.keep_head, pattern.keep_tail)


def _star_digits(text: str, keep_head: int, keep_tail: int) -> str:
    """Replace every digit (and the ID check letter) but the first/last few; separators stay."""
    positions = [i for i, ch in enumerate(text) if ch.isdigit() or ch in "Xx"]
    hidden = set(positions[keep_head : len(positions) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def mask_pii(text: str) -> str:
    """Return `text` with ID, mobile and bank-card numbers masked; other text is unchanged."""
    for pattern in PATTERNS:
        text = pattern.regex.sub(lambda m, p=pattern: _mask_match(m, p), text)
    return text


class PiiMaskingFilter(logging.Filter):
    """A logging filter that masks the rendered message (arguments included) and any traceback text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not hide the record; mask what we have
            message = str(record.msg)
        record.msg = mask_pii(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_pii(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_pii(record.stack_info)
        return True


def install_log_masking(logger: logging.Logger | None = None) -> PiiMaskingFilter:
    """Attach the filter to every handler of `logger` (root by default).

    Handler filters see records propagated from child loggers too (gradio, uvicorn, assistant.*),
    which logger filters do not.
    """
    target = logger or logging.getLogger()
    if logger is None and not target.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    masking = PiiMaskingFilter()
    for handler in target.handlers:
        if not any(isinstance(f, PiiMaskingFilter) for f in handler.filters):
            handler.addFilter(masking)
    return masking
