"""How `make bench` prints: plain-text tables, figures with their unit, ratios where a ratio is
the honest figure (the machine is shared and its speed varies; a ratio to the floor measured in
the same run does not)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def format_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns padded to their widest cell; ``None`` prints as an empty cell; a row of one
    cell is a section title across the table."""
    cells = [["" if c is None else str(c) for c in row] for row in rows]
    widths = [len(h) for h in header]
    for row in cells:
        if len(row) == 1:
            continue
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
             "-+-".join("-" * w for w in widths)]
    for row in cells:
        if len(row) == 1:
            lines.append(f"== {row[0]}")
        else:
            lines.append(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
                         .rstrip())
    return "\n".join(lines)


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


def ratio(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}×" if value < 100 else f"{value:,.0f}×"


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (0–1), nearest rank; None when there are no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def latencies(changes: Sequence[Sequence], events: Sequence[Sequence]) -> tuple[list[float], int]:
    """Change-to-screen latencies in seconds: each event (target, time) against the latest
    change of its target made before it. Also how many events came with no change before
    them (a screen told of something the bench did not do)."""
    by_target: dict[object, list[float]] = {}
    for target, when, *_ in changes:
        by_target.setdefault(target, []).append(when)
    for times in by_target.values():
        times.sort()
    out, unexplained = [], 0
    for target, when in events:
        before = [t for t in by_target.get(target, ()) if t <= when]
        if before:
            out.append(when - before[-1])
        else:
            unexplained += 1
    return out, unexplained


def quotient(a, b):
    """a / b, or None where either is missing or zero (a ratio that cannot be told)."""
    return a / b if a and b else None
