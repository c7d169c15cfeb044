"""The aging job: flags open items nobody has touched for longer than their tier's threshold,
clears flags that no longer hold, and nudges the people who can act — once per flag.

Set-based: one ``UPDATE … WHERE`` per keyset batch over the partial index
``idea_open_activity_idx`` (open items by ``last_activity_at, id``); never a loop of saves.
Each batch commits with its notifications, so a worker killed mid-run leaves every batch either
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

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from org.models import Team, User
from org.notifications import Note, notify_many
from org.selectors import lead_ids_by_team

from .models import Idea

BATCH_SIZE = 10_000
OPEN = list(Idea.OPEN_STATUSES)


@dataclass
class AgingRun:
    considered: int = 0  # open items whose last activity is older than the smallest threshold
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
    leads = lead_ids_by_team()
    # Only items older than the smallest threshold can be stale: the keyset scan starts at the
    # oldest open item and stops there, so fresh items are never read.
    horizon = now - timedelta(days=min(by_days))
    stale = _stale(now, by_days)
    candidates = Idea.objects.filter(status__in=OPEN, last_activity_at__lt=horizon)
    after: tuple[datetime, int] | None = None
    while True:
        window = candidates
        if after is not None:
            window = window.filter(last_activity_at__gte=after[0]).exclude(
                last_activity_at=after[0], pk__lte=after[1])
        # The batch's last key (an index-only read of at most ``batch_size`` entries).
        boundary = (window.order_by("last_activity_at", "pk")
                    .values_list("last_activity_at", "pk")[batch_size - 1:batch_size].first())
        batch = window
        if boundary is not None:
            batch = batch.filter(last_activity_at__lte=boundary[0]).exclude(
                last_activity_at=boundary[0], pk__gt=boundary[1])
        flagged, notified = _flag_batch(batch, stale=stale, now=now, leads=leads,
                                        by_days=by_days)
        run.flagged += flagged
        run.notified += notified
        run.batches += 1
        if boundary is None:
            run.considered += batch.count()
            break
        run.considered += batch_size
        after = boundary
    return run.as_dict()


def _update_returning(qs, values: dict, returning: list[str]) -> list[tuple]:
    """``qs.update(**values)`` that hands back ``returning`` columns of the rows it changed, in
    one statement (UPDATE … RETURNING)."""
    query = qs.query.chain(UpdateQuery)
    query.add_update_values(values)
    sql, params = query.get_compiler(qs.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {', '.join(returning)}", params)
        return cursor.fetchall()


@transaction.atomic
def _flag_batch(batch, *, stale: Q, now: datetime, leads: dict[int, list[int]],
                by_days: dict[int, list[int]]) -> tuple[int, int]:
    """One batch: one UPDATE, then the nudges for exactly the rows it flagged (they carry this
    run's timestamp), in the same transaction."""
    _relaxed_commit()
    to_flag = batch.filter(stale, waiting_on_team__isnull=True, aging_flagged_at__isnull=True)
    columns = ["id", "title", "team_id", "owner_id"]
    rows = _update_returning(to_flag, {"aging_flagged_at": now}, columns)
    if not rows:
        return 0, 0
    owners = {owner for *_, owner in rows if owner}
    active_owners = set(User.objects.filter(pk__in=owners, is_active=True)
                        .values_list("pk", flat=True)) if owners else set()
    days_of_team = {t: d for d, teams in by_days.items() for t in teams}
    stamp = now.isoformat()
    notes = []
    for pk, title, team_id, owner_id in rows:
        text = f"No activity for over {days_of_team.get(team_id)} days: {title[:200]}"
        recipients = [owner_id] if owner_id in active_owners else leads.get(team_id, [])
        for user_id in recipients:
            notes.append(Note(recipient_id=user_id, verb="aging", text=text,
                              url=f"/ideas/{pk}/", target=(Idea, pk),
                              event_key=f"idea:{pk}:aging:{stamp}"))
    return len(rows), notify_many(notes)


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
