"""The cheap version check of a board: one query that tells whether anything a board or wall
shows has changed, behind the ETag of every board poll (page fragment, wall screen, API)."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from django.db import connection
from django.utils import timezone

from capacity.models import TeamCapacity, TimeEntry
from ideas.models import Idea
from org.models import Membership, Team, User

from .. import live_store
from ..models import BoardSettings, DisplayLink
from .capacity import capacity_since


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
    link_expires_at: datetime | None = None
    user_password: str | None = None  # for the session check of the fast wall poll
    # The pushed version (huddles/live_store.py), read after this state: while a listener
    # keeps it, it is the version (it sees what the fingerprint misses, such as badges).
    live: str | None = None

    def etag(self, *, today: date, surface: str, user_id=None, query: dict | None = None) -> str:
        """The version of what one viewer sees on one surface ("board", "wall", "api") with
        its filters: the user ``user_id``, else the display link this state was read for."""
        viewer = f"u{user_id}" if user_id is not None else f"l{self.link_id}"
        if self.live is not None:
            return live_store.etag(team_id=self.team_id, version=self.live, today=today,
                                   viewer=viewer, surface=surface, query=query)
        extra = f"{surface}?{urlencode(query)}" if query else surface
        raw = "|".join([str(self.team_id), self.ideas or "-", str(self.board_changed),
                        self.time or "-", today.isoformat(), viewer, extra])
        return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


# The version check runs on every wall poll, so it is one hand-written query: building it with
# the ORM costs ten times as long as running it. The fingerprint is: count | newest change |
# newest activity | flagged count | sum of versions over every idea of the team or waiting on
# it, so any move, edit, escalation, comment or flag changes it; board settings' ``changed_at``
# covers letters and huddles; the improvement time logged for the team since the first week
# shown (count | sum | newest id), its capacity row and its member count cover "protected vs
# used". What it cannot see (a badge another app adds, a person renamed) shows with the next
# change or the next day, as the date is part of every version.
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
                      user_password=row[6], live=live_store.live_version(row[0]))


def board_state_for_link(token_hash: str, *, now: datetime | None = None,
                         today: date | None = None) -> BoardState | None:
    """The display link (active or not), its team and the board version: one query."""
    since = capacity_since(today or timezone.localdate())
    now = connection.ops.adapt_datetimefield_value(now or timezone.now())
    row = _fetch_one(
        "SELECT l.id, l.team_id, t.slug, t.active, "
        "CASE WHEN l.revoked_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > %s) "
        f"THEN 1 ELSE 0 END, {_fingerprint_sql('l.team_id')}, l.expires_at "
        f"FROM {DisplayLink._meta.db_table} l JOIN {Team._meta.db_table} t ON t.id = l.team_id "
        "WHERE l.token_hash = %s",
        [now, since, token_hash])
    if row is None:
        return None
    return BoardState(team_id=row[1], team_slug=row[2], team_active=bool(row[3]),
                      ideas=row[5] or "empty", board_changed=row[6], time=row[7] or "",
                      link_id=row[0], link_active=bool(row[4]), link_expires_at=row[8],
                      live=live_store.live_version(row[1]))


def link_still_active(link_id: int, *, now: datetime | None = None) -> bool:
    """The display link is neither revoked nor expired, its team active: one small query."""
    now = connection.ops.adapt_datetimefield_value(now or timezone.now())
    return _fetch_one(
        f"SELECT 1 FROM {DisplayLink._meta.db_table} l JOIN {Team._meta.db_table} t "
        "ON t.id = l.team_id WHERE l.id = %s AND t.active AND l.revoked_at IS NULL "
        "AND (l.expires_at IS NULL OR l.expires_at > %s)", [link_id, now]) is not None
