"""Step 7, checker: every draft vetted under PRC law, deterministically, before anyone sees it."""

from assistant.checker.certify import certify, certify_all
from assistant.checker.check import check
from assistant.checker.rewrite import rewrite

__all__ = ["certify", "certify_all", "check", "rewrite"]
