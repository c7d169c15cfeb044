"""Protected vs used improvement time of a board's team: the strip on the board and the wall."""

from dataclasses import dataclass
from datetime import date, timedelta

from capacity.selectors import capacity_by_week
from org.models import Team

CAPACITY_WEEKS = 4  # protected vs used on a board: this week and the three before it


def capacity_since(today: date) -> date:
    """The Monday of the first week the board's capacity strip shows."""
    return today - timedelta(days=today.weekday(), weeks=CAPACITY_WEEKS - 1)


@dataclass(frozen=True)
class CapacityWeekRow:
    week: date
    protected: object  # Decimal hours
    used: object
    percent: int | None
    counted: bool  # False for weeks before the team set its capacity
    under_half: bool
    current: bool

    @property
    def meter_value(self) -> int:
        return min(100, self.percent or 0)


@dataclass(frozen=True)
class BoardCapacity:
    """Protected vs used improvement time of a board's team, this week and the weeks before."""

    is_set: bool
    protected: object  # hours a week
    unit: str
    amount: object
    weeks: list[CapacityWeekRow]

    @property
    def this_week(self) -> CapacityWeekRow:
        return self.weeks[-1]

    @property
    def under_half_weeks(self) -> int:
        """Complete weeks under half, in a row, up to last week."""
        n = 0
        for w in reversed(self.weeks[:-1]):
            if not w.under_half:
                break
            n += 1
        return n


def board_capacity(team: Team | int, today: date) -> BoardCapacity:
    """From ideas' capacity selector (a constant number of queries): the last
    ``CAPACITY_WEEKS`` weeks, oldest first, this week last. "Under half" is the ideas rule
    (less than half the protected time used in a week that counts)."""
    team_id = getattr(team, "pk", team)
    view = capacity_by_week([team_id], CAPACITY_WEEKS, today=today)[team_id]
    current = today - timedelta(days=today.weekday())
    weeks = [CapacityWeekRow(week=w.week, protected=w.protected, used=w.used,
                             percent=w.percent, counted=w.counted, under_half=w.sacrificed,
                             current=w.week == current) for w in view.weeks]
    cap = view.capacity
    return BoardCapacity(is_set=cap is not None, protected=view.protected,
                         unit=cap.unit if cap else "", amount=cap.amount if cap else None,
                         weeks=weeks)
