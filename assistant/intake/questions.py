"""Questions for what matters and is still unknown, in the case's language, most important first.

The questions and their order live in knowledge/intake/questions.yaml.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.intake.lexicon import load_lexicon
from assistant.models import Case, ContactStatus, MissingFact

# when each question is needed: the fact is absent (None / empty / unknown)
_NEEDED: dict[str, Callable[[Case], bool]] = {
    "principal": lambda c: c.principal is None,
    "loan_date": lambda c: c.loan_date is None,
    "due_date": lambda c: c.due_date is None,
    "evidence": lambda c: not c.evidence,
    "disputed": lambda c: c.disputed is None,
    # service of process needs an address; ask unless the debtor is known to be reachable
    "debtor_contact": lambda c: c.contact_status is None or c.contact_status.value is not ContactStatus.reachable,
    "rate": lambda c: c.rate is None,
    "repaid": lambda c: c.repaid is None and not any(e.kind == "partial_payment" for e in c.contacts),
    "debtor_has_assets": lambda c: c.debtor_has_assets is None,
    "province": lambda c: c.province is None,
    "debtor_name": lambda c: c.debtor.name is None,
}


def missing_facts(case: Case) -> list[MissingFact]:
    """The unknown facts that matter, as concise questions a creditor understands."""
    missing = []
    for q in load_lexicon().questions.questions:
        needed = _NEEDED.get(q.field)
        if needed is None or needed(case):
            zh = case.language == "zh"
            debt_type = case.debt_type.value.value if case.debt_type else None
            question = q.asked(debt_type, case.language)
            missing.append(MissingFact(field=q.field, question=question, why=q.why_zh if zh else q.why_en))
    return missing
