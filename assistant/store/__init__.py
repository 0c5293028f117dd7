"""The audit trail: cases, messages, advice, drafts, verdicts and contacts, append-only."""

from assistant.store.trail import CaseRecord, CaseSummary, ContactLogEntry, Store

__all__ = ["CaseRecord", "CaseSummary", "ContactLogEntry", "Store"]
