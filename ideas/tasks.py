"""Celery adapters for ideas: thin, safe to run twice (the job re-checks every row)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import jobs


@shared_task(
    name="ideas.tasks.flag_aging_items",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=20 * 60,
    time_limit=25 * 60,
)
def flag_aging_items() -> dict:
    """Hourly: flags items idle beyond their tier's threshold and nudges their owners."""
    return jobs.flag_aging_items()


@shared_task(
    name="ideas.tasks.check_improvement_capacity",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=10 * 60,
    time_limit=15 * 60,
)
def check_improvement_capacity() -> dict:
    """Weekly: tells the leads when a team sacrifices its protected improvement time."""
    from .system_services import check_improvement_capacity as run

    return run()
