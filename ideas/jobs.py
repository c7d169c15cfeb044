"""The aging job: flags open items nobody has touched for longer than their tier's threshold,
clears flags that no longer hold, and nudges the people who can act — once per flag.

Set-based: one statement per keyset batch over the partial index ``idea_open_activity_idx``
(open items by ``last_activity_at, id``) — the ``UPDATE … RETURNING`` of the next stale items
feeds the ``INSERT`` of their nudges (``org.notifications.notify_in_sql``), so no row travels
through Python; never a loop of saves. A rerun with nothing to do is one read of the open items
past the smallest threshold. Each batch commits with its notifications, so a worker killed mid-run leaves every batch either
done (flags and nudges) or untouched, and the next run finishes the work. A rerun or a duplicate
delivery finds the flags already set and says nothing again: the notification's event key holds
the flag's timestamp, and a flag is only ever set on an item without one.

Fast on PostgreSQL (measured by ``make bench`` over a million items): the flag column has no
index and the table keeps room on its pages, so setting a flag is a HOT update that writes no
index entry; each batch commits without waiting for its WAL flush (see ``_relaxed_commit``).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from org.models import Membership, Team, Tier, User
from org.notifications import notify_in_sql

from .models import Idea

BATCH_SIZE = 10_000
OPEN = list(Idea.OPEN_STATUSES)


@dataclass
class AgingRun:
    considered: int = 0  # stale items the scan took up (each one flagged)
    flagged: int = 0
    cleared: int = 0
    notified: int = 0
    batches: int = 0

    def as_dict(self) -> dict:
        return {"considered": self.considered, "flagged": self.flagged, "cleared": self.cleared,
                "notified": self.notified, "batches": self.batches}


def _thresholds() -> dict[int, list[int]]:
    """Active and inactive teams grouped by their tier's aging threshold (days)."""
    by_days: dict[int, list[int]] = defaultdict(list)
    for team_id, days in Team.objects.values_list("pk", "tier__aging_threshold_days"):
        by_days[days].append(team_id)
    return by_days


def _stale(now: datetime, by_days: dict[int, list[int]]) -> Q:
    """Items idle beyond their own team's threshold: one term per distinct threshold, each
    naming its teams by a subquery (a short hashed list for PostgreSQL, and cheap to compile
    once per batch however many teams there are)."""
    q = Q(pk__in=[])
    for days in by_days:
        teams = Team.objects.filter(tier__aging_threshold_days=days).values("pk")
        q |= Q(team_id__in=teams, last_activity_at__lt=now - timedelta(days=days))
    return q


def _relaxed_commit() -> None:
    """The batch's commit does not wait for its WAL to reach the disk (PostgreSQL's
    ``synchronous_commit = off`` for this transaction only). The database stays consistent
    whatever happens; a crash can only lose the last fraction of a second of batches — flags
    and their nudges together — and the next run redoes them. Every batch pays one disk flush
    less."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


def flag_aging_items(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> dict:
    """Runs the whole job once. Returns what it did (counts)."""
    now = now or timezone.now()
    run = AgingRun()
    by_days = _thresholds()
    if not by_days:
        return run.as_dict()
    run.cleared = clear_aging_flags(now=now, by_days=by_days, batch_size=batch_size)
    # Only items older than the smallest threshold can be stale: the scan walks the open items
    # from the oldest activity and stops there, so fresh items are never read.
    to_flag = Idea.objects.filter(
        status__in=OPEN, last_activity_at__lt=now - timedelta(days=min(by_days)),
        waiting_on_team__isnull=True, aging_flagged_at__isnull=True,
    ).filter(_stale(now, by_days))
    notes = _notes_sql(now)
    after: tuple[datetime, int] | None = None
    while True:
        batch = to_flag
        if after is not None:
            batch = batch.filter(last_activity_at__gte=after[0]).exclude(
                last_activity_at=after[0], pk__lte=after[1])
        flagged, notified, after = _flag_batch(batch, now=now, notes=notes,
                                               batch_size=batch_size)
        run.flagged += flagged
        run.considered += flagged
        run.notified += notified
        run.batches += 1
        if flagged < batch_size or after is None:
            return run.as_dict()


def _update_sql(qs, values: dict) -> tuple[str, list]:
    """The SQL of ``qs.update(**values)``, to run as a step of a larger statement."""
    query = qs.query.chain(UpdateQuery)
    query.add_update_values(values)
    sql, params = query.get_compiler(qs.db).as_sql()
    return sql, list(params)


def _notes_sql(now: datetime) -> tuple[str, list]:
    """The nudges for the rows of the step ``flagged``: the owner when still active, else the
    team's active leads; the text names the team's threshold. Same rule as ever, in SQL."""
    team, tier = Team._meta.db_table, Tier._meta.db_table
    users, members = User._meta.db_table, Membership._meta.db_table
    sql = f"""
        SELECT r.recipient_id, 'aging' AS verb,
               'No activity for over ' || t.aging_threshold_days || ' days: '
                   || left(f.title, 200) AS text,
               '/ideas/' || f.id || '/' AS url, %s AS target_type_id, f.id AS target_id,
               'idea:' || f.id || ':aging:' || %s AS event_key
        FROM flagged f
        JOIN {team} tm ON tm.id = f.team_id
        JOIN {tier} t ON t.id = tm.tier_id
        JOIN LATERAL (
            SELECT o.id AS recipient_id FROM {users} o WHERE o.id = f.owner_id AND o.is_active
            UNION ALL
            SELECT m.user_id FROM {members} m JOIN {users} l ON l.id = m.user_id AND l.is_active
            WHERE m.team_id = f.team_id AND m.role = %s AND NOT EXISTS (
                SELECT 1 FROM {users} o WHERE o.id = f.owner_id AND o.is_active)
        ) r ON true"""
    idea_type = ContentType.objects.get_for_model(Idea).pk
    return sql, [idea_type, now.isoformat(), Membership.Role.LEAD]


_LAST = "(SELECT {col} FROM flagged ORDER BY last_activity_at DESC, id DESC LIMIT 1)"
FIGURES = (f"(SELECT count(*) FROM flagged), {_LAST.format(col='last_activity_at')}, "
           f"{_LAST.format(col='id')}", [])


@transaction.atomic
def _flag_batch(batch, *, now: datetime, notes: tuple[str, list], batch_size: int
                ) -> tuple[int, int, tuple[datetime, int] | None]:
    """One batch, one statement: flags the next ``batch_size`` stale items (oldest activity
    first) and inserts their nudges, in one transaction. Returns how many were flagged and
    nudged, and the last key flagged (where the next batch starts)."""
    _relaxed_commit()
    keys = batch.order_by("last_activity_at", "pk").values("pk")[:batch_size]
    update = _update_sql(Idea.objects.filter(pk__in=keys), {"aging_flagged_at": now})
    step = (f"WITH flagged AS ({update[0]} RETURNING id, title, team_id, owner_id, "
            "last_activity_at)", update[1])
    (flagged, last_at, last_id), notified = notify_in_sql(with_sql=step, notes_sql=notes,
                                                          figures_sql=FIGURES)
    return flagged, notified, (last_at, last_id) if flagged else None


def clear_aging_flags(*, now: datetime | None = None, by_days: dict[int, list[int]] | None = None,
                      batch_size: int = BATCH_SIZE) -> int:
    """Clears the flag of items that are no longer aging: touched since (the services clear it
    on activity too), closed, waiting on an escalation, or under a threshold an admin raised.
    The flag has no index of its own (so that setting it is a HOT update): finding the flagged
    rows is one sequential read per batch, and the set shrinks as it goes."""
    now = now or timezone.now()
    by_days = by_days if by_days is not None else _thresholds()
    still_aging = (Q(status__in=OPEN) & Q(waiting_on_team__isnull=True) & _stale(now, by_days))
    to_clear = Idea.objects.filter(aging_flagged_at__isnull=False).exclude(still_aging)
    cleared = 0
    while True:
        ids = list(to_clear.order_by().values_list("pk", flat=True)[:batch_size])
        if not ids:
            return cleared
        with transaction.atomic():
            _relaxed_commit()
            cleared += (Idea.objects.filter(pk__in=ids, aging_flagged_at__isnull=False)
                        .exclude(still_aging).update(aging_flagged_at=None))
        if len(ids) < batch_size:
            return cleared
