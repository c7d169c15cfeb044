"""Celery adapter for scorecards: thin and idempotent (a rerun replaces the day's snapshots)."""

from core.tasks import job

from . import services


@job("scorecards.tasks.snapshot_scorecards", minutes=40)
def snapshot_scorecards() -> dict:
    """Nightly: one snapshot per scope (team, tier, organisation) for the day that ended."""
    return services.snapshot_nightly()
