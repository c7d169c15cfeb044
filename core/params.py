"""Numbers from a request — a path, a query string, a form — checked before they reach the
database: anything PostgreSQL could not compare with an id or an integer column (``null,null``,
``1e999``, ``-0``, 20 digits, ``²``) is turned away here, as a 400 or a 404 by the caller, never
a ValueError, an OverflowError or a DataError (a 500).

Only ASCII digits count: ``str.isdigit()`` also accepts ``²`` or ``①``, which ``int()`` refuses.
"""

from __future__ import annotations

import re

# PostgreSQL's bigint, the type of every id (BigAutoField) and of BigIntegerField.
BIGINT_MIN = -(2**63)
BIGINT_MAX = 2**63 - 1
# PostgreSQL's integer (IntegerField, PositiveIntegerField…).
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1

_UNSIGNED = re.compile(r"[0-9]{1,19}")
_SIGNED = re.compile(r"[+-]?[0-9]{1,40}")


def parse_id(raw: object) -> int | None:
    """The database id ``raw`` names (1 … 2^63-1, ASCII digits only), or None.

    ``parse_id("42") == 42``; ``parse_id("null,null")``, ``parse_id("-0")``, ``parse_id("1e3")``,
    ``parse_id("99999999999999999999")``, ``parse_id(True)`` and ``parse_id(None)`` are None.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _UNSIGNED.fullmatch(raw.strip()):
        value = int(raw.strip())
    else:
        return None
    return value if 1 <= value <= BIGINT_MAX else None


def parse_int(raw: object, *, low: int = INT_MIN, high: int = INT_MAX) -> int | None:
    """A whole number from ``raw`` (an int, or text of ASCII digits with an optional sign)
    within ``low`` … ``high``, or None. No decimals, exponents or thousands separators."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _SIGNED.fullmatch(raw.strip()):
        value = int(raw.strip())
    else:
        return None
    return value if low <= value <= high else None


def ids(values) -> list[int]:
    """The valid ids among ``values`` (e.g. ``request.GET.getlist("problems")``), in order,
    without repeats; the others are dropped."""
    seen: dict[int, None] = {}
    for value in values or ():
        if (pk := parse_id(value)) is not None:
            seen.setdefault(pk)
    return list(seen)


def local_url(request, target: str | None) -> str:
    """``target`` (a ``?next=`` from the request) if it is a path on this site that is safe to
    redirect to, else "". A bare word such as ``1e999`` is no path: given to ``redirect()`` it
    would be looked up as a URL name (NoReverseMatch, a 500)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = (target or "").strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return ""
