"""Celery adapter for the review-by nudge: thin, safe to run twice (the job re-checks every
row)."""

from core.tasks import job

from . import jobs


@job("strategy.tasks.nudge_overdue_reviews", minutes=5)
def nudge_overdue_reviews() -> dict:
    """Daily: owners of priorities and constraints past their review-by date are nudged."""
    return jobs.nudge_overdue_reviews()
