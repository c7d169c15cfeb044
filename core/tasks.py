"""The one way Tierline declares a Celery task: a thin adapter that is safe to deliver twice.

Every task is JSON-serialised and acknowledged late (settings), has a soft and a hard time limit,
and — unless told otherwise — retries with backoff when the database is briefly unreachable
(the job re-checks every row, so a retry after a partial run does nothing twice)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

TRANSIENT = (OperationalError, InterfaceError)


def job(name: str, *, minutes: int = 5, retry: tuple[type[Exception], ...] | None = TRANSIENT,
        max_retries: int = 3):
    """``@job("ideas.tasks.flag_aging_items", minutes=20)``: the task's public name, its soft
    time limit in minutes (the hard limit is a minute later), and which errors it retries
    (``retry=None``: never — the next scheduled run is the retry)."""
    options = {"name": name, "acks_late": True, "soft_time_limit": minutes * 60,
               "time_limit": (minutes + 1) * 60}
    if retry:
        options.update(autoretry_for=retry, retry_backoff=True, max_retries=max_retries)
    return shared_task(**options)
