"""Server-rendered SVG charts, one module for every page (the CSP forbids inline scripts; no
chart library is needed): numbers in, markup (or coordinates for a template) out. No ORM."""

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

Number = float | int | Decimal


def _bounds(values: Sequence[float], *, low: float | None = None, margin: float = 0.0
            ) -> tuple[float, float]:
    lo = min(values) if low is None else low
    hi = max(values)
    if lo == hi:
        lo, hi = (lo - 1, hi + 1) if margin else (lo, hi + 1)
    pad = (hi - lo) * margin
    return lo - (pad if low is None else 0), hi + pad


def _axis(lo: float, hi: float, start: float, end: float) -> Callable[[float], float]:
    """Maps [lo, hi] onto [start, end] (end < start draws upwards)."""
    span = (hi - lo) or 1.0
    return lambda v: round(start + (float(v) - lo) / span * (end - start), 1)


def sparkline(values: Sequence[Number], *, label: str, xs: Sequence[float] | None = None,
              target: Number | None = None, low: float | None = None, width: int = 120,
              height: int = 32, css: str = "sparkline", testid: str = "",
              empty: str = "") -> SafeString:
    """A small trend line: ``values`` oldest first, spaced evenly or placed at ``xs`` (e.g. day
    numbers, so that gaps stay gaps); an optional dashed ``target`` line; the last point marked.
    ``low`` pins the bottom of the scale (0 for counts). Fewer than two values: ``empty``."""
    if len(values) < 2:
        return mark_safe(empty)
    nums = [float(v) for v in values]
    lo, hi = _bounds(nums + ([float(target)] if target is not None else []), low=low,
                     margin=0.08 if target is not None else 0.0)
    pad = 3
    positions = [float(x) for x in xs] if xs is not None else list(range(len(nums)))
    x = _axis(min(positions), max(positions), pad, width - pad)
    y = _axis(lo, hi, height - pad, pad)
    points = [(x(px), y(v)) for px, v in zip(positions, nums, strict=True)]
    path = " ".join(f"{px},{py}" for px, py in points)
    target_line = (f'<line class="target" x1="0" x2="{width}" y1="{y(float(target))}" '
                   f'y2="{y(float(target))}"/>' if target is not None else "")
    last_x, last_y = points[-1]
    test = f' data-testid="{escape(testid)}"' if testid else ""
    return mark_safe(
        f'<svg class="{escape(css)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(label)}"{test}>'
        f"<title>{escape(label)}</title>{target_line}"
        f'<polyline points="{path}" fill="none" stroke="currentColor" stroke-width="1.6" '
        f'stroke-linejoin="round" stroke-linecap="round"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="2.4" fill="currentColor"/></svg>')


def dated_sparkline(series: Sequence[tuple[date, Number | None]], *, label: str,
                    fmt: Callable[[Number], str] = str, **kwargs) -> SafeString:
    """A sparkline of dated figures (days without a figure are skipped, and stay gaps), titled
    with the first and the last figure."""
    known = [(d, v) for d, v in series if v is not None]
    kwargs.setdefault("empty", '<span class="spark-empty muted small">no trend yet</span>')
    if len(known) < 2:
        return mark_safe(kwargs["empty"])
    first, last = known[0], known[-1]
    title = (f"{label}: {fmt(first[1])} on {first[0]:%d %b} → {fmt(last[1])} on "
             f"{last[0]:%d %b}")
    return sparkline([v for _, v in known], xs=[(d - first[0]).days for d, _ in known],
                     label=title, **kwargs)


def line_chart(series: Sequence[tuple[date, Number | None]], *, label: str,
               fmt: Callable[[Number], str] = str, width: int = 360,
               height: int = 170) -> SafeString:
    """A trend chart with the first and last dates and the range of values on its axes."""
    known = [(d, float(v)) for d, v in series if v is not None]
    if len(known) < 2:
        return mark_safe('<p class="muted small">Not enough snapshots for a trend yet.</p>')
    left, bottom, pad = 48, 20, 6
    lo, hi = _bounds([v for _, v in known])
    first = known[0][0]
    days = [(d - first).days for d, _ in known]
    x = _axis(0, max(days) or 1, left + pad, width - pad)
    y = _axis(lo, hi, height - bottom - pad, pad)
    pts = [(x(day), y(v)) for day, (_, v) in zip(days, known, strict=True)]
    path = " ".join(f"{px},{py}" for px, py in pts)
    title = f"{label} from {known[0][0]:%d %b %Y} to {known[-1][0]:%d %b %Y}"
    dots = "".join(f'<circle cx="{px}" cy="{py}" r="2"><title>{d:%d %b %Y}: '
                   f"{escape(fmt(v))}</title></circle>"
                   for (px, py), (d, v) in zip(pts, known, strict=True))
    return mark_safe(
        f'<svg class="trend-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width}" '
        f'y2="{height - bottom}"/>'
        f'<line class="axis" x1="{left}" y1="0" x2="{left}" y2="{height - bottom}"/>'
        f'<text x="{left - 6}" y="12" text-anchor="end">{escape(fmt(hi))}</text>'
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end">{escape(fmt(lo))}</text>'
        f'<text x="{left}" y="{height - 4}">{known[0][0]:%d %b}</text>'
        f'<text x="{width}" y="{height - 4}" text-anchor="end">{known[-1][0]:%d %b}</text>'
        f'<polyline points="{path}" fill="none" stroke="currentColor" stroke-width="2" '
        f'stroke-linejoin="round"/>{dots}</svg>')


def _bars(items: Sequence, draw: Callable[..., str], *, peak: float, label: str, css: str,
          width: int, height: int, top: int, bottom: int, attrs: str = "") -> SafeString:
    """Bars spread evenly over the width (each 60 % of its slot, centred) standing on an axis.
    ``draw(item, x, bar_width, base, scale)`` returns one bar's markup: ``x`` its left edge,
    ``base`` the axis's y and ``scale(value)`` the height of a value (``peak`` reaches the top)."""
    plot = height - top - bottom
    base = top + plot
    slot = width / len(items)
    bar = slot * 0.6

    def scale(value: float) -> float:
        return value / peak * plot

    return mark_safe(
        f'<svg class="{css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}"{attrs}>'
        f'<line class="axis" x1="0" y1="{base}" x2="{width}" y2="{base}"/>'
        + "".join(draw(item, i * slot + (slot - bar) / 2, bar, base, scale)
                  for i, item in enumerate(items)) + "</svg>")


def bar_chart(bars: Sequence[dict], *, label: str, width: int = 640, height: int = 180,
              css: str = "trend-chart", testid: str = "") -> SafeString:
    """Labelled bars: each ``{"value", "label" (under the bar), "title" (on hover), "data"
    (attributes)}``; the value is printed above its bar."""
    if not bars:
        return mark_safe("")

    def draw(b: dict, x: float, bar: float, base: float, scale) -> str:
        h = scale(b["value"])
        y = base - h
        attrs = "".join(f' data-{k}="{escape(str(v))}"' for k, v in b.get("data", {}).items())
        return (f'<g class="bar"{attrs}><title>{escape(b["title"])}</title>'
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{max(h, 0):.1f}" rx="2"/>'
                f'<text class="count" x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
                f'{b["value"] or ""}</text>'
                f'<text class="month" x="{x + bar / 2:.1f}" y="{height - 6}" text-anchor="middle">'
                f'{escape(b["label"])}</text></g>')

    test = f' data-testid="{escape(testid)}"' if testid else ""
    return _bars(bars, draw, peak=max(b["value"] for b in bars) or 1, label=label,
                 css=escape(css), width=width, height=height, top=18, bottom=22, attrs=test)


def stacked_bar(parts: Sequence[tuple[str, int, str]], *, width: int = 320,
                height: int = 18) -> SafeString:
    """One bar split by count: [(label, count, css class)]. Empty when every count is 0."""
    total = sum(n for _, n, _ in parts)
    if not total:
        return mark_safe('<span class="muted small">no items in the period</span>')
    title = ", ".join(f"{label}: {n}" for label, n, _ in parts)
    x, rects = 0.0, []
    for label, n, css in parts:
        if not n:
            continue
        w = n / total * width
        rects.append(f'<rect class="{escape(css)}" x="{x:.1f}" y="0" width="{w:.1f}" '
                     f'height="{height}"><title>{escape(label)}: {n}</title></rect>')
        x += w
    return mark_safe(
        f'<svg class="stacked-bar" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}">{"".join(rects)}</svg>')


def paired_bars(weeks: Sequence[dict], *, fmt: Callable[[Number], str] = str,
                width: int = 360, height: int = 130) -> SafeString:
    """Protected (outline) vs used (filled) improvement hours per week, oldest first; a week
    below half its protected time is drawn in the "bad" colour."""
    if not weeks:
        return mark_safe('<p class="muted small">No weeks to show.</p>')

    def draw(w: dict, x: float, bar: float, base: float, scale) -> str:
        hp, hu = scale(w["protected"]), scale(w["used"])
        css = "used bad" if w.get("sacrificed") else "used"
        label = (f"Week of {w['week']:%d %b}: {fmt(w['used'])} h used of "
                 f"{fmt(w['protected'])} h protected")
        return (f'<g data-week="{w["week"]:%Y-%m-%d}"><title>{escape(label)}</title>'
                f'<rect class="{css}" x="{x:.1f}" y="{base - hu:.1f}" width="{bar:.1f}" '
                f'height="{hu:.1f}"/>'
                f'<rect class="protected" x="{x:.1f}" y="{base - hp:.1f}" width="{bar:.1f}" '
                f'height="{hp:.1f}"/>'
                f'<text x="{x + bar / 2:.1f}" y="{height - 4}" text-anchor="middle">'
                f'{w["week"]:%d %b}</text></g>')

    return _bars(weeks, draw, peak=max(max(w["protected"], w["used"]) for w in weeks) or 1.0,
                 label="Protected vs used improvement hours per week",
                 css="capacity-chart trend-chart", width=width, height=height, top=6, bottom=18)


def trend_chart(readings: Sequence[tuple[date, Number]], *, baseline: Number, target: Number,
                start: date, end: date, width: int = 640, height: int = 200) -> dict:
    """Coordinates for a KPI over time (drawn by a template): the readings, the planned line
    from baseline (at start) to target (at end), and the target. Readings oldest first."""
    left, right, top, bottom = 56, 12, 12, 28
    days = [start, end] + [d for d, _ in readings]
    d0, d1 = min(days), max(days)
    lo, hi = _bounds([float(baseline), float(target)] + [float(v) for _, v in readings],
                     margin=0.08)
    x = _axis(0, (d1 - d0).days or 1, left, width - right)
    y = _axis(lo, hi, height - bottom, top)

    def at(day: date) -> float:
        return x((day - d0).days)

    points = [{"x": at(d), "y": y(v), "date": d, "value": v} for d, v in readings]
    return {
        "width": width, "height": height, "left": left, "right": width - right,
        "top": top, "bottom": height - bottom,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "planned": {"x1": at(start), "y1": y(baseline), "x2": at(end), "y2": y(target)},
        "target_y": y(target),
        "ticks": [{"y": y(lo + (hi - lo) * i / 4), "label": _short(lo + (hi - lo) * i / 4)}
                  for i in range(5)],
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


def monthly_sparkline(series: Sequence[dict], *, label: str) -> SafeString:
    """``[{"month": date, "count": n}]`` oldest first, from zero up."""
    title = f"{label}: " + ", ".join(f"{p['month']:%b %Y}: {p['count']}" for p in series)
    return sparkline([p["count"] for p in series], label=title, low=0, width=120, height=28)


def monthly_bars(series: Sequence[dict], *, label: str, noun: str) -> SafeString:
    """``[{"month": date, "count": n}]`` as labelled bars, one a month."""
    summary = f"{label}: " + ", ".join(f"{p['month']:%b %Y}: {p['count']}" for p in series)
    return bar_chart([{
        "value": p["count"], "label": f"{p['month']:%b}",
        "title": f"{p['month']:%B %Y}: {p['count']} {noun}{'s' if p['count'] != 1 else ''}",
        "data": {"month": f"{p['month']:%Y-%m}", "count": p["count"]},
    } for p in series], label=summary, testid="trend-chart")
