"""Celery adapter for the capacity nudge: thin, safe to run twice (the job re-checks every row).

The task keeps the public name it had when capacity lived in the ideas app."""

from core.tasks import job

from . import jobs


@job("ideas.tasks.check_improvement_capacity", minutes=10)
def check_improvement_capacity() -> dict:
    """Weekly: tells the leads when a team sacrifices its protected improvement time."""
    return jobs.check_improvement_capacity()
