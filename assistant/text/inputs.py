"""Input hygiene shared by the API, the CLI and the app: clear errors, never a traceback."""

from __future__ import annotations

import unicodedata

from assistant.errors import InputError
from assistant.settings import get_settings


def clean_text(text: object, *, what: str = "输入 / input") -> str:
    """Return usable text or raise InputError with a message a creditor understands."""
    if not isinstance(text, str):
        raise InputError(f"{what}必须是文字 / {what} must be text, got {type(text).__name__}")
    # drop control characters except newlines and tabs; they are never meaningful here
    cleaned = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()
    if not cleaned:
        raise InputError(f"{what}为空，请描述案件情况 / {what} is empty: please describe the case")
    limit = get_settings().max_input_chars
    if len(cleaned) > limit:
        raise InputError(
            f"{what}过长（{len(cleaned)} 字，上限 {limit} 字），请分段提交 / "
            f"{what} is too long ({len(cleaned)} characters, limit {limit}): please shorten it"
        )
    if not any(ch.isalnum() for ch in cleaned):
        raise InputError(f"{what}没有可读的文字 / {what} contains no readable words")
    return cleaned
