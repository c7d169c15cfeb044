"""The idea lifecycle as a pure state machine: no ORM, no side effects.

    new ─▶ in_progress ─▶ done
     │          │
     ├─▶ declined ◀─┤        (reason required)
     └─▶ parked  ◀──┘
    done / declined / parked ─▶ in_progress   (reopen: reason required)

Moving to done requires a learning note: what we learned, not only what we did.
"""

from dataclasses import dataclass

NEW, IN_PROGRESS, DONE, DECLINED, PARKED = "new", "in_progress", "done", "declined", "parked"
LABELS = {NEW: "New", IN_PROGRESS: "In progress", DONE: "Done", DECLINED: "Declined",
          PARKED: "Parked"}

TRANSITIONS: dict[str, tuple[str, ...]] = {
    NEW: (IN_PROGRESS, DECLINED, PARKED),
    IN_PROGRESS: (DONE, DECLINED, PARKED),
    DONE: (IN_PROGRESS,),
    DECLINED: (IN_PROGRESS,),
    PARKED: (IN_PROGRESS,),
}

# Action names for the buttons on the item page.
ACTION_LABELS = {
    (NEW, IN_PROGRESS): "Start",
    (IN_PROGRESS, DONE): "Close as done",
    (NEW, DECLINED): "Decline",
    (IN_PROGRESS, DECLINED): "Decline",
    (NEW, PARKED): "Park",
    (IN_PROGRESS, PARKED): "Park",
    (DONE, IN_PROGRESS): "Reopen",
    (DECLINED, IN_PROGRESS): "Reopen",
    (PARKED, IN_PROGRESS): "Resume",
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
    if target == DONE:
        return Requirement(learning=True)
    if target == DECLINED:
        return Requirement(reason=True)
    if target == IN_PROGRESS and current in (DONE, DECLINED, PARKED):
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
        word = "Declining" if target == DECLINED else "Reopening"
        raise TransitionError(f"{word} needs a reason.", allowed=allowed, field="reason")
