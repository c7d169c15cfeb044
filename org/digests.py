"""The morning digest: one e-mail per opted-in person with something to say.

org knows nothing of the apps above it: each section of the digest (aging items, escalations,
decisions …) is registered by an app that may read them (see scorecards/digest.py). Each day's
digest is recorded as a notification in the e-mail outbox (org.notifications), so a failed send
is retried with the same text and a second run the same day sends nothing.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Membership, Notification, User
from .outbox import notification_emails_send

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
