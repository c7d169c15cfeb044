"""Pure KPI arithmetic: is a KPI on track, and is it set up sensibly? No ORM here.

On track means the latest reading is at or better than where the KPI should be by the date of
that reading, on a straight line from the baseline (at the priority's start) to the target
(at its end). "Better" follows the KPI's direction (up: higher is better; down: lower).

Baseline equal to target is allowed: it is a *hold* KPI ("keep lost-time incidents at 0",
"hold OEE at 85%"). The planned line is then flat at the target, so the rule above reads: on
track while the reading is at or better than the target in the KPI's direction.

A direction that contradicts baseline → target (higher is better, but the target is below the
baseline) is saved — someone may have a reason — but it is flagged with a warning wherever the
KPI is edited, because it is almost always a typing error.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

UP = "up"
DOWN = "down"


@dataclass(frozen=True)
class KPIStatus:
    code: str  # on_track | off_track | no_data
    label: str
    css: str
    planned: Decimal | None = None
    target_met: bool = False

    @property
    def on_track(self) -> bool:
        return self.code == "on_track"


NO_DATA = KPIStatus("no_data", "No reading yet", "chip")


def at_or_better(direction: str, value: Decimal, reference: Decimal) -> bool:
    return value >= reference if direction == UP else value <= reference


def planned_value(*, baseline: Decimal, target: Decimal, start: date, end: date,
                  on: date) -> Decimal:
    """Where the KPI should be on a day: baseline at ``start``, target at ``end``, linear."""
    span = (end - start).days
    if span <= 0:
        fraction = Decimal(1) if on >= end else Decimal(0)
    else:
        fraction = Decimal(min(max((on - start).days, 0), span)) / Decimal(span)
    return baseline + (target - baseline) * fraction


def kpi_status(*, direction: str, baseline: Decimal, target: Decimal, start: date, end: date,
               value: Decimal | None, on: date | None) -> KPIStatus:
    """The status of a KPI given its latest reading (``value`` on day ``on``)."""
    if value is None or on is None:
        return NO_DATA
    planned = planned_value(baseline=baseline, target=target, start=start, end=end, on=on)
    met = at_or_better(direction, value, target)
    if met:
        label = "Holding target" if baseline == target else "Target met"
        return KPIStatus("on_track", label, "chip-ok", planned, True)
    if at_or_better(direction, value, planned):
        return KPIStatus("on_track", "On track", "chip-ok", planned, False)
    return KPIStatus("off_track", "Off track", "chip-bad", planned, False)


def is_hold(baseline: Decimal, target: Decimal) -> bool:
    return baseline == target


def direction_contradicts(direction: str, baseline: Decimal, target: Decimal) -> bool:
    return (direction == UP and target < baseline) or (direction == DOWN and target > baseline)


def kpi_warnings(*, direction: str, baseline: Decimal, target: Decimal) -> list[str]:
    """Sentences to show next to a KPI that is set up oddly. Never a reason to refuse it."""
    if direction_contradicts(direction, baseline, target):
        better = "higher" if direction == UP else "lower"
        way = "below" if direction == UP else "above"
        return [f"The direction says {better} is better, but the target ({_fmt(target)}) is "
                f"{way} the baseline ({_fmt(baseline)}). Check the direction or the target."]
    return []


def kpi_notes(*, direction: str, baseline: Decimal, target: Decimal) -> list[str]:
    """Informational notes (not warnings)."""
    if is_hold(baseline, target):
        better = "higher" if direction == UP else "lower"
        return [f"Baseline equals target: a hold KPI. It is on track while readings stay at "
                f"{_fmt(target)} or {better}."]
    return []


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")
