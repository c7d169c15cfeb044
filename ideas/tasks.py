"""Celery adapters for ideas: thin, safe to run twice (the job re-checks every row)."""

from core.tasks import job

from . import jobs


@job("ideas.tasks.flag_aging_items", minutes=20)
def flag_aging_items() -> dict:
    """Hourly: flags items idle beyond their tier's threshold and nudges their owners."""
    return jobs.flag_aging_items()
