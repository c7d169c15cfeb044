"""Celery adapters for escalation: thin, safe to run twice (the job re-checks every row)."""

from core.tasks import job

from . import jobs


@job("escalation.tasks.flag_stalled_escalations", minutes=5)
def flag_stalled_escalations() -> dict:
    """Every 15 minutes: flags escalations past their SLA and nudges the leads who can act."""
    return jobs.flag_stalled_escalations()
