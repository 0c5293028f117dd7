"""Step 2, assess: the debtor as hardship, bad_faith or unclear, with the signals and words behind it."""

from assistant.assess.classify import classify

__all__ = ["classify"]
