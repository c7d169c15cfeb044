"""What every step of the computation shares: the teams in play, the days of each window and
the sums the steps add their parts to, per window and scope."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from core.dates import day_bounds
from org.models import Team

ORG = ("org", 0)
Scope = tuple[str, int]  # ("team", team id) | ("tier", level) | ("org", 0)


@dataclass
class Teams:
    level: dict[int, int]  # team id -> tier level
    active: set[int]
    threshold: dict[int, int]  # team id -> aging threshold days

    def scopes_of(self, team_id: int, *, rollup: bool) -> list[Scope]:
        scopes = [("team", team_id)]
        if rollup:
            scopes += [("tier", self.level[team_id]), ORG]
        return scopes


def teams_of(team_ids) -> Teams:
    """Every team (or those of ``team_ids``) with its tier, whether it is active and its aging
    threshold (one query)."""
    qs = Team.objects.all()
    if team_ids is not None:
        qs = qs.filter(pk__in=list(team_ids))
    level, active, threshold = {}, set(), {}
    for pk, lvl, is_active, days in qs.values_list("pk", "tier__level", "active",
                                                   "tier__aging_threshold_days"):
        level[pk] = lvl
        threshold[pk] = days
        if is_active:
            active.add(pk)
    return Teams(level, active, threshold)


def is_live(end: date, now: datetime) -> bool:
    """Point-in-time figures at the end of yesterday or today are read from the live flags
    (set by the hourly jobs); older days are reconstructed from timestamps."""
    return end >= timezone.localdate(now) - timedelta(days=1)


@dataclass(frozen=True)
class Span:
    """The days of every window, all ending on ``end``: ``starts`` (the first day of each
    window), ``los`` (its first moment), ``hi`` (the moment after ``end``)."""

    end: date
    days: dict[str, int]  # window -> length in days
    starts: dict[str, date]
    los: dict[str, datetime]
    hi: datetime
    now: datetime
    live: bool

    @classmethod
    def of(cls, end: date, windows: dict[str, int], now: datetime) -> "Span":
        starts = {w: end - timedelta(days=n - 1) for w, n in windows.items()}
        return cls(end=end, days=dict(windows), starts=starts,
                   los={w: day_bounds(starts[w], end)[0] for w in windows},
                   hi=day_bounds(end, end)[1], now=now, live=is_live(end, now))

    @property
    def widest(self) -> datetime:
        """The first moment of the longest window."""
        return min(self.los.values())

    @property
    def first_day(self) -> date:
        return min(self.starts.values())


class Sums:
    """The additive parts of every figure, per window and scope: what a step adds for a team
    counts for the team and — with ``rollup`` — for its tier and the organisation."""

    def __init__(self, teams: Teams, windows: Iterable[str], *, rollup: bool) -> None:
        self.teams = teams
        self.windows = list(windows)
        self.rollup = rollup
        self.parts: dict[str, dict[Scope, dict]] = {
            w: defaultdict(lambda: defaultdict(float)) for w in self.windows}

    @property
    def team_ids(self) -> list[int]:
        return list(self.teams.level)

    @property
    def scopes(self) -> set[Scope]:
        """Every scope the figures are computed for."""
        return {scope for team_id in self.teams.level for scope in self.scopes_of(team_id)}

    def scopes_of(self, team_id: int) -> list[Scope]:
        return self.teams.scopes_of(team_id, rollup=self.rollup)

    def add_to(self, scopes: Iterable[Scope], window: str | None, **values) -> None:
        """Adds ``values`` to ``scopes`` in one window (None: in every window)."""
        scopes = list(scopes)
        for w in ([window] if window else self.windows):
            for scope in scopes:
                bucket = self.parts[w][scope]
                for key, value in values.items():
                    bucket[key] += float(value or 0)

    def add(self, window: str | None, team_id: int, **values) -> None:
        """Adds a team's ``values`` (a team outside the computation counts nowhere)."""
        if team_id in self.teams.level:
            self.add_to(self.scopes_of(team_id), window, **values)

    def split(self, row: dict, team_key: str, shared: tuple = ()) -> None:
        """Adds an aggregate row whose parts are named ``<part>__<window>`` (and ``shared``
        parts, which count in every window)."""
        team_id = row.pop(team_key)
        common = {k: row.pop(k) for k in shared if k in row}
        if common:
            self.add(None, team_id, **common)
        for w in self.windows:
            self.add(w, team_id, **{k[: -len(w) - 2]: v for k, v in row.items()
                                    if k.endswith(f"__{w}")})
