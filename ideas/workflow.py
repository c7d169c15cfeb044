"""The idea lifecycle as a pure state machine: no ORM, no side effects.

    new ─▶ in_progress ─▶ done
     │          │
     ├─▶ declined ◀─┤        (reason required)
     └─▶ parked  ◀──┘
    done / declined / parked ─▶ in_progress   (reopen: reason required)

Moving to done requires a learning note: what we learned, not only what we did.

The statuses are the model's enum, ``Idea.Status``: this module names them through it and runs
no query.
"""

from dataclasses import dataclass

from .models import Idea

Status = Idea.Status
LABELS = dict(Status.choices)
# The old names of the statuses, kept only for the callers not yet moved to ``Idea.Status``
# (huddles); new code names a status through the enum.
NEW, IN_PROGRESS, DONE = Status.NEW, Status.IN_PROGRESS, Status.DONE

TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.IN_PROGRESS, Status.DECLINED, Status.PARKED),
    Status.IN_PROGRESS: (Status.DONE, Status.DECLINED, Status.PARKED),
    Status.DONE: (Status.IN_PROGRESS,),
    Status.DECLINED: (Status.IN_PROGRESS,),
    Status.PARKED: (Status.IN_PROGRESS,),
}

# Action names for the buttons on the item page.
ACTION_LABELS = {
    (Status.NEW, Status.IN_PROGRESS): "Start",
    (Status.IN_PROGRESS, Status.DONE): "Close as done",
    (Status.NEW, Status.DECLINED): "Decline",
    (Status.IN_PROGRESS, Status.DECLINED): "Decline",
    (Status.NEW, Status.PARKED): "Park",
    (Status.IN_PROGRESS, Status.PARKED): "Park",
    (Status.DONE, Status.IN_PROGRESS): "Reopen",
    (Status.DECLINED, Status.IN_PROGRESS): "Reopen",
    (Status.PARKED, Status.IN_PROGRESS): "Resume",
}


class TransitionError(Exception):
    def __init__(self, message: str, *, allowed: tuple[str, ...] = (), field: str | None = None,
                 conflict: bool = False):
        super().__init__(message)
        self.message = message
        self.allowed = allowed
        self.field = field
        self.conflict = conflict  # True: not allowed from this state at all (HTTP 409)


@dataclass(frozen=True)
class Requirement:
    reason: bool = False
    learning: bool = False


def allowed_targets(current: str) -> tuple[str, ...]:
    return TRANSITIONS.get(current, ())


def requirement(current: str, target: str) -> Requirement:
    if target == Status.DONE:
        return Requirement(learning=True)
    if target == Status.DECLINED:
        return Requirement(reason=True)
    if target == Status.IN_PROGRESS and current in (Status.DONE, Status.DECLINED, Status.PARKED):
        return Requirement(reason=True)
    return Requirement()


def check(current: str, target: str, *, reason: str = "", learning: str = "") -> None:
    """Raises TransitionError unless ``current → target`` is allowed with what was given."""
    if target not in LABELS:
        raise TransitionError(f"Unknown status {target!r}.", allowed=allowed_targets(current),
                              field="to")
    allowed = allowed_targets(current)
    if target not in allowed:
        names = ", ".join(LABELS[s] for s in allowed) or "none"
        raise TransitionError(
            f"An item that is {LABELS[current].lower()} cannot move to "
            f"{LABELS[target].lower()}. Allowed: {names}.",
            allowed=allowed, conflict=True,
        )
    need = requirement(current, target)
    if need.learning and not (learning or "").strip():
        raise TransitionError(
            "Closing as done needs a learning note: what did we learn, not only what we did?",
            allowed=allowed, field="learning",
        )
    if need.reason and not (reason or "").strip():
        word = "Declining" if target == Status.DECLINED else "Reopening"
        raise TransitionError(f"{word} needs a reason.", allowed=allowed, field="reason")
