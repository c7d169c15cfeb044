"""Input checks the strategy services share, and with them the system-work apps built on
strategy (experiments, reviews, standards): required text within a length, a row that exists or
is locked for the change, fields a service does not change (each raises a DomainError its
callers show as is), setting fields, and which fields an edit really changes."""

from collections.abc import Iterable

from core.errors import DomainError


def clean_text(value: str | None, *, field: str, label: str, limit: int | None = None,
               required: bool = True) -> str:
    """The stripped text; refuses an empty required one and one over ``limit`` characters."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"{label} is required.", field=field)
    if limit is not None and len(value) > limit:
        raise DomainError(f"Keep {label[0].lower() + label[1:]} under {limit:,} characters.",
                          field=field)
    return value


def existing_row(queryset, pk, what: str):
    """The row ``pk`` of ``queryset`` (or of a model's manager), not locked; "No such …"
    otherwise."""
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise DomainError(f"No such {what}.", code="not_found")
    return row


def lock_row(model, pk, what: str):
    """The row, locked for this transaction (``select_for_update``); "No such …" otherwise."""
    try:
        return model.objects.select_for_update().get(pk=getattr(pk, "pk", pk))
    except (model.DoesNotExist, ValueError, TypeError):
        raise DomainError(f"No such {what}.", code="not_found")


def known_fields(fields: dict, allowed: set[str]) -> None:
    """Refuses fields a service does not change (a caller's typo is not silently ignored)."""
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")


def set_fields(obj, fields: dict, allowed: set[str] | None = None) -> None:
    """Sets ``fields`` on ``obj``; with ``allowed``, first refuses any other (``known_fields``)."""
    if allowed is not None:
        known_fields(fields, allowed)
    for key, value in fields.items():
        setattr(obj, key, value)


def assign(obj, fields: dict, *, foreign_keys: Iterable[str]) -> list[str]:
    """Sets ``fields`` on ``obj`` and returns the names whose value really changes (foreign
    keys compared by id, text once stripped): a change-window change records only those."""
    changed = []
    for key, value in fields.items():
        attr = f"{key}_id" if key in foreign_keys else key
        new = getattr(value, "pk", value)
        if isinstance(new, str):
            new = new.strip()
        if getattr(obj, attr) != new:
            changed.append(key)
        setattr(obj, key, value)
    return changed
