"""Formatting and server-rendered SVG charts for the strategy pages."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from core.charts import sparkline, trend_chart

register = template.Library()


@register.filter
def kpinum(value) -> str:
    """A KPI number without trailing zeros: 12.5000 → 12.5, 3.0000 → 3."""
    if value is None or value == "":
        return "—"
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(number.normalize(), "f")
    if "." in text:
        whole, frac = text.split(".")
    else:
        whole, frac = text, ""
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-') or 0):,}"
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


@register.filter
def share(value) -> str:
    """0.4231 → 42%; None (nothing to divide) → —."""
    if value is None:
        return "—"
    return f"{round(float(value) * 100):.0f}%"


@register.simple_tag
def kpi_sparkline(kpi):
    series = getattr(kpi, "series", None) or []
    latest = f"latest {kpinum(kpi.latest.value)}{kpi.unit}, " if getattr(kpi, "latest", None) else ""
    return sparkline(
        [r.value for r in series], target=kpi.target, css="spark", testid="sparkline",
        label=f"Trend of {kpi.name}: {latest}target {kpinum(kpi.target)}{kpi.unit}",
        empty=format_html('<span class="muted small">{}</span>',
                          "one reading" if getattr(kpi, "latest", None) else "no readings"))


@register.inclusion_tag("strategy/_chart.html")
def kpi_chart(kpi, priority):
    series = getattr(kpi, "series", None) or []
    return {"kpi": kpi, "chart": trend_chart([(r.date, r.value) for r in series],
                                             baseline=kpi.baseline, target=kpi.target,
                                             start=priority.start, end=priority.end)}
