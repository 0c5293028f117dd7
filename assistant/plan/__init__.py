"""Step 5, plan: the stage on the collection ladder, the dated steps and an instalment plan."""

from assistant.plan.negotiation import instalment_plan
from assistant.plan.strategy import Strategy, plan_strategy

__all__ = ["Strategy", "instalment_plan", "plan_strategy"]
