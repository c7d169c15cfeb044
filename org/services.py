"""Every write to people and the hierarchy, and the one `notify` service all apps use.

Hierarchy rules (documented in the README):
- tier levels are unique and contiguous 1..N; only the top tier may be removed;
- exactly one root team (no parent), and it sits at the top tier;
- a team's parent sits at any *higher* tier (support teams may report two tiers up), is active,
  and is never the team itself or one of its descendants (no cycles);
- a team with active child teams or open work cannot be deactivated.
"""

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from core.errors import DomainError

from .models import Membership, Notification, Team, Tier, User
from .registry import open_work_reasons
from .selectors import team_descendant_ids, top_tier

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- tiers


@transaction.atomic
def tier_create(
    *,
    name: str,
    huddle_time,
    authority_limit: Decimal = Decimal("0"),
    aging_threshold_days: int = 14,
    sla_ack_hours: int = 24,
    sla_resolve_hours: int = 120,
    level: int | None = None,
    actor: User | None = None,
) -> Tier:
    """Adds the next tier up. Levels stay contiguous: the new level must be N + 1."""
    # Lock the table's top row so two admins cannot both add level N + 1.
    list(Tier.objects.select_for_update().order_by("-level")[:1])
    next_level = (Tier.objects.aggregate(m=Max("level"))["m"] or 0) + 1
    if level is not None and level != next_level:
        raise DomainError(
            f"Tier levels must be contiguous: the next tier is level {next_level}, not {level}.",
            field="level",
        )
    tier = Tier(
        level=next_level,
        name=name.strip(),
        huddle_time=huddle_time,
        authority_limit=authority_limit,
        aging_threshold_days=aging_threshold_days,
        sla_ack_hours=sla_ack_hours,
        sla_resolve_hours=sla_resolve_hours,
    )
    _full_clean(tier)
    tier.save()
    return tier


@transaction.atomic
def tier_update(*, tier: Tier, actor: User | None = None, **fields) -> Tier:
    """Changes a tier's settings. The level itself is fixed once created."""
    if "level" in fields and fields["level"] != tier.level:
        raise DomainError("A tier's level cannot be changed; add or remove tiers instead.",
                          field="level")
    fields.pop("level", None)
    tier = Tier.objects.select_for_update().get(pk=tier.pk)
    for key, value in fields.items():
        setattr(tier, key, value)
    _full_clean(tier)
    tier.save()
    return tier


@transaction.atomic
def tier_delete(*, tier: Tier, actor: User | None = None) -> None:
    top = top_tier()
    if top is None or tier.pk != top.pk:
        raise DomainError("Only the top tier can be removed: tier levels must stay contiguous.")
    if tier.teams.exists():
        raise DomainError(f"{tier} still has teams; move or delete them first.")
    tier.delete()


# ---------------------------------------------------------------- teams


def _validate_placement(*, team: Team | None, tier: Tier, parent: Team | None) -> None:
    top = top_tier()
    if parent is not None:
        parent = Team.objects.select_related("tier").get(pk=parent.pk)  # its current state
    if parent is None:
        if top is None or tier.level != top.level:
            raise DomainError(
                "Only the root team has no parent, and it must sit at the top tier.",
                field="parent",
            )
        roots = Team.objects.filter(parent__isnull=True)
        if team is not None and team.pk:
            roots = roots.exclude(pk=team.pk)
        if roots.exists():
            raise DomainError(
                f"There is already a root team ({roots.first()}); choose a parent team.",
                field="parent",
            )
        return
    if team is not None and team.pk and parent.pk == team.pk:
        raise DomainError("A team cannot be its own parent.", field="parent")
    if not parent.active:
        raise DomainError(f"{parent} is inactive and cannot be a parent team.", field="parent")
    if parent.tier.level <= tier.level:
        raise DomainError(
            f"A team's parent must sit at a higher tier: {parent} is at tier "
            f"{parent.tier.level}, this team at tier {tier.level}.",
            field="parent",
        )
    if team is not None and team.pk:
        if Team.objects.filter(pk=parent.pk, id__in=team_descendant_ids(team.pk)).exists():
            raise DomainError(f"{parent} sits below this team: that would make a cycle.",
                              field="parent")
        lowest_child = team.children.filter(active=True).order_by("-tier__level").first()
        if lowest_child and lowest_child.tier.level >= tier.level:
            raise DomainError(
                f"{lowest_child} (tier {lowest_child.tier.level}) reports to this team, "
                f"so it must stay above tier {lowest_child.tier.level}.",
                field="tier",
            )


def _unique_slug(name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:100] or "team"
    slug, n = base, 2
    while Team.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def team_create(
    *,
    name: str,
    tier: Tier,
    parent: Team | None,
    slug: str = "",
    description: str = "",
    actor: User | None = None,
) -> Team:
    name = (name or "").strip()
    if not name:
        raise DomainError("A team needs a name.", field="name")
    # Serialise structural changes: two admins cannot both create a root.
    list(Tier.objects.select_for_update().filter(pk=tier.pk))
    _validate_placement(team=None, tier=tier, parent=parent)
    team = Team(
        name=name,
        slug=slug or _unique_slug(name),
        tier=tier,
        parent=parent,
        description=description,
    )
    _full_clean(team, exclude=["parent", "tier"])
    team.save()
    return team


@transaction.atomic
def team_update(*, team: Team, actor: User | None = None, **fields) -> Team:
    team = Team.objects.select_for_update().select_related("tier").get(pk=team.pk)
    tier = fields.get("tier", team.tier)
    parent = fields.get("parent", team.parent)
    if "tier" in fields or "parent" in fields:
        _validate_placement(team=team, tier=tier, parent=parent)
    if fields.get("active") is False and team.active:
        _check_can_deactivate(team)
    for key, value in fields.items():
        setattr(team, key, value)
    if "name" in fields:
        team.name = (team.name or "").strip()
        if not team.name:
            raise DomainError("A team needs a name.", field="name")
    _full_clean(team, exclude=["parent", "tier"])
    team.save()
    return team


def _check_can_deactivate(team: Team) -> None:
    children = list(team.children.filter(active=True).values_list("name", flat=True)[:5])
    if children:
        raise DomainError(
            f"{team} cannot be deactivated: active teams report to it ({', '.join(children)}). "
            "Move or deactivate them first."
        )
    if team.parent_id is None:
        raise DomainError("The root team cannot be deactivated.")
    reasons = open_work_reasons(team)
    if reasons:
        raise DomainError(f"{team} cannot be deactivated: {'; '.join(reasons)}.")


@transaction.atomic
def team_deactivate(*, team: Team, actor: User | None = None) -> Team:
    """Refused while the team has active child teams or open work (checks from later apps)."""
    team = Team.objects.select_for_update().get(pk=team.pk)
    if not team.active:
        return team
    _check_can_deactivate(team)
    team.active = False
    team.save(update_fields=["active"])
    return team


@transaction.atomic
def team_activate(*, team: Team, actor: User | None = None) -> Team:
    team = Team.objects.select_for_update().get(pk=team.pk)
    if team.parent_id and not Team.objects.filter(pk=team.parent_id, active=True).exists():
        raise DomainError(f"Activate the parent team {team.parent} first.")
    team.active = True
    team.save(update_fields=["active"])
    return team


# ---------------------------------------------------------------- people


@transaction.atomic
def membership_set(
    *, team: Team, user: User, role: str = Membership.Role.MEMBER, actor: User | None = None
) -> Membership:
    if role not in Membership.Role.values:
        raise DomainError(f"Unknown role {role!r}: use member or lead.", field="role")
    if not team.active:
        raise DomainError(f"{team} is inactive.", field="team")
    membership, _ = Membership.objects.update_or_create(
        user=user, team=team, defaults={"role": role}
    )
    return membership


@transaction.atomic
def membership_remove(*, team: Team, user: User, actor: User | None = None) -> None:
    Membership.objects.filter(user=user, team=team).delete()


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str = "",
    display_name: str = "",
    password: str | None = None,
    is_staff: bool = False,
    actor: User | None = None,
) -> User:
    username = (username or "").strip()
    if not username:
        raise DomainError("A username is required.", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"The username {username!r} is taken.", field="username")
    email = (email or "").strip()
    if email and User.objects.filter(email__iexact=email).exists():
        raise DomainError(f"The e-mail address {email!r} is already used.", field="email")
    user = User(username=username, email=email, display_name=display_name.strip(),
                is_staff=is_staff)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    _full_clean(user, exclude=["password"])
    user.save()
    return user


# ---------------------------------------------------------------- notifications
#
# Every notification is also its own e-mail outbox row (Notification.email_state): the e-mail
# is decided when the notification is created and recorded in the same database, so it survives
# a lost Celery message, a broker outage and a worker killed mid-send. Creating notifications
# asks a worker to send them at once (low latency); the periodic sweep `org.tasks.send_due_emails`
# sends whatever is due (retries, and whatever the first task never delivered).

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
    from .tasks import send_notification_emails

    for start in range(0, len(notification_ids), EMAIL_KICK_CHUNK):
        try:
            send_notification_emails.delay(notification_ids[start:start + EMAIL_KICK_CHUNK])
        except Exception:  # noqa: BLE001 - losing this message loses nothing but latency
            log.warning("Could not queue %s notification e-mail(s); the sweep will send them.",
                        len(notification_ids) - start, exc_info=True)
            return


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


# ---------------------------------------------------------------- helpers


def _full_clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from exc
    except IntegrityError as exc:  # pragma: no cover - full_clean should catch it first
        raise DomainError(str(exc)) from exc
