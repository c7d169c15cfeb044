"""Celery adapters for ideas: thin, safe to run twice (the job re-checks every row)."""

from core.tasks import job

from . import jobs


@job("ideas.tasks.flag_aging_items", minutes=20)
def flag_aging_items() -> dict:
    """Hourly: flags items idle beyond their tier's threshold and nudges their owners."""
    return jobs.flag_aging_items()


@job("ideas.tasks.check_improvement_capacity", minutes=10)
def check_improvement_capacity() -> dict:
    """Weekly: tells the leads when a team sacrifices its protected improvement time."""
    from .system_services import check_improvement_capacity as run

    return run()
