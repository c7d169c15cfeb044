"""Jobs of org: bulk notifications for the periodic jobs, and the morning digest.

``notify_many`` is the set-based sibling of ``org.services.notify`` for jobs that raise
thousands of nudges at once (aging items, stalled escalations): one INSERT per batch instead of
a few queries per event, with the same guarantees — at most one notification per recipient and
``event_key`` (the unique constraint decides, so reruns and duplicate deliveries add nothing),
and an e-mail for the people who opted in: each row starts ``pending`` in the e-mail outbox
(see ``org.services.notification_emails_send``) and a worker is asked to send it after commit.
"""

import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from .models import Membership, Notification, User
from .services import notification_emails_queue, notification_emails_send


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


def lead_ids_by_team(team_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
    """Active leads of each team (all teams when ``team_ids`` is None), in one query."""
    qs = Membership.objects.filter(role=Membership.Role.LEAD, user__is_active=True)
    if team_ids is not None:
        qs = qs.filter(team_id__in=list(team_ids))
    leads: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in qs.order_by("user_id").values_list("team_id", "user_id"):
        leads[team_id].append(user_id)
    return leads


# ---------------------------------------------------------------- the morning digest
#
# org knows nothing of the apps above it: each section of the digest (aging items, escalations,
# decisions …) is registered by an app that may read them (see scorecards/digest.py).

DIGEST_VERB = Notification.DIGEST_VERB
DIGEST_LIMIT = 15  # lines per section; the rest is a count and a link


@dataclass(frozen=True)
class DigestLine:
    text: str
    path: str  # a site path such as /ideas/12/


@dataclass
class DigestContext:
    """What every section builder gets: the opted-in people and their teams."""

    users: dict[int, User]
    now: datetime
    since: datetime  # the digest covers what happened since then (a day)
    teams_of: dict[int, set[int]]  # user id -> team ids
    users_of_team: dict[int, set[int]]  # team id -> opted-in member ids
    leads_of_team: dict[int, set[int]]  # team id -> opted-in lead ids


@dataclass(frozen=True)
class DigestSection:
    key: str
    title: str
    one: str  # "aging item"
    many: str  # "aging items"
    more_path: str
    build: Callable[[DigestContext], dict[int, list[DigestLine]]]


_digest_sections: dict[str, DigestSection] = {}


def register_digest_section(section: DigestSection) -> DigestSection:
    _digest_sections[section.key] = section
    return section


def digest_sections() -> list[DigestSection]:
    return list(_digest_sections.values())


@dataclass
class Digest:
    user: User
    sections: list[tuple[DigestSection, list[DigestLine]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(lines for _, lines in self.sections)

    def summary(self) -> str:
        parts = [f"{len(lines)} {s.one if len(lines) == 1 else s.many}"
                 for s, lines in self.sections if lines]
        return "Morning digest: " + ", ".join(parts) + "."


def _absolute(path: str) -> str:
    return f"{settings.TIERLINE_BASE_URL.rstrip('/')}{path}"


def digest_body(digest: Digest) -> str:
    lines = [f"Good morning {digest.user.name},", "", digest.summary(), ""]
    for section, items in digest.sections:
        if not items:
            continue
        lines += [section.title, "-" * len(section.title)]
        lines += [f"* {item.text}\n  {_absolute(item.path)}" for item in items[:DIGEST_LIMIT]]
        if len(items) > DIGEST_LIMIT:
            lines.append(f"… and {len(items) - DIGEST_LIMIT} more: "
                         f"{_absolute(section.more_path)}")
        lines.append("")
    lines.append("You receive this because the morning digest is on in your Tierline profile "
                 f"({_absolute('/accounts/profile/')}).")
    return "\n".join(lines)


def build_digests(*, now: datetime | None = None) -> list[Digest]:
    """The digest of every opted-in person with something to say. A fixed number of queries
    whatever the number of people: each section is one grouped read, assembled in memory."""
    now = now or timezone.now()
    users = {u.pk: u for u in User.objects.filter(daily_digest=True, is_active=True)
             .exclude(email="")}
    if not users:
        return []
    teams_of: dict[int, set[int]] = defaultdict(set)
    users_of_team: dict[int, set[int]] = defaultdict(set)
    leads_of_team: dict[int, set[int]] = defaultdict(set)
    for user_id, team_id, role in (Membership.objects
                                   .filter(user_id__in=list(users), team__active=True)
                                   .values_list("user_id", "team_id", "role")):
        teams_of[user_id].add(team_id)
        users_of_team[team_id].add(user_id)
        if role == Membership.Role.LEAD:
            leads_of_team[team_id].add(user_id)
    context = DigestContext(users=users, now=now, since=now - timedelta(days=1),
                            teams_of=teams_of, users_of_team=users_of_team,
                            leads_of_team=leads_of_team)
    digests = {pk: Digest(user=u) for pk, u in users.items()}
    for section in digest_sections():
        for user_id, items in section.build(context).items():
            if user_id in digests and items:
                digests[user_id].sections.append((section, items))
    return [d for d in digests.values() if not d.empty]


def send_digests(*, now: datetime | None = None) -> int:
    """Sends each opted-in person one morning digest a day, and nothing when there is nothing
    to say. Returns how many e-mails were sent.

    The day's digest is recorded as a (read) notification with the event key
    ``digest:<date>`` that carries the e-mail's text, pending in the e-mail outbox; it is then
    sent like any notification e-mail (claimed, sent, recorded). A failed send stays pending
    and the sweep (``org.tasks.send_due_emails``) retries it with the same text after the
    backoff; a worker killed mid-send leaves it to come due after the lease. A second run the
    same day creates nothing (one record per person and day) and finds nothing due."""
    now = now or timezone.now()
    event_key = f"digest:{timezone.localdate(now).isoformat()}"
    digests = {d.user.pk: d for d in build_digests(now=now)}
    if not digests:
        return 0
    Notification.objects.bulk_create(
        [Notification(recipient_id=pk, verb=DIGEST_VERB, text=d.summary()[:300], url="/",
                      event_key=event_key, read_at=now, email_body=digest_body(d),
                      email_state=Notification.EmailState.PENDING, email_next_attempt_at=now)
         for pk, d in digests.items()],
        ignore_conflicts=True,
    )
    ids = list(Notification.objects.filter(event_key=event_key, recipient_id__in=list(digests))
               .values_list("pk", flat=True))
    return notification_emails_send(notification_ids=ids, now=now)
