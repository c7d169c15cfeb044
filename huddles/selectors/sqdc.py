"""SQDC letters: a day's letters of one team or many, and a team's month calendar.

SQDC letters are not private: every logged-in user may read every active team's."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from org.models import Team
from org.permissions import is_admin

from ..models import BoardSettings, SqdcDay

SQDC = ["safety", "quality", "delivery", "cost"]


def sqdc_categories(settings: BoardSettings) -> list[str]:
    return SQDC + (["people"] if settings.people_enabled else [])


def sqdc_for_day(team_ids, day: date) -> dict[int, dict[str, SqdcDay]]:
    """{team_id: {category: SqdcDay}} for one day (one query)."""
    result: dict[int, dict[str, SqdcDay]] = {}
    for row in SqdcDay.objects.filter(team_id__in=list(team_ids), date=day):
        result.setdefault(row.team_id, {})[row.category] = row
    return result


@dataclass
class Letter:
    category: str
    label: str
    day: SqdcDay | None

    @property
    def letter(self) -> str:
        return self.category[0].upper()

    @property
    def status(self) -> str:
        return self.day.status if self.day else SqdcDay.Status.UNSET

    @property
    def status_label(self) -> str:
        return SqdcDay.Status(self.status).label

    @property
    def note(self) -> str:
        return self.day.note if self.day else ""


def letters_for(settings: BoardSettings, days: dict[str, SqdcDay]) -> list[Letter]:
    labels = dict(SqdcDay.Category.choices)
    return [Letter(c, labels[c], days.get(c)) for c in sqdc_categories(settings)]


def team_letters(team: Team, settings: BoardSettings, day: date) -> list[Letter]:
    """One team's letters for one day (one query)."""
    return letters_for(settings, sqdc_for_day([team.pk], day).get(team.pk, {}))


def sqdc_day_of(team: Team, day: date, category: str) -> SqdcDay | None:
    return SqdcDay.objects.filter(team=team, date=day, category=category).first()


def sqdc_days_visible_to(user) -> QuerySet[SqdcDay]:
    qs = SqdcDay.objects.select_related("team", "set_by")
    return qs if is_admin(user) else qs.filter(team__active=True)


@dataclass
class MonthCell:
    day: date | None
    status: str = SqdcDay.Status.UNSET
    note: str = ""
    future: bool = False


def sqdc_month(team: Team, settings: BoardSettings, year: int, month: int,
               today: date) -> list[dict]:
    """Per category, the month as calendar weeks (Monday first) of coloured days (one query)."""
    first = date(year, month, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    rows = SqdcDay.objects.filter(team=team, date__range=(first, last))
    by_key = {(r.category, r.date): r for r in rows}
    labels = dict(SqdcDay.Category.choices)
    result = []
    for category in sqdc_categories(settings):
        weeks, week = [], [MonthCell(None)] * first.weekday()
        counts = dict.fromkeys(SqdcDay.Status.values, 0)
        notes = []
        day = first
        while day <= last:
            row = by_key.get((category, day))
            cell = MonthCell(day, row.status if row else SqdcDay.Status.UNSET,
                             row.note if row else "", day > today)
            if not cell.future:
                counts[cell.status] += 1
            if row and row.note and row.status in (SqdcDay.Status.RED, SqdcDay.Status.AMBER):
                notes.append(row)
            week = [*week, cell]
            if len(week) == 7:
                weeks.append(week)
                week = []
            day += timedelta(days=1)
        if week:
            weeks.append(week + [MonthCell(None)] * (7 - len(week)))
        result.append({"category": category, "label": labels[category], "weeks": weeks,
                       "counts": counts, "notes": notes})
    return result
