"""Writes of scorecards: taking the daily snapshots (one per scope and day, replaced on a rerun)."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from core.periods import MAX_CUSTOM_DAYS, WINDOWS

from .compute import compute_windows
from .executive import snapshot_figures
from .models import Snapshot


def snapshot_take(*, day: date, now: datetime | None = None) -> int:
    """Computes every scope's figures for the week, month and quarter ending on ``day`` and
    stores them, replacing that day's snapshots (idempotent). Returns the number of scopes.
    The organisation's snapshot also keeps the executive scorecard's figures for each window
    under ``metrics["executive"]``.

    The figures are computed before the transaction opens; the swap itself is short, so pages
    reading yesterday's snapshots never wait on it."""
    now = now or timezone.now()
    if day > timezone.localdate(now):
        raise DomainError("A snapshot cannot describe a day that has not begun.", field="day")
    by_window = compute_windows(day, WINDOWS, now=now)
    scopes = set().union(*(figures.keys() for figures in by_window.values()))
    executive = snapshot_figures(day)
    rows = [
        Snapshot(scope=kind, scope_id=scope_id, date=day,
                 metrics={window: by_window[window].get((kind, scope_id), {})
                          for window in WINDOWS})
        for kind, scope_id in sorted(scopes)
    ]
    for row in rows:
        if row.scope == Snapshot.Scope.ORG:
            row.metrics["executive"] = executive
    with transaction.atomic():
        Snapshot.objects.filter(date=day).delete()
        Snapshot.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def snapshot_backfill(*, start: date, end: date, now: datetime | None = None) -> int:
    """Takes the snapshots of every day from ``start`` to ``end`` (both included)."""
    now = now or timezone.now()
    if start > end:
        raise DomainError("The first day must not be after the last.", field="from")
    if (end - start).days + 1 > MAX_CUSTOM_DAYS:
        raise DomainError(f"Backfill at most {MAX_CUSTOM_DAYS} days at a time.", field="to")
    total, day = 0, start
    while day <= end:
        total += snapshot_take(day=day, now=now)
        day += timedelta(days=1)
    return total


def snapshot_nightly(*, now: datetime | None = None) -> dict:
    """The nightly job (just after midnight): the day that just ended. Returns {date: scopes}."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    yesterday = today - timedelta(days=1)
    return {yesterday.isoformat(): snapshot_take(day=yesterday, now=now)}
