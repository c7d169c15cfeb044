"""Server-rendered SVG charts for system work (no JavaScript, CSP-safe): a sparkline for list
rows and a labelled bar chart of problems per month."""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def sparkline_svg(series: list[dict], width: int = 120, height: int = 28) -> SafeString:
    counts = [p["count"] for p in series]
    if not counts:
        return mark_safe("")
    peak = max(counts) or 1
    step = width / max(len(counts) - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - 3 - (c / peak) * (height - 6):.1f}"
                      for i, c in enumerate(counts))
    label = ", ".join(f"{p['month']:%b %Y}: {p['count']}" for p in series)
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="Linked problems per month: {label}"><title>{label}</title>'
        '<polyline fill="none" stroke="currentColor" stroke-width="2" points="{points}"/></svg>',
        w=width, h=height, label=label, points=points)


def bars_svg(series: list[dict], width: int = 640, height: int = 180) -> SafeString:
    """Problems per month as bars with month labels and counts."""
    if not series:
        return mark_safe("")
    peak = max(p["count"] for p in series) or 1
    n = len(series)
    top, bottom = 18, 22
    plot = height - top - bottom
    slot = width / n
    bar = slot * 0.6
    parts = []
    for i, p in enumerate(series):
        h = (p["count"] / peak) * plot
        x = i * slot + (slot - bar) / 2
        y = top + plot - h
        month = f"{p['month']:%b}"
        title = escape(f"{p['month']:%B %Y}: {p['count']} problem{'s' if p['count'] != 1 else ''}")
        parts.append(
            f'<g class="bar" data-month="{p["month"]:%Y-%m}" data-count="{p["count"]}">'
            f"<title>{title}</title>"
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{max(h, 0):.1f}" rx="2"/>'
            f'<text class="count" x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
            f'{p["count"] if p["count"] else ""}</text>'
            f'<text class="month" x="{x + bar / 2:.1f}" y="{height - 6}" '
            f'text-anchor="middle">{month}</text></g>')
    summary = escape(", ".join(f"{p['month']:%b %Y}: {p['count']}" for p in series))
    return mark_safe(
        f'<svg class="trend-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Linked problems per month: {summary}" data-testid="trend-chart">'
        f'<line class="axis" x1="0" y1="{top + plot}" x2="{width}" y2="{top + plot}"/>'
        + "".join(parts) + "</svg>")
