"""One escalation step as a pure state machine: no ORM, no side effects.

    open ─▶ acknowledged ─▶ resolved     (decision text required)
     │           │
     │           ├─────────▶ returned     (sent back with guidance; decision text required)
     │           └─────────▶ escalated    (escalated further: this step closes, a child step
     │                                     opens from the team that held it)
     └──── resolve / return / escalate straight from open are allowed too: the decision
           counts as the acknowledgement (acknowledged_at is set at the same moment).

Only ``open`` and ``acknowledged`` are *active*; the database allows one active step per idea.
Who may do what (members acknowledge, leads decide) is in ``escalation/permissions.py``.

The states are one enum, ``State``: the model's field takes its choices from it
(``Escalation.State`` is this enum) and every layer names a state through it.
"""

from dataclasses import dataclass

from django.db.models import TextChoices


class State(TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"
    RETURNED = "returned", "Returned"
    ESCALATED = "escalated", "Escalated further"


ACTIVE = (State.OPEN, State.ACKNOWLEDGED)
DECIDED = (State.RESOLVED, State.RETURNED)

# action -> (the states it may start from, the state it leads to)
ACKNOWLEDGE, RESOLVE, RETURN, ESCALATE = "acknowledge", "resolve", "return", "escalate"
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    ACKNOWLEDGE: ((State.OPEN,), State.ACKNOWLEDGED),
    RESOLVE: (ACTIVE, State.RESOLVED),
    RETURN: (ACTIVE, State.RETURNED),
    ESCALATE: (ACTIVE, State.ESCALATED),
}
ACTION_LABELS = {ACKNOWLEDGE: "Acknowledge", RESOLVE: "Resolve", RETURN: "Return with guidance",
                 ESCALATE: "Escalate further"}
# Actions that decide on the escalation: the target team's leads only.
DECISIONS = (RESOLVE, RETURN, ESCALATE)


class TransitionError(Exception):
    def __init__(self, message: str, *, field: str | None = None, conflict: bool = False):
        super().__init__(message)
        self.message = message
        self.field = field
        self.conflict = conflict  # True: the step is no longer in a state for this (HTTP 409)


@dataclass(frozen=True)
class Requirement:
    decision: bool = False


def requirement(action: str) -> Requirement:
    return Requirement(decision=action in (RESOLVE, RETURN))


def allowed_actions(state: str) -> tuple[str, ...]:
    return tuple(a for a, (sources, _) in ACTIONS.items() if state in sources)


def target_state(action: str) -> str:
    return ACTIONS[action][1]


def check(state: str, action: str, *, decision: str = "") -> str:
    """Returns the state ``action`` leads to from ``state``, or raises TransitionError."""
    if action not in ACTIONS:
        raise TransitionError(f"Unknown action {action!r}.", field="action")
    sources, target = ACTIONS[action]
    if state not in sources:
        if state == State.ACKNOWLEDGED and action == ACKNOWLEDGE:
            message = "This escalation was already acknowledged."
        elif state in ACTIVE:
            message = f"An {State(state).label.lower()} escalation cannot be {action}d."
        else:
            message = (f"This escalation is already closed ({State(state).label.lower()}); "
                       "nothing more can be done to it.")
        raise TransitionError(message, conflict=True)
    if requirement(action).decision and not (decision or "").strip():
        word = "Resolving" if action == RESOLVE else "Returning"
        raise TransitionError(
            f"{word} needs a decision: tell the team what was decided and what to do next.",
            field="decision")
    return target
