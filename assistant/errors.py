"""One exception family. The shells (CLI, app) map these to user messages; nothing else leaks."""

from __future__ import annotations


class AssistantError(Exception):
    """Root of every error the assistant raises on purpose."""

    user_message: str = "出现错误 / Something went wrong."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.user_message)
        if message:
            self.user_message = message


class InputError(AssistantError):
    """The user's input cannot be used: empty, oversized or not text at all."""


class KnowledgeError(AssistantError):
    """Knowledge data (rules, lexicons, tables, statute selections) is missing or malformed."""


class RuleError(KnowledgeError):
    """A rule file failed strict validation (bad key, bad regex, bad weight)."""


class TemplateError(AssistantError):
    """A prompt or letter template is missing or was rendered without a declared variable."""


class MissingVariableError(TemplateError):
    def __init__(self, template: str, missing: list[str]) -> None:
        self.template = template
        self.missing = sorted(missing)
        super().__init__(f"模板 {template} 缺少变量 / template {template} is missing: {', '.join(self.missing)}")


class IndexNotReadyError(AssistantError):
    """The retrieval index is absent or stale and could not be built."""


class LLMError(AssistantError):
    """The configured LLM endpoint failed; callers fall back to templates."""


class StorageError(AssistantError):
    """The audit-trail database could not be read or written."""


class DraftWithheld(AssistantError):
    """A draft failed the legality check and could not be rewritten, or its debt is unprotected: it is not handed out."""

    def __init__(self, kind: str, codes: list[str] | None = None, report: object | None = None) -> None:
        self.kind = kind
        self.codes = sorted(codes or [])
        self.report = report  # the LegalityReport that withheld it, when there is one
        super().__init__(f"草稿未通过合法性审查，已扣留 / draft {kind} withheld: {', '.join(self.codes) or '?'}")


class AccessError(AssistantError):
    """The user may not see or change this case (it is neither theirs nor shared with them), or lacks the role."""
