"""The learning note, checkable beyond its length: besides the free text ("what we learned"),
a structured note says what we expected, what happened and what we do next time.

Pure rules (no query): composing the free text from the parts when it is left empty, and the
filter that says a done item's note is structured (all three parts filled in)."""

from django.db.models import Q

PARTS = ("learning_expected", "learning_happened", "learning_next_time")
PART_LABELS = {"learning_expected": "Expected", "learning_happened": "Happened",
               "learning_next_time": "Next time"}
PART_MAX = 5000


def clean_parts(parts: dict) -> dict[str, str]:
    """The three parts, stripped (missing ones empty)."""
    return {name: (parts.get(name) or "").strip() for name in PARTS}


def compose(learning: str, parts: dict[str, str]) -> str:
    """The free-text note: as written, else made from the parts given (so a structured note
    alone is enough to close an item as done)."""
    learning = (learning or "").strip()
    if learning:
        return learning
    return "\n".join(f"{PART_LABELS[name]}: {parts[name]}" for name in PARTS if parts.get(name))


def is_structured(parts: dict[str, str]) -> bool:
    return all(parts.get(name) for name in PARTS)


def structured_q(prefix: str = "") -> Q:
    """Items whose learning note is structured: every part filled in."""
    q = Q()
    for name in PARTS:
        q &= ~Q(**{f"{prefix}{name}": ""})
    return q
