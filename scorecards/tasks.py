"""Celery adapter for scorecards: thin and idempotent (a rerun replaces the day's snapshots)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    name="scorecards.tasks.snapshot_scorecards",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=40 * 60,
    time_limit=45 * 60,
)
def snapshot_scorecards() -> dict:
    """Nightly: one snapshot per scope (team, tier, organisation) for the day that ended."""
    return services.snapshot_nightly()
