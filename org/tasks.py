"""Celery adapters for org: they take ids, call a service, and are safe to run twice."""

import logging

from celery import shared_task
from django.db import connection
from django.utils import timezone

from . import jobs
from .services import notification_emails_send

log = logging.getLogger(__name__)


@shared_task(name="org.tasks.heartbeat", acks_late=True)
def heartbeat() -> str:
    """Proves the worker, beat and the database are wired together."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    stamp = timezone.now().isoformat()
    log.info("Tierline heartbeat at %s", stamp)
    return stamp


@shared_task(
    name="org.tasks.send_notification_emails",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_emails(notification_ids: list[int]) -> int:
    return notification_emails_send(notification_ids=notification_ids)


@shared_task(
    name="org.tasks.send_digests",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=20 * 60,
    time_limit=25 * 60,
)
def send_digests() -> int:
    """Every morning: one digest e-mail per opted-in person with something to say. A second
    delivery sends nothing (each person's digest of the day is claimed once)."""
    return jobs.send_digests()
