"""Reading the project's data files (knowledge/, prompts/) into strict pydantic models, and JSONL batches.

One door for every YAML file, so a bad file always fails at start-up the same way: a
KnowledgeError when it cannot be read, the caller's error class (RuleError by default) when it
does not match its schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assistant.errors import AssistantError, KnowledgeError, RuleError

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


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


def read_jsonl(path: Path, parse: Callable[[dict], T], *, what: str, error: type[AssistantError] = RuleError) -> list[T]:
    """`parse` of every non-blank JSON line (the training batches); a bad line fails naming file, line and `what`."""
    out = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(parse(json.loads(line)))
        except (ValueError, KeyError, TypeError) as exc:
            raise error(f"{path.name}:{no}: bad {what}: {exc}") from exc
    return out
