"""Date arithmetic every app shares: day bounds in the site's time zone, weeks and months."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in the site's time zone: index-friendly created_at filters."""
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def week_start(day: date) -> date:
    """The Monday of the week ``day`` falls in."""
    return day - timedelta(days=day.weekday())


def last_weeks(weeks: int, *, today: date | None = None, include_current: bool = True
               ) -> list[date]:
    """Mondays of the last ``weeks`` weeks, oldest first (the current week last, if included)."""
    today = today or timezone.localdate()
    end = week_start(today)
    if not include_current:
        end -= timedelta(weeks=1)
    return [end - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]


def months_back(n: int, *, today: date | None = None) -> list[date]:
    """First days of the last ``n`` months, oldest first (the current month last)."""
    today = today or timezone.localdate()
    out, y, m = [], today.year, today.month
    for _ in range(n):
        out.append(date(y, m, 1))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return list(reversed(out))
