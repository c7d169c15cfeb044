"""Server-rendered SVG charts (the CSP forbids inline scripts; no chart library is needed)."""

from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .definitions import format_value


def _points(known: list[tuple[date, float]], width: float, height: float,
            pad: float) -> list[tuple]:
    """Points placed by date (gaps between snapshots stay gaps) and scaled to the range."""
    values = [float(v) for _, v in known]
    lo, hi = min(values), max(values)
    span = hi - lo or 1.0
    first, last = known[0][0], known[-1][0]
    days = max((last - first).days, 1)
    return [(pad + (d - first).days / days * (width - 2 * pad),
             height - pad - (v - lo) / span * (height - 2 * pad))
            for (d, _), v in zip(known, values, strict=True)]


def sparkline(series: list[tuple[date, float | None]], *, unit: str = "count",
              label: str = "", width: int = 120, height: int = 32) -> SafeString:
    """A small trend line; gaps (days without a figure) are skipped. Empty when fewer than two
    figures exist."""
    known = [(d, v) for d, v in series if v is not None]
    if len(known) < 2:
        return mark_safe('<span class="spark-empty muted small">no trend yet</span>')
    pts = _points(known, width, height, 3)
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    first, last = known[0], known[-1]
    title = (f"{label}: {format_value(first[1], unit)} on {first[0]:%d %b} → "
             f"{format_value(last[1], unit)} on {last[0]:%d %b}")
    x, y = pts[-1]
    return mark_safe(
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<polyline points="{path}" fill="none" stroke="currentColor" stroke-width="1.6" '
        f'stroke-linejoin="round" stroke-linecap="round"/>'
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.4" fill="currentColor"/></svg>'
    )


def line_chart(series: list[tuple[date, float | None]], *, unit: str = "count",
               label: str = "", width: int = 360, height: int = 170) -> SafeString:
    """A trend chart with the first and last dates and the range of values on its axes."""
    known = [(d, v) for d, v in series if v is not None]
    if len(known) < 2:
        return mark_safe('<p class="muted small">Not enough snapshots for a trend yet.</p>')
    values = [float(v) for _, v in known]
    left, bottom = 48, 20
    pts = _points(known, width - left, height - bottom, 6)
    pts = [(x + left, y) for x, y in pts]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    lo, hi = min(values), max(values)
    title = f"{label} from {known[0][0]:%d %b %Y} to {known[-1][0]:%d %b %Y}"
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2"><title>{d:%d %b %Y}: '
        f"{escape(format_value(v, unit))}</title></circle>"
        for (x, y), (d, v) in zip(pts, known, strict=True))
    return mark_safe(
        f'<svg class="trend-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width}" '
        f'y2="{height - bottom}"/>'
        f'<line class="axis" x1="{left}" y1="0" x2="{left}" y2="{height - bottom}"/>'
        f'<text x="{left - 6}" y="12" text-anchor="end">{escape(format_value(hi, unit))}</text>'
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end">'
        f"{escape(format_value(lo, unit))}</text>"
        f'<text x="{left}" y="{height - 4}">{known[0][0]:%d %b}</text>'
        f'<text x="{width}" y="{height - 4}" text-anchor="end">{known[-1][0]:%d %b}</text>'
        f'<polyline points="{path}" fill="none" stroke="currentColor" stroke-width="2" '
        f'stroke-linejoin="round"/>{dots}</svg>'
    )


def stacked_bar(parts: list[tuple[str, int, str]], *, width: int = 320,
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


def capacity_bars(weeks: list[dict], *, width: int = 360, height: int = 130) -> SafeString:
    """Protected (outline) vs used (filled) improvement hours per week, oldest first; a week
    below half its protected time is drawn in the "bad" colour."""
    if not weeks:
        return mark_safe('<p class="muted small">No weeks to show.</p>')
    peak = max(max(w["protected"], w["used"]) for w in weeks) or 1.0
    bottom, top = 18, 6
    plot = height - bottom - top
    slot = width / len(weeks)
    bar = slot * 0.6
    parts = []
    for i, w in enumerate(weeks):
        x = i * slot + (slot - bar) / 2
        hp = w["protected"] / peak * plot
        hu = w["used"] / peak * plot
        css = "used bad" if w.get("sacrificed") else "used"
        label = (f"Week of {w['week']:%d %b}: {format_value(w['used'], 'hours')} h used of "
                 f"{format_value(w['protected'], 'hours')} h protected")
        parts.append(
            f'<g data-week="{w["week"]:%Y-%m-%d}"><title>{escape(label)}</title>'
            f'<rect class="{css}" x="{x:.1f}" y="{top + plot - hu:.1f}" width="{bar:.1f}" '
            f'height="{hu:.1f}"/>'
            f'<rect class="protected" x="{x:.1f}" y="{top + plot - hp:.1f}" width="{bar:.1f}" '
            f'height="{hp:.1f}"/>'
            f'<text x="{x + bar / 2:.1f}" y="{height - 4}" text-anchor="middle">'
            f'{w["week"]:%d %b}</text></g>')
    return mark_safe(
        f'<svg class="capacity-chart trend-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Protected vs used improvement hours per week">'
        f'<line class="axis" x1="0" y1="{top + plot}" x2="{width}" y2="{top + plot}"/>'
        + "".join(parts) + "</svg>")
