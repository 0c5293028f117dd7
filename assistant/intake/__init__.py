"""Step 1, intake: the case's facts from the creditor's words, each with its source span."""

from assistant.intake.extract import extract_case, merge_cases, missing_facts

__all__ = ["extract_case", "merge_cases", "missing_facts"]
