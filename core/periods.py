"""Scorecard periods: the trailing week, month (30 days) or quarter (91 days) ending on a day,
or a custom range. Bad input raises DomainError with the field at fault (HTTP 400)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from core.errors import DomainError

WINDOWS = {"week": 7, "month": 30, "quarter": 91}
KINDS = [*WINDOWS, "custom"]
LABELS = {"week": "Last 7 days", "month": "Last 30 days", "quarter": "Last 91 days",
          "custom": "Custom range"}
# A custom range longer than two years is refused: figures stay exact and nothing times out.
MAX_CUSTOM_DAYS = 731
EARLIEST = date(2000, 1, 1)
# How far back the trend reaches for each window, and at most how many points it shows.
TREND_DAYS = {"week": 84, "month": 180, "quarter": 364}
TREND_POINTS = 60


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def window(self) -> str:
        """The snapshot window that describes this period (custom ranges: the closest)."""
        if self.kind in WINDOWS:
            return self.kind
        return "week" if self.days <= 14 else "month" if self.days <= 60 else "quarter"

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def trend_start(self) -> date:
        if self.kind == "custom":
            return max(self.start, self.end - timedelta(days=TREND_DAYS["quarter"]))
        return self.end - timedelta(days=TREND_DAYS[self.kind])

    def as_params(self) -> dict:
        params = {"period": self.kind}
        if self.kind == "custom":
            params["from"] = self.start.isoformat()
        params["to"] = self.end.isoformat()
        return params


def default_end() -> date:
    """The last complete day: the nightly snapshot describes it."""
    return timezone.localdate() - timedelta(days=1)


def _parse_day(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError(f"“{value}” is not a date: use YYYY-MM-DD.", field=field)


def parse_period(kind: str | None, start=None, end=None) -> Period:
    """The period asked for. ``kind`` defaults to month, ``end`` to the last complete day."""
    kind = (kind or "month").strip().lower()
    if kind not in KINDS:
        raise DomainError(f"Unknown period “{kind}”: use {', '.join(KINDS)}.", field="period")
    first = _parse_day(start, "from")
    last = _parse_day(end, "to")
    today = timezone.localdate()
    if kind == "custom":
        if first is None or last is None:
            raise DomainError("A custom period needs both “from” and “to”.",
                              field="from" if first is None else "to")
    else:
        if first is not None:
            raise DomainError(f"“from” only goes with a custom period; a {kind} ends on “to”.",
                              field="from")
        last = last or default_end()
        first = last - timedelta(days=WINDOWS[kind] - 1)
    if last > today:
        raise DomainError("“to” cannot be in the future.", field="to")
    if first > last:
        raise DomainError("“from” must not be after “to”.", field="from")
    if first < EARLIEST:
        raise DomainError(f"Scorecards start in {EARLIEST.year}.", field="from")
    if (last - first).days + 1 > MAX_CUSTOM_DAYS:
        raise DomainError(
            f"That range is {(last - first).days + 1} days long; ask for at most "
            f"{MAX_CUSTOM_DAYS} days (two years) at a time.", field="to")
    return Period(kind=kind, start=first, end=last)
