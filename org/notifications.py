"""Notifications, in-app and by e-mail: the one ``notify`` service every app uses, its
set-based sibling ``notify_many`` for jobs, and the e-mail outbox.

Every notification is also its own e-mail outbox row (Notification.email_state): the e-mail is
decided when the notification is created and recorded in the same database, so it survives a
lost Celery message, a broker outage and a worker killed mid-send. Creating notifications asks
a worker to send them at once (low latency); the periodic sweep ``org.tasks.send_due_emails``
sends whatever is due (retries, and whatever the first task never delivered).

``notify_many`` serves jobs that raise thousands of nudges at once (aging items, stalled
escalations): one INSERT per batch instead of a few queries per event, with the same guarantees
— at most one notification per recipient and ``event_key`` (the unique constraint decides, so
reruns and duplicate deliveries add nothing), and an e-mail for the people who opted in.
"""

import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from .models import Notification, User
from .outbox import email_state_for, notification_emails_queue

EmailState = Notification.EmailState

log = logging.getLogger(__name__)

def notify(
    *,
    recipients: Iterable[User | int],
    verb: str,
    text: str,
    event_key: str,
    url: str = "",
    target=None,
    actor: User | None = None,
) -> None:
    """Tell people something happened: in-app, and by e-mail for those who have not opted out.

    Runs after the surrounding transaction commits (nothing is said about a change that rolled
    back) and at most once per recipient and ``event_key``: a rerun, a retry or a duplicate
    delivery of the same event notifies nobody twice. The actor is never notified of their own act.
    """
    ids = {r.pk if isinstance(r, User) else int(r) for r in recipients if r is not None}
    if actor is not None:
        ids.discard(actor.pk)
    if not ids:
        return
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    target_id = target.pk if target is not None else None
    text = text[:300]

    def _create() -> None:
        existing = set(
            Notification.objects.filter(event_key=event_key, recipient_id__in=ids).values_list(
                "recipient_id", flat=True
            )
        )
        people = list(User.objects.filter(pk__in=ids - existing, is_active=True)
                      .only("pk", "email", "email_notifications", "is_active"))
        if not people:
            return
        now = timezone.now()
        rows = []
        for person in sorted(people, key=lambda p: p.pk):
            state = email_state_for(person)
            rows.append(Notification(
                recipient_id=person.pk, verb=verb, text=text, url=url, event_key=event_key,
                target_type=target_type, target_id=target_id, email_state=state,
                email_next_attempt_at=now if state == EmailState.PENDING else None,
            ))
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        to_email = list(
            Notification.objects.filter(
                event_key=event_key,
                recipient_id__in=[p.pk for p in people],
                email_state=EmailState.PENDING,
            ).values_list("pk", flat=True)
        )
        if to_email:
            notification_emails_queue(to_email)

    transaction.on_commit(_create)


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Marks one notification (or, with no id, all of them) read. Returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


@dataclass(frozen=True, slots=True)
class Note:
    """One notification for one person. ``target`` is (model class, primary key) or None:
    jobs nudge about thousands of rows and never need to load them."""

    recipient_id: int
    verb: str
    text: str
    event_key: str
    url: str = ""
    target: tuple[type, int] | None = None


# Jobs hand over thousands of rows at once: they are streamed into a scratch table with COPY
# (far cheaper than as one statement's parameters), then inserted in one statement that skips
# what exists and returns the new rows' ids, each with whether its recipient wants the e-mail.
_STAGE_PG = """
CREATE TEMPORARY TABLE IF NOT EXISTS org_notification_stage (
    recipient_id bigint, verb text, text text, url text,
    target_type_id integer, target_id bigint, event_key text
) ON COMMIT DROP
"""
_INSERT_PG = """
WITH made AS (
    INSERT INTO org_notification
        (recipient_id, verb, text, url, target_type_id, target_id, event_key, created_at,
         email_state, email_attempts, email_last_error, email_next_attempt_at, email_body)
    SELECT s.recipient_id, s.verb, s.text, s.url, s.target_type_id, s.target_id, s.event_key,
           %(now)s,
           CASE WHEN u.email_notifications AND u.email <> '' THEN %(pending)s
                ELSE %(not_wanted)s END,
           0, '',
           CASE WHEN u.email_notifications AND u.email <> '' THEN %(now)s END,
           ''
    FROM org_notification_stage s JOIN {users} u ON u.id = s.recipient_id
    ON CONFLICT (recipient_id, event_key) DO NOTHING
    RETURNING id, email_state
)
SELECT id, email_state = %(pending)s FROM made
"""


def _copy_field(value) -> str:
    """One field of COPY's text format."""
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return text


def _insert_pg(rows: list[tuple], now: datetime) -> list[tuple[int, bool]]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_STAGE_PG)
        data = io.StringIO("".join("\t".join(map(_copy_field, row)) + "\n" for row in rows))
        cursor.copy_expert("COPY org_notification_stage FROM STDIN", data)
        cursor.execute(_INSERT_PG.format(users=connection.ops.quote_name(User._meta.db_table)),
                       {"now": now, "pending": Notification.EmailState.PENDING,
                        "not_wanted": Notification.EmailState.NOT_WANTED})
        made = cursor.fetchall()
        cursor.execute("TRUNCATE org_notification_stage")
    return made


def notify_many(notes: Iterable[Note]) -> int:
    """Creates the notifications that do not exist yet (per recipient and event key), their
    e-mails pending in the outbox for the people who want them, and queues those after commit.
    Call inside the transaction that made the change, so a rolled back change says nothing.
    One INSERT for the lot on PostgreSQL (the unique constraint skips what exists, and the
    recipient's settings decide each e-mail's state); returns how many notifications were new."""
    notes = [n for n in notes if n.recipient_id]
    if not notes:
        return 0
    active = set(User.objects.filter(pk__in={n.recipient_id for n in notes}, is_active=True)
                 .values_list("pk", flat=True))
    content_types: dict[type, int] = {}
    rows, seen = [], set()
    for n in notes:
        key = (n.recipient_id, n.event_key)
        if n.recipient_id not in active or key in seen:
            continue
        seen.add(key)
        type_id = target_id = None
        if n.target is not None:
            model, target_id = n.target
            if model not in content_types:
                content_types[model] = ContentType.objects.get_for_model(model).pk
            type_id = content_types[model]
        rows.append((n.recipient_id, n.verb, n.text[:300], n.url, type_id, target_id,
                     n.event_key))
    if not rows:
        return 0
    now = timezone.now()
    made = _insert_pg(rows, now)
    to_mail = [pk for pk, wants_mail in made if wants_mail]
    if to_mail:
        # The rows are pending in the outbox already: this only makes them go out at once.
        transaction.on_commit(lambda: notification_emails_queue(to_mail))
    return len(made)


# A job that changes rows in SQL can hand its notes over in the same statement: ``notes_sql``
# is a query (it may read the job's own ``WITH`` steps) yielding recipient_id, verb, text, url,
# target_type_id, target_id, event_key — no row travels through Python.
_INSERT_FROM_SQL = """
{with_sql}, made AS (
    INSERT INTO org_notification
        (recipient_id, verb, text, url, target_type_id, target_id, event_key, created_at,
         email_state, email_attempts, email_last_error, email_next_attempt_at, email_body)
    SELECT s.recipient_id, s.verb, left(s.text, 300), s.url, s.target_type_id, s.target_id,
           s.event_key, %s,
           CASE WHEN u.email_notifications AND u.email <> '' THEN %s ELSE %s END,
           0, '',
           CASE WHEN u.email_notifications AND u.email <> '' THEN %s END,
           ''
    FROM ({notes_sql}) s JOIN {users} u ON u.id = s.recipient_id AND u.is_active
    ON CONFLICT (recipient_id, event_key) DO NOTHING
    RETURNING id, email_state
)
SELECT {figures_sql}, (SELECT count(*) FROM made),
       (SELECT coalesce(array_agg(id), '{{}}') FROM made WHERE email_state = %s)
"""


def notify_in_sql(*, with_sql: tuple[str, list], notes_sql: tuple[str, list],
                  figures_sql: tuple[str, list]) -> tuple[tuple, int]:
    """``notify_many`` for a job that changes its rows in SQL, as one statement: runs
    ``with_sql`` (a ``WITH`` clause, e.g. an ``UPDATE … RETURNING``), inserts the notes that
    ``notes_sql`` makes of it — for active recipients, once per recipient and event key, the
    e-mail pending for those who want it — and returns (the row of figures ``figures_sql``
    selects, how many notifications were new). Each part is (SQL, positional parameters).
    Call inside the transaction that made the change; the e-mails are queued after commit."""
    now, pending, not_wanted = timezone.now(), EmailState.PENDING, EmailState.NOT_WANTED
    sql = _INSERT_FROM_SQL.format(with_sql=with_sql[0], notes_sql=notes_sql[0],
                                  figures_sql=figures_sql[0],
                                  users=connection.ops.quote_name(User._meta.db_table))
    params = [*with_sql[1], now, pending, not_wanted, now, *notes_sql[1], *figures_sql[1],
              pending]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        *figures, made, to_mail = cursor.fetchone()
    if to_mail:
        transaction.on_commit(lambda: notification_emails_queue(list(to_mail)))
    return tuple(figures), made
