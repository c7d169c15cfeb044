"""Reads for boards, wall screens, SQDC letters and huddles.

Every read of ideas goes through ideas.selectors.ideas_visible_to, except on a wall screen
opened by a display link: there the team's own board is shown with private items masked
("Private item"), never their titles.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from core.params import parse_id
from ideas import workflow
from ideas.models import Idea, TeamCapacity, TimeEntry
from ideas.permissions import can_transition
from ideas.registry import card_badges
from ideas.selectors import capacity_by_week, ideas_visible_to, with_card_data
from org.models import Membership, Team, User
from org.permissions import is_admin
from org.selectors import team_descendant_ids, user_team_ids

from .links import escalate_url_pattern, idea_url_pattern, time_url_pattern
from .models import BoardSettings, DisplayLink, Huddle, SqdcDay
from .permissions import can_escalate_from_board

OPEN = tuple(Idea.OPEN_STATUSES)
SQDC = ["safety", "quality", "delivery", "cost"]
PRIORITY_RANK = {"high": 0, "normal": 1, "low": 2}

# Board columns: key, label, the status a drop there sets (None: not a status move).
COLUMNS = [
    ("new", "New", workflow.NEW),
    ("in_progress", "In progress", workflow.IN_PROGRESS),
    ("waiting", "Waiting", None),
    ("done", "Done", workflow.DONE),
]


def board_settings_of(team: Team) -> BoardSettings:
    """The team's settings, or unsaved defaults when a lead never changed them (no write on
    a read)."""
    try:
        return team.board_settings
    except BoardSettings.DoesNotExist:
        return BoardSettings(team=team)


def sqdc_categories(settings: BoardSettings) -> list[str]:
    return SQDC + (["people"] if settings.people_enabled else [])


def board_team(slug: str) -> Team | None:
    """The team for a board page, with what the page shows about it (one query)."""
    return (Team.objects.select_related("tier", "parent", "board_settings")
            .filter(slug=slug).first())


# --------------------------------------------------------------------------- the board


@dataclass
class BoardFilters:
    owner: str = ""  # a user id, "none" (unassigned) or "" (anyone)
    category: str = ""
    kind: str = ""

    @classmethod
    def from_query(cls, params) -> "BoardFilters":
        owner = (params.get("owner") or "").strip()
        if owner != "none" and parse_id(owner) is None:
            owner = ""
        category = params.get("category") or ""
        kind = params.get("kind") or ""
        return cls(
            owner=owner,
            category=category if category in Idea.Category.values else "",
            kind=kind if kind in Idea.Kind.values else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.owner or self.category or self.kind)

    def keep(self, idea: Idea) -> bool:
        if self.owner == "none" and idea.owner_id is not None:
            return False
        if self.owner not in ("", "none") and idea.owner_id != parse_id(self.owner):
            return False
        if self.category and idea.category != self.category:
            return False
        return not (self.kind and idea.kind != self.kind)

    def as_query(self) -> dict:
        return {k: v for k, v in (("owner", self.owner), ("category", self.category),
                                  ("kind", self.kind)) if v}


@dataclass
class Card:
    idea: Idea
    masked: bool = False  # a private item shown through a display link
    age_days: int = 0
    badges: list = field(default_factory=list)
    can_move: bool = False
    can_escalate: bool = False
    targets: list = field(default_factory=list)  # [(status, label)] the workflow allows
    discussed: bool = False
    url: str = ""
    escalate_url: str = ""
    time_url: str = ""  # the quick improvement-time entry, for viewers who may log time
    from_team: str = ""  # on the "escalated to us" lane: the team that asks

    @property
    def pk(self) -> int:
        return self.idea.pk

    @property
    def title(self) -> str:
        return "Private item" if self.masked else self.idea.title

    @property
    def aging(self) -> bool:
        return self.idea.aging_flagged_at is not None

    @property
    def waiting(self) -> bool:
        return self.idea.waiting_on_team_id is not None

    @property
    def decision(self) -> str:
        """The escalation decision, shown once the item is back with its team."""
        if self.masked or self.waiting or not self.idea.decision_at:
            return ""
        return self.idea.decision_note


@dataclass
class Column:
    key: str
    label: str
    drop_status: str | None
    cards: list[Card]
    total: int
    wip_limit: int | None = None

    @property
    def over_limit(self) -> bool:
        return self.wip_limit is not None and self.total > self.wip_limit


@dataclass
class Board:
    team: Team
    settings: BoardSettings
    columns: list[Column]
    escalated: Column
    today: date
    filters: BoardFilters
    card_count: int

    @property
    def all_columns(self) -> list[Column]:
        return [*self.columns, self.escalated]


def _column_of(idea: Idea, team_id: int) -> str:
    if idea.team_id != team_id:
        return "escalated"
    if idea.status == workflow.DONE:
        return "done"
    if idea.waiting_on_team_id is not None:
        return "waiting"
    return idea.status


def _sort_key(column: str):
    if column == "done":
        return lambda c: (-(c.idea.done_at.timestamp() if c.idea.done_at else 0), -c.idea.pk)
    return lambda c: (PRIORITY_RANK.get(c.idea.priority, 1), c.idea.created_at, c.idea.pk)


def board_ideas(team: Team, *, viewer: User | None, done_since: datetime) -> QuerySet[Idea]:
    """Every idea a board shows, in one query: the team's open items, its done items in the
    window, and open items of other teams waiting on it. ``viewer=None`` is a display link."""
    base = Idea.objects.all() if viewer is None else ideas_visible_to(viewer)
    on_board = (
        Q(team_id=team.pk, status__in=OPEN)
        | Q(team_id=team.pk, status=workflow.DONE, done_at__gte=done_since)
        | Q(waiting_on_team_id=team.pk, status__in=OPEN)
    )
    return with_card_data(base.filter(on_board))


def build_board(team: Team, *, viewer: User | None, filters: BoardFilters | None = None,
                discussed_ids=frozenset(), today: date | None = None) -> Board:
    """The board as columns of cards, in a constant number of queries whatever the count.

    ``viewer`` is the user looking (None: a display link, which masks private items). WIP counts
    are counted before filters, so a filtered view still warns about the real load."""
    today = today or timezone.localdate()
    settings = board_settings_of(team)
    filters = filters or BoardFilters()
    done_since = timezone.make_aware(
        datetime.combine(today - timedelta(days=settings.done_window_days), datetime.min.time()))
    ideas = list(board_ideas(team, viewer=viewer, done_since=done_since))
    badges = card_badges(ideas) if ideas else {}
    may_escalate = viewer is not None and can_escalate_from_board(viewer, team)
    # Cards on the board are ones the viewer sees, so ideas.permissions.can_log_time reduces
    # to "belongs to a team" here (no query per card).
    may_log = viewer is not None and bool(user_team_ids(viewer))
    idea_url, escalate_url = idea_url_pattern(), escalate_url_pattern()
    time_url = time_url_pattern(team.slug)
    buckets: dict[str, list[Card]] = {key: [] for key, _, _ in COLUMNS}
    buckets["escalated"] = []
    totals = dict.fromkeys(buckets, 0)
    for idea in ideas:
        key = _column_of(idea, team.pk)
        totals[key] += 1
        if not filters.keep(idea):
            continue
        masked = viewer is None and idea.is_private
        own = idea.team_id == team.pk
        card = Card(
            idea=idea,
            masked=masked,
            age_days=max(0, (today - timezone.localdate(idea.created_at)).days),
            badges=[] if masked else badges.get(idea.pk, []),
            can_move=viewer is not None and own and can_transition(viewer, idea),
            can_escalate=(may_escalate and own and idea.is_open and not idea.is_waiting),
            discussed=idea.pk in discussed_ids,
            url="" if masked else idea_url.format(idea.pk),
            from_team="" if own else idea.team.name,
        )
        if card.can_escalate:
            card.escalate_url = escalate_url.format(idea.pk)
        if may_log and not masked:
            card.time_url = time_url.format(idea.pk)
        if card.can_move:
            card.targets = [(s, workflow.LABELS[s]) for s in workflow.allowed_targets(idea.status)]
        buckets[key].append(card)
    columns = []
    for key, label, drop in COLUMNS:
        cards = sorted(buckets[key], key=_sort_key(key))
        limit = settings.wip_limit(key) if key != "done" else None
        columns.append(Column(key, label, drop, cards, totals[key], limit))
    escalated = Column("escalated", "Escalated to us", None,
                       sorted(buckets["escalated"], key=_sort_key("escalated")),
                       totals["escalated"], settings.wip_limit("escalated"))
    return Board(team=team, settings=settings, columns=columns, escalated=escalated,
                 today=today, filters=filters, card_count=len(ideas))


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


def team_members(team: Team) -> list[Membership]:
    """The team's active people (leads first), for attendance and the owner filter."""
    return list(
        Membership.objects.filter(team=team, user__is_active=True)
        .select_related("user").order_by("role", "user__display_name", "user__username")
    )


# --------------------------------------------------------------------------- board version


@dataclass(frozen=True)
class BoardState:
    """What the cheap version check of a board found (one query)."""

    team_id: int
    team_slug: str
    team_active: bool
    ideas: str
    board_changed: object  # when the settings row last changed (as the database gives it)
    time: str = ""  # improvement time logged for the team in the weeks shown, its capacity
    link_id: int | None = None
    link_active: bool = True
    user_password: str | None = None  # for the session check of the fast wall poll

    def etag(self, *, viewer: str, today: date, extra: str = "") -> str:
        raw = "|".join([str(self.team_id), self.ideas or "-", str(self.board_changed),
                        self.time or "-", today.isoformat(), viewer, extra])
        return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


# The version check runs on every wall poll, so it is one hand-written query: building it with the ORM costs ten times as long as
# running it. The fingerprint is: count | newest change | newest activity | flagged count | sum
# of versions over every idea of the team or waiting on it, so any move, edit, escalation,
# comment or flag changes it; board settings' ``changed_at`` covers letters and huddles; the
# improvement time logged for the team since the first week shown (count | sum | newest id),
# its capacity row and its member count cover "protected vs used". What it cannot see (a badge
# another app adds, a person renamed) shows with the next change or the next day, as the date
# is part of every version.
_FINGERPRINT = """
    (SELECT CAST(COUNT(*) AS VARCHAR(20)) || '|' ||
            COALESCE(CAST(MAX(i.updated_at) AS VARCHAR(40)), '') || '|' ||
            COALESCE(CAST(MAX(i.last_activity_at) AS VARCHAR(40)), '') || '|' ||
            CAST(COUNT(i.aging_flagged_at) AS VARCHAR(20)) || '|' ||
            CAST(COALESCE(SUM(i.version), 0) AS VARCHAR(20))
       FROM {idea} i WHERE i.team_id = {team_id} OR i.waiting_on_team_id = {team_id}),
    (SELECT CAST(s.changed_at AS VARCHAR(40)) FROM {settings} s WHERE s.team_id = {team_id}),
    (SELECT CAST(COUNT(*) AS VARCHAR(20)) || '|' ||
            CAST(COALESCE(SUM(e.hours), 0) AS VARCHAR(20)) || '|' ||
            CAST(COALESCE(MAX(e.id), 0) AS VARCHAR(20))
       FROM {entry} e WHERE e.team_id = {team_id} AND e.date >= %s) || '|' ||
    COALESCE((SELECT CAST(c.updated_at AS VARCHAR(40)) || '|' || CAST(c.amount AS VARCHAR(20))
                FROM {capacity} c WHERE c.team_id = {team_id}), '-') || '|' ||
    (SELECT CAST(COUNT(*) AS VARCHAR(20)) FROM {membership} m WHERE m.team_id = {team_id})
"""

CAPACITY_WEEKS = 4  # protected vs used on a board: this week and the three before it


def capacity_since(today: date) -> date:
    """The Monday of the first week the board's capacity strip shows."""
    return today - timedelta(days=today.weekday(), weeks=CAPACITY_WEEKS - 1)


def _fingerprint_sql(team_id: str) -> str:
    """The fingerprint columns; takes one parameter, the first day of the capacity weeks."""
    return _FINGERPRINT.format(idea=Idea._meta.db_table, settings=BoardSettings._meta.db_table,
                               entry=TimeEntry._meta.db_table,
                               capacity=TeamCapacity._meta.db_table,
                               membership=Membership._meta.db_table, team_id=team_id)


def _fetch_one(sql: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def board_state_for_team(slug: str, *, user_id=None,
                         today: date | None = None) -> BoardState | None:
    """The board version of a team by slug, with the user's password hash when a user id is
    given (so a wall poll can check a session without loading the user): one query."""
    since = capacity_since(today or timezone.localdate())
    user_sql, params = "NULL", [since]
    if user_id is not None and str(user_id).isdigit():
        user_sql = (f"(SELECT u.password FROM {User._meta.db_table} u "
                    f"WHERE u.id = %s AND u.is_active)")
        params.append(int(user_id))
    row = _fetch_one(
        f"SELECT t.id, t.slug, t.active, {_fingerprint_sql('t.id')}, {user_sql} "
        f"FROM {Team._meta.db_table} t WHERE t.slug = %s",
        [*params, slug])
    if row is None:
        return None
    return BoardState(team_id=row[0], team_slug=row[1], team_active=bool(row[2]),
                      ideas=row[3] or "empty", board_changed=row[4], time=row[5] or "",
                      user_password=row[6])


def board_state_for_link(token_hash: str, *, now: datetime | None = None,
                         today: date | None = None) -> BoardState | None:
    """The display link (active or not), its team and the board version: one query."""
    since = capacity_since(today or timezone.localdate())
    now = connection.ops.adapt_datetimefield_value(now or timezone.now())
    row = _fetch_one(
        "SELECT l.id, l.team_id, t.slug, t.active, "
        "CASE WHEN l.revoked_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > %s) "
        f"THEN 1 ELSE 0 END, {_fingerprint_sql('l.team_id')} "
        f"FROM {DisplayLink._meta.db_table} l JOIN {Team._meta.db_table} t ON t.id = l.team_id "
        "WHERE l.token_hash = %s",
        [now, since, token_hash])
    if row is None:
        return None
    return BoardState(team_id=row[1], team_slug=row[2], team_active=bool(row[3]),
                      ideas=row[5] or "empty", board_changed=row[6], time=row[7] or "",
                      link_id=row[0], link_active=bool(row[4]))


# --------------------------------------------------------------------------- display links


def display_links_of(team: Team) -> QuerySet[DisplayLink]:
    return DisplayLink.objects.filter(team=team).select_related("created_by", "revoked_by")


def display_links_visible_to(user) -> QuerySet[DisplayLink]:
    """The links of the teams the user leads (all of them for admins)."""
    from org.selectors import user_led_team_ids

    qs = DisplayLink.objects.select_related("team", "created_by", "revoked_by")
    if is_admin(user):
        return qs
    return qs.filter(team_id__in=list(user_led_team_ids(user)))


# --------------------------------------------------------------------------- SQDC


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


def sqdc_days_visible_to(user) -> QuerySet[SqdcDay]:
    """SQDC letters are not private: every logged-in user may read every active team's."""
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


# --------------------------------------------------------------------------- huddles


def huddle_today(team: Team, today: date) -> Huddle | None:
    """Today's open huddle, else today's latest ended one (attendees and discussed prefetched)."""
    return (
        Huddle.objects.filter(team=team, date=today)
        .select_related("started_by", "ended_by")
        .prefetch_related("attendees", Prefetch("discussed", queryset=Idea.objects.only("pk")))
        .order_by(F("ended_at").desc(nulls_first=True), "-started_at")  # the open one first
        .first()
    )


def discussed_ids(huddle: Huddle | None) -> set[int] | frozenset:
    """Ids of the items marked discussed in ``huddle`` while it runs (from huddle_today's
    prefetch): the cards show their "discussed" toggles only during a huddle."""
    if huddle is None or not huddle.is_open:
        return frozenset()
    return {i.pk for i in huddle.discussed.all()}


def huddles_of_team(team: Team) -> QuerySet[Huddle]:
    return (
        Huddle.objects.filter(team=team)
        .select_related("started_by", "ended_by")
        .annotate(attendee_count=Count("attendees", distinct=True),
                  discussed_count=Count("discussed", distinct=True))
        .order_by("-date", "-started_at")
    )


def huddles_visible_to(user) -> QuerySet[Huddle]:
    """Huddles of the user's teams and of every team below them; admins see all."""
    qs = Huddle.objects.select_related("team", "started_by", "ended_by")
    if is_admin(user):
        return qs
    team_ids = list(user_team_ids(user))
    if not team_ids:
        return qs.none()
    scope = Q(team_id__in=team_ids)
    for team_id in team_ids:
        scope |= Q(team_id__in=team_descendant_ids(team_id))
    return qs.filter(scope)


def discussed_visible_to(user, huddles: list[Huddle]) -> dict[int, list[Idea]]:
    """{huddle_id: [ideas]} of the items discussed, only those the user may see (one query)."""
    through = Huddle.discussed.through
    rows = list(through.objects.filter(huddle_id__in=[h.pk for h in huddles])
                .values_list("huddle_id", "idea_id"))
    visible = {i.pk: i for i in ideas_visible_to(user).filter(pk__in={r[1] for r in rows})
               .only("pk", "title", "status", "is_private")} if rows else {}
    result: dict[int, list[Idea]] = {h.pk: [] for h in huddles}
    for huddle_id, idea_id in rows:
        if idea_id in visible:
            result[huddle_id].append(visible[idea_id])
    return result


def weekdays_between(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class HuddleStats:
    scheduled: int
    held: int
    on_time: int
    extra: int  # huddles held on days none was scheduled (weekends)

    @property
    def rate(self) -> float | None:
        """Held as a share of scheduled (0..1), or None when nothing was scheduled."""
        return min(1.0, self.held / self.scheduled) if self.scheduled else None


ON_TIME_GRACE = timedelta(minutes=10)


def huddles_held_vs_scheduled(teams, start: date, end: date) -> dict[int, HuddleStats]:
    """For scorecards: per team, huddles scheduled (every weekday from ``start`` to ``end``,
    at the tier's huddle time), held (weekdays with a huddle) and on time (started no later
    than 10 minutes after the tier's huddle time). Two queries for any number of teams.

    ``teams``: Team objects or ids."""
    team_ids = [getattr(t, "pk", t) for t in teams]
    huddle_times = dict(Team.objects.filter(pk__in=team_ids)
                        .values_list("pk", "tier__huddle_time"))
    scheduled = len(weekdays_between(start, end)) if start <= end else 0
    first_start: dict[tuple[int, date], datetime] = {}
    for team_id, day, started in (Huddle.objects.filter(team_id__in=team_ids,
                                                        date__range=(start, end))
                                  .values_list("team_id", "date", "started_at")):
        key = (team_id, day)
        if key not in first_start or started < first_start[key]:
            first_start[key] = started
    stats = {}
    for team_id in team_ids:
        held = on_time = extra = 0
        huddle_time = huddle_times.get(team_id)
        for (tid, day), started in first_start.items():
            if tid != team_id:
                continue
            if day.weekday() >= 5:
                extra += 1
                continue
            held += 1
            if huddle_time is not None:
                planned = timezone.make_aware(datetime.combine(day, huddle_time))
                if started <= planned + ON_TIME_GRACE:
                    on_time += 1
        stats[team_id] = HuddleStats(scheduled=scheduled, held=held, on_time=on_time,
                                     extra=extra)
    return stats


# --------------------------------------------------------------------------- tier view


def tier_overview(team: Team, *, viewer: User, today: date) -> list[dict]:
    """Each child team's counts per board column (only items the viewer may see), its red
    letters today and its huddle status today. A constant number of queries."""
    children = list(team.children.filter(active=True).select_related("tier", "board_settings")
                    .order_by("name"))
    if not children:
        return []
    ids = [c.pk for c in children]
    windows = {c.pk: timezone.make_aware(datetime.combine(
        today - timedelta(days=board_settings_of(c).done_window_days), datetime.min.time()))
        for c in children}
    window_start = min(windows.values())
    rows = list(
        ideas_visible_to(viewer).filter(team_id__in=ids)
        .filter(Q(status__in=OPEN) | Q(status=workflow.DONE, done_at__gte=window_start))
        .values_list("team_id", "status", "waiting_on_team_id", "done_at", "aging_flagged_at")
    )
    counts = {i: {"new": 0, "in_progress": 0, "waiting": 0, "done": 0, "aging": 0} for i in ids}
    for team_id, status, waiting_on, done_at, flagged in rows:
        c = counts[team_id]
        if status == workflow.DONE:
            if done_at and done_at >= windows[team_id]:
                c["done"] += 1
            continue
        c["waiting" if waiting_on else status] += 1
        if flagged:
            c["aging"] += 1
    letters = sqdc_for_day(ids, today)
    huddles = {}
    for h in Huddle.objects.filter(team_id__in=ids, date=today).order_by("started_at"):
        huddles[h.team_id] = h
    result = []
    for child in children:
        settings = board_settings_of(child)
        day_letters = letters_for(settings, letters.get(child.pk, {}))
        result.append({
            "team": child, "counts": counts[child.pk], "letters": day_letters,
            "reds": [x for x in day_letters if x.status == SqdcDay.Status.RED],
            "huddle": huddles.get(child.pk), "settings": settings,
            "over": [key for key in ("new", "in_progress", "waiting")
                     if settings.wip_limit(key) is not None
                     and counts[child.pk][key] > settings.wip_limit(key)],
        })
    return result
