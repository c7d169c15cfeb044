"""A team's board as columns of cards, and the team a board page is for.

Every read of ideas goes through ideas.selectors.ideas_visible_to, except on a wall screen
opened by a display link (``viewer=None``): there the team's own board is shown with private
items masked ("Private item"), never their titles.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.params import parse_id
from ideas import workflow
from ideas.models import Idea
from ideas.permissions import can_transition
from ideas.registry import card_badges
from ideas.selectors import ideas_visible_to, with_card_data
from org.models import Membership, Team, User
from org.selectors import user_team_ids

from ..links import escalate_url_pattern, idea_url_pattern, time_url_pattern
from ..models import BoardSettings, Huddle
from ..permissions import can_escalate_from_board, can_view_board

OPEN = tuple(Idea.OPEN_STATUSES)
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


def board_team(*, slug: str | None = None, pk=None) -> Team | None:
    """The team of a board, by slug or id, with what a board shows about it (one query)."""
    lookup = {"slug": slug} if slug is not None else {"pk": parse_id(pk)}
    if None in lookup.values():
        return None
    return (Team.objects.select_related("tier", "parent", "board_settings")
            .filter(**lookup).first())


def access_board(user, *, slug: str | None = None, pk=None) -> Team:
    """The team whose board ``user`` asks for (by slug: the pages; by id: the API), or 404."""
    team = board_team(slug=slug, pk=pk)
    if team is None or not can_view_board(user, team):
        raise Http404("No such board.")
    return team


def team_members(team: Team) -> list[Membership]:
    """The team's active people (leads first), for attendance and the owner filter."""
    return list(
        Membership.objects.filter(team=team, user__is_active=True)
        .select_related("user").order_by("role", "user__display_name", "user__username")
    )


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
    is_new: bool = False  # logged since the team's last huddle (the wall marks it)
    new_until: datetime | None = None  # with no huddle yet: when it stops being new

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

    def card(self, idea_id: int) -> Card | None:
        return next((c for column in self.all_columns for c in column.cards
                     if c.pk == idea_id), None)


# With no huddle yet, a card is new for a day after it was logged.
NEW_WITHOUT_HUDDLE = timedelta(hours=24)


@dataclass(frozen=True)
class NewSince:
    """Where "new" starts on a team's wall."""

    at: datetime
    huddle: bool  # True: the start of the team's latest huddle; False: no huddle yet


def new_since(team: Team, *, now: datetime) -> NewSince:
    """Cards logged after the start of the team's most recent huddle (the one running now, if
    any) are new; a team that never held one sees the last 24 hours as new (one query)."""
    started = (Huddle.objects.filter(team=team).order_by("-date", "-started_at")
               .values_list("started_at", flat=True).first())
    if started is None:
        return NewSince(at=now - NEW_WITHOUT_HUDDLE, huddle=False)
    return NewSince(at=started, huddle=True)


def mark_new(board: "Board", since: NewSince) -> None:
    """Sets ``is_new`` on the cards logged after ``since``; without a huddle, also when each
    stops being new (the wall drops the marker then, as nothing else re-renders it)."""
    for column in board.all_columns:
        for card in column.cards:
            card.is_new = card.idea.created_at > since.at
            if card.is_new and not since.huddle:
                card.new_until = card.idea.created_at + NEW_WITHOUT_HUDDLE


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


def done_window_start(settings: BoardSettings, today: date) -> datetime:
    """The start of the done window: done items older than this leave the board."""
    return timezone.make_aware(datetime.combine(
        today - timedelta(days=settings.done_window_days), datetime.min.time()))


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
    ideas = list(board_ideas(team, viewer=viewer, done_since=done_window_start(settings, today)))
    badges = card_badges(ideas) if ideas else {}
    may_escalate = viewer is not None and can_escalate_from_board(viewer, team)
    # Cards on the board are ones the viewer sees, so capacity.permissions.can_log_time reduces
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
