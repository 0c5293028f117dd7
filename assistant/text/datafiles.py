"""Reading the project's data files (knowledge/, prompts/) into strict pydantic models.

One door for every YAML file, so a bad file always fails at start-up the same way: a
KnowledgeError when it cannot be read, the caller's error class (RuleError by default) when it
does not match its schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assistant.errors import AssistantError, KnowledgeError, RuleError

M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path, *, error: type[AssistantError] = KnowledgeError) -> Any:
    """The parsed YAML file; `error` (the caller's kind: rules, templates, knowledge) when it cannot be read."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise error(f"无法读取 / cannot read {path}: {exc}") from exc


def load_model(path: Path, model: type[M], *, error: type[AssistantError] = RuleError) -> M:
    """The YAML file validated by its strict model; `error` when it cannot be read or does not match."""
    raw = read_yaml(path, error=error)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise error(f"{path} 格式错误 / is malformed:\n{exc}") from exc
