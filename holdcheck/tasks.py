"""Celery adapter for the "did it hold?" ask: thin, safe to run twice (the job re-checks)."""

from core.tasks import job

from . import jobs


@job("holdcheck.tasks.ask_hold_checks", minutes=10)
def ask_hold_checks() -> dict:
    """Daily: asks whether the changes done ``hold_check_days`` ago held."""
    return jobs.ask_hold_checks()
