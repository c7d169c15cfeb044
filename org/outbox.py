"""The e-mail outbox of notifications: each notification carries its e-mail state (not wanted /
pending / sent / failed), attempts and last error. Rows are claimed with a lease, sent, and the
result recorded; a failed send is retried with backoff, then marked failed (visible in the admin
and /healthz). A duplicate task sends nothing twice; a worker killed mid-send leaves its rows
to come due again after the lease."""

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from celery import signature
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Notification, User

log = logging.getLogger(__name__)
SEND_TASK = "org.tasks.send_notification_emails"

EmailState = Notification.EmailState

EMAIL_LEASE = timedelta(minutes=5)  # a claimed row comes due again after this (worker lost)
EMAIL_BATCH = 25  # rows claimed at once: sent well within the lease even at SMTP's timeout
EMAIL_RUN_SECONDS = 180  # one task sends for at most this long (the sweep runs every minute)
EMAIL_BACKOFF_CAP = timedelta(hours=1)
EMAIL_KICK_CHUNK = 200  # ids per task queued after a commit
DEFAULT_EMAIL_MAX_ATTEMPTS = 8


def email_max_attempts() -> int:
    """Attempts before an e-mail is given up as failed (setting TIERLINE_EMAIL_MAX_ATTEMPTS)."""
    return max(1, int(getattr(settings, "TIERLINE_EMAIL_MAX_ATTEMPTS",
                              DEFAULT_EMAIL_MAX_ATTEMPTS)))


def email_retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1, 2, 4, 8 … minutes, at most
    an hour (with 8 attempts the last one runs about two hours after the first)."""
    return min(timedelta(minutes=2 ** max(0, attempts - 1)), EMAIL_BACKOFF_CAP)


def email_state_for(user: User) -> str:
    """The e-mail state a new notification for ``user`` starts in."""
    wants = bool(user.email) and user.email_notifications and user.is_active
    return EmailState.PENDING if wants else EmailState.NOT_WANTED


def notification_emails_queue(notification_ids: list[int]) -> None:
    """Asks a worker to send these e-mails now. Never raises (a broker that is down answers
    kombu's OperationalError; other transports raise their own errors): the rows are already
    pending in the database, and the sweep sends them within a minute or so."""
    for start in range(0, len(notification_ids), EMAIL_KICK_CHUNK):
        try:
            # By name: the task module imports this one, not the other way round.
            signature(SEND_TASK, args=(notification_ids[start:start + EMAIL_KICK_CHUNK],)).delay()
        except Exception:  # noqa: BLE001 - losing this message loses nothing but latency
            log.warning("Could not queue %s notification e-mail(s); the sweep will send them.",
                        len(notification_ids) - start, exc_info=True)
            return


def notification_emails_send(
    *, notification_ids: list[int] | None = None, now: datetime | None = None
) -> int:
    """Sends the due e-mails of these notifications (of every notification when no ids are
    given: the sweep). Returns how many were sent.

    Each batch is claimed in a short transaction (``select_for_update(skip_locked=True)``, so
    concurrent workers take different rows) by counting the attempt and pushing
    ``email_next_attempt_at`` one lease ahead; the e-mails are sent outside any transaction and
    each outcome is recorded on its own: ``sent``, or the error and the next attempt after an
    exponential backoff, or ``failed`` after the last attempt. A worker killed mid-send leaves
    its rows to come due again when the lease ends; a second delivery of the same task finds
    nothing due and sends nothing. Any error of the mail backend fails only its own message.
    """
    now = now or timezone.now()
    deadline = time.monotonic() + EMAIL_RUN_SECONDS
    sent = 0
    while time.monotonic() < deadline:
        rows, lease_until = notification_emails_claim(
            notification_ids=notification_ids, now=now, limit=EMAIL_BATCH)
        if not rows:
            break
        sent += _emails_deliver(rows, now=now, lease_until=lease_until,
                                deadline=min(deadline, time.monotonic()
                                             + EMAIL_LEASE.total_seconds() / 2))
        if len(rows) < EMAIL_BATCH:
            break
    return sent


def notification_emails_claim(
    *, now: datetime, notification_ids: list[int] | None = None, limit: int = EMAIL_BATCH
) -> tuple[list[Notification], datetime]:
    """Claims up to ``limit`` due pending e-mails for this worker until the returned lease time:
    locks them with ``select_for_update(skip_locked=True)``, counts the attempt and moves
    ``email_next_attempt_at`` to the lease's end, then commits. Rows whose previous attempt was
    the last one and never reported back (the worker died) are marked failed instead."""
    lease_until = now + EMAIL_LEASE
    max_attempts = email_max_attempts()
    with transaction.atomic():
        due = Notification.objects.filter(email_state=EmailState.PENDING,
                                          email_next_attempt_at__lte=now)
        if notification_ids is not None:
            due = due.filter(pk__in=list(notification_ids))
        # Oldest due first, straight off the partial index (no tie-break: no sort).
        claimed = list(due.select_for_update(skip_locked=True)
                       .order_by("email_next_attempt_at")
                       .values_list("pk", "email_attempts")[:limit])
        lost = [pk for pk, attempts in claimed if attempts >= max_attempts]
        ids = [pk for pk, attempts in claimed if attempts < max_attempts]
        if lost:
            Notification.objects.filter(pk__in=lost).update(
                email_state=EmailState.FAILED, email_next_attempt_at=None,
                email_last_error="The last attempt never reported back (worker lost mid-send?).")
        Notification.objects.filter(pk__in=ids).update(
            email_attempts=F("email_attempts") + 1, email_next_attempt_at=lease_until)
    rows = list(Notification.objects.filter(pk__in=ids).select_related("recipient")
                .order_by("pk"))
    return rows, lease_until


def _email_wanted(n: Notification) -> bool:
    """Re-checked at send time: someone may have opted out or lost their address meanwhile."""
    person = n.recipient
    wants = (person.daily_digest if n.verb == Notification.DIGEST_VERB
             else person.email_notifications)
    return bool(person.email) and person.is_active and wants


def _email_message(n: Notification) -> EmailMessage:
    body = n.email_body
    if not body:
        link = f"{settings.TIERLINE_BASE_URL}{n.url}" if n.url else settings.TIERLINE_BASE_URL
        body = (
            f"{n.text}\n\n{link}\n\n"
            "You receive this because e-mail notifications are on in your Tierline profile."
        )
    return EmailMessage(f"[Tierline] {n.text[:120]}", body, None, [n.recipient.email])


def _emails_deliver(rows: list[Notification], *, now: datetime, lease_until: datetime,
                    deadline: float) -> int:
    """Sends claimed rows over one mail connection and records each outcome. Every update is
    guarded by the claim (pending, due at ``lease_until``): a worker that overran its lease
    records nothing over the worker that took the row after it."""
    max_attempts = email_max_attempts()
    mine = Notification.objects.filter(email_state=EmailState.PENDING,
                                       email_next_attempt_at=lease_until)
    connection = mailers.default
    sent = 0
    try:
        for i, n in enumerate(rows):
            if time.monotonic() > deadline:
                # Too close to the lease's end: hand the rest back, their attempt uncounted.
                mine.filter(pk__in=[r.pk for r in rows[i:]]).update(
                    email_attempts=F("email_attempts") - 1, email_next_attempt_at=now)
                break
            if not _email_wanted(n):
                mine.filter(pk=n.pk).update(email_state=EmailState.NOT_WANTED,
                                            email_next_attempt_at=None)
                continue
            try:
                connection.open()
                if connection.send_messages([_email_message(n)]) != 1:
                    raise RuntimeError("the mail backend reported the message as not sent")
            except SoftTimeLimitExceeded:
                raise  # the task's time is up: the lease brings the rest back
            except Exception as exc:  # noqa: BLE001 - any mail error fails only this message
                _close_quietly(connection)
                error = f"{type(exc).__name__}: {exc}"[:500]
                if n.email_attempts >= max_attempts:
                    log.error("Giving up e-mailing notification %s after %s attempts: %s",
                              n.pk, n.email_attempts, error)
                    mine.filter(pk=n.pk).update(email_state=EmailState.FAILED,
                                                email_last_error=error,
                                                email_next_attempt_at=None)
                else:
                    log.warning("E-mail of notification %s failed (attempt %s), retrying: %s",
                                n.pk, n.email_attempts, error)
                    mine.filter(pk=n.pk).update(
                        email_last_error=error,
                        email_next_attempt_at=now + email_retry_delay(n.email_attempts))
            else:
                if not mine.filter(pk=n.pk).update(email_state=EmailState.SENT, emailed_at=now,
                                                   email_next_attempt_at=None):
                    log.warning("Notification %s was e-mailed after its lease ended.", n.pk)
                sent += 1
    finally:
        _close_quietly(connection)
    return sent


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a broken connection is dropped; the next send reopens
        log.debug("Closing the mail connection failed", exc_info=True)


@transaction.atomic
def notification_email_retry(*, notification_ids: Iterable[int], actor: User | None = None,
                             now: datetime | None = None) -> int:
    """Makes failed e-mails pending again, due now, with a fresh count of attempts (the admin's
    "retry e-mail now"), and asks a worker to send them after commit. Returns how many."""
    now = now or timezone.now()
    ids = list(Notification.objects.select_for_update()
               .filter(pk__in=list(notification_ids), email_state=EmailState.FAILED)
               .values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(
        email_state=EmailState.PENDING, email_attempts=0, email_next_attempt_at=now)
    if ids:
        transaction.on_commit(lambda: notification_emails_queue(ids))
    return len(ids)
