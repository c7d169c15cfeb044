"""Server-rendered SVG charts: numbers in, coordinates out. No JavaScript, no ORM."""

from datetime import date
from decimal import Decimal


def _scale(lo: float, hi: float, size: float, pad: float, invert: bool = False):
    span = hi - lo or 1.0

    def to(v: float) -> float:
        frac = (v - lo) / span
        if invert:
            frac = 1 - frac
        return round(pad + frac * (size - 2 * pad), 1)

    return to


def _bounds(values: list[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    margin = (hi - lo) * 0.08
    return lo - margin, hi + margin


def sparkline(values: list[Decimal], *, target: Decimal | None = None, width: int = 120,
              height: int = 32) -> dict | None:
    """A small trend line; the target as a dashed line. None with fewer than two values."""
    if len(values) < 2:
        return None
    nums = [float(v) for v in values]
    y_values = nums + ([float(target)] if target is not None else [])
    lo, hi = _bounds(y_values)
    x = _scale(0, len(nums) - 1, width, 3)
    y = _scale(lo, hi, height, 3, invert=True)
    points = [(x(i), y(v)) for i, v in enumerate(nums)]
    return {
        "width": width, "height": height,
        "points": " ".join(f"{px},{py}" for px, py in points),
        "last": points[-1],
        "target_y": y(float(target)) if target is not None else None,
    }


def trend_chart(readings: list[tuple[date, Decimal]], *, baseline: Decimal, target: Decimal,
                start: date, end: date, width: int = 640, height: int = 200) -> dict:
    """A KPI over time: the readings, the planned line from baseline (at start) to target
    (at end), and the target. Readings must be oldest first."""
    left, right, top, bottom = 56, 12, 12, 28
    days = [start, end] + [d for d, _ in readings]
    d0, d1 = min(days), max(days)
    span = (d1 - d0).days or 1
    y_values = [float(baseline), float(target)] + [float(v) for _, v in readings]
    lo, hi = _bounds(y_values)

    def x(day: date) -> float:
        return round(left + (day - d0).days / span * (width - left - right), 1)

    def y(value) -> float:
        frac = (float(value) - lo) / ((hi - lo) or 1)
        return round(top + (1 - frac) * (height - top - bottom), 1)

    points = [{"x": x(d), "y": y(v), "date": d, "value": v} for d, v in readings]
    ticks = []
    for i in range(5):
        value = lo + (hi - lo) * i / 4
        ticks.append({"y": y(value), "label": _short(value)})
    return {
        "width": width, "height": height, "left": left, "right": width - right,
        "top": top, "bottom": height - bottom,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "planned": {"x1": x(start), "y1": y(baseline), "x2": x(end), "y2": y(target)},
        "target_y": y(target),
        "ticks": ticks,
        "first_day": d0, "last_day": d1,
    }


def _short(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}"
