"""Celery adapters for escalation: thin, safe to run twice (the job re-checks every row)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import jobs


@shared_task(
    name="escalation.tasks.flag_stalled_escalations",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def flag_stalled_escalations() -> dict:
    """Every 15 minutes: flags escalations past their SLA and nudges the leads who can act."""
    return jobs.flag_stalled_escalations()
