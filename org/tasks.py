"""Celery adapters for org: they take ids, call a service, and are safe to run twice."""

import logging

from django.db import connection
from django.utils import timezone

from core.tasks import TRANSIENT, job

from . import digests
from .outbox import notification_emails_send

log = logging.getLogger(__name__)


@job("org.tasks.heartbeat", minutes=1)
def heartbeat() -> str:
    """Proves the worker, beat and the database are wired together."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    stamp = timezone.now().isoformat()
    log.info("Tierline heartbeat at %s", stamp)
    return stamp


# The e-mails themselves are the outbox rows (Notification.email_state): these tasks only say
# "send what is due now". A send error is recorded on its row and retried by the sweep, so
# neither task retries itself on mail errors; a lost or failed task loses nothing.


@job("org.tasks.send_notification_emails", minutes=4, retry=None)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Right after notifications are created: sends their e-mails now (low latency). A second
    delivery sends nothing twice (rows already sent or claimed are not due)."""
    return notification_emails_send(notification_ids=notification_ids)


@job("org.tasks.send_due_emails", minutes=4, retry=None)
def send_due_emails() -> int:
    """Every minute: sends every notification e-mail that is due — retries after their backoff,
    rows a lost worker claimed, and e-mails whose first task never ran. Not retried itself:
    the next minute's run is the retry."""
    return notification_emails_send()


@job("org.tasks.send_digests", minutes=20, retry=(OSError, *TRANSIENT), max_retries=5)
def send_digests() -> int:
    """Every morning: one digest e-mail per opted-in person with something to say. A second
    delivery sends nothing (each person's digest of the day is recorded once and sent through
    the e-mail outbox; a failed send is retried by ``send_due_emails``)."""
    return digests.send_digests()
