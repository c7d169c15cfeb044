"""Every write of the huddles app: board settings, card moves, display links, SQDC letters and
huddle sessions. Keyword-only arguments, one transaction each, domain errors for refusals.

Moves go through ideas.services.idea_transition, so a board follows exactly the rules of the
idea pages (who may move, the workflow, reasons and learning notes, the stale-version check).
"""

import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from ideas import services as idea_services
from ideas.models import Idea
from ideas.selectors import ideas_visible_to
from org.models import Membership, Team, User

from .models import DONE_WINDOW, REFRESH, WIP, BoardSettings, DisplayLink, Huddle, SqdcDay
from .permissions import (
    can_edit_ended_huddle,
    can_manage_board,
    can_run_huddle,
    can_set_people_letter,
    can_set_sqdc,
)

WIP_FIELDS = ("wip_new", "wip_in_progress", "wip_waiting", "wip_escalated")
# The number settings: their bounds, how a refusal names them (None: by the field's name) and
# whether they may be empty (a WIP limit: no limit).
NUMBER_SETTINGS = {
    **{name: (WIP, None, True) for name in WIP_FIELDS},
    "done_window_days": (DONE_WINDOW, "The done window", False),
    "refresh_seconds": (REFRESH, "The wall refresh interval", False),
}
NOTE_FIELDS = ("reason", "learning")  # what the workflow may ask for with a move

# --------------------------------------------------------------------------- board settings


def _settings_locked(team: Team) -> BoardSettings:
    """The team's settings row, created if missing, locked: it also serialises huddle starts."""
    BoardSettings.objects.get_or_create(team=team)
    return BoardSettings.objects.select_for_update().get(team=team)


def board_touch(team_id: int) -> None:
    """Marks the board changed (SQDC letters, huddles, settings): the next wall poll re-renders."""
    now = timezone.now()
    if not BoardSettings.objects.filter(team_id=team_id).update(changed_at=now):
        BoardSettings.objects.get_or_create(team_id=team_id)
        BoardSettings.objects.filter(team_id=team_id).update(changed_at=now)


def _number_setting(name: str, value) -> int | None:
    bounds, label, may_be_empty = NUMBER_SETTINGS[name]
    label = label or BoardSettings._meta.get_field(name).verbose_name
    if value in (None, "") and may_be_empty:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(f"{label} must be a whole number.", field=name)
    if number != value and not isinstance(value, str):
        raise DomainError(f"{label} must be a whole number.", field=name)
    if not bounds.low <= number <= bounds.high:
        raise DomainError(f"{label} must be between {bounds.low} and {bounds.high}.",
                          field=name)
    return number


@transaction.atomic
def board_settings_update(*, team: Team, actor: User, **fields) -> BoardSettings:
    """Changes WIP limits (1…999 or none), the done window (1…90 days), the wall refresh
    (2…3600 s) and, for admins, whether the People letter shows."""
    if not can_manage_board(actor, team):
        raise Forbidden("Only the team's leads can change its board settings.")
    unknown = set(fields) - {*NUMBER_SETTINGS, "people_enabled"}
    if unknown:
        raise DomainError(f"Unknown setting(s): {', '.join(sorted(unknown))}.")
    settings = _settings_locked(team)
    for name in NUMBER_SETTINGS:
        if name in fields:
            setattr(settings, name, _number_setting(name, fields[name]))
    if "people_enabled" in fields and bool(fields["people_enabled"]) != settings.people_enabled:
        if not can_set_people_letter(actor):
            raise Forbidden("Only an administrator can switch the People letter on or off.",
                            field="people_enabled")
        settings.people_enabled = bool(fields["people_enabled"])
    settings.updated_by = actor
    settings.changed_at = timezone.now()
    settings.save()
    return settings


# --------------------------------------------------------------------------- moves


class NoteNeeded(DomainError):
    """The workflow wants a reason or a learning note for this move (``field`` says which):
    the board asks for it. Carries the card as it was, so the question can name it."""

    def __init__(self, refusal: DomainError, idea: Idea):
        super().__init__(refusal.message, field=refusal.field, code=refusal.code,
                         extra=refusal.extra)
        self.status_code = refusal.status_code
        self.idea = idea


def board_move(*, team: Team, idea_id, to: str, actor: User, version, reason: str = "",
               learning: str = "") -> Idea:
    """Moves a card of this team's board to another status.

    The card must be on this board and visible to the actor; ``version`` is the card's
    version as the board showed it — a stale one is refused with a Conflict (409) by
    idea_transition, which locks the row, so two people dropping the same card at once are
    serialised and the second learns that the card moved. A move that needs a reason or a
    learning note and came without raises NoteNeeded."""
    try:
        idea_id = int(idea_id)
    except (TypeError, ValueError):
        raise DomainError("Say which card to move.", field="idea")
    if version in (None, ""):
        raise DomainError("The card's version is missing: reload the board.", field="version")
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise DomainError("The card's version must be a number.", field="version")
    idea = ideas_visible_to(actor).filter(pk=idea_id, team_id=team.pk).first()
    if idea is None:
        raise DomainError(f"That card is not on the board of {team}.", field="idea",
                          code="not_on_board")
    try:
        return idea_services.idea_transition(
            idea_id=idea_id, to=str(to or ""), actor=actor, reason=reason or "",
            learning=learning or "", expected_version=version,
        )
    except DomainError as refusal:
        if refusal.field in NOTE_FIELDS:
            raise NoteNeeded(refusal, idea) from refusal
        raise


# --------------------------------------------------------------------------- display links

_SIGNER = signing.Signer(salt="tierline.huddles.display-link")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def display_key_hash(key: str | None) -> str | None:
    """The stored hash for a display key from a URL, or None when it was tampered with
    (bad signature): such a key never reaches the database."""
    if not key or len(key) > 200:
        return None
    try:
        token = _SIGNER.unsign(key)
    except signing.BadSignature:
        return None
    return _token_hash(token)


@transaction.atomic
def display_link_create(*, team: Team, actor: User, label: str,
                        expires_at: datetime | None = None) -> tuple[DisplayLink, str]:
    """Makes a read-only link to the team's wall screen. Returns the link and its key — the
    only time the key exists in clear: only its SHA-256 is stored."""
    if not can_manage_board(actor, team):
        raise Forbidden("Only the team's leads can make display links.")
    label = (label or "").strip()
    if not label:
        raise DomainError("Name the screen, e.g. 'Hall TV'.", field="label")
    if len(label) > 80:
        raise DomainError("Keep the name under 80 characters.", field="label")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError("The expiry must be in the future.", field="expires_at")
    token = secrets.token_urlsafe(32)
    link = DisplayLink.objects.create(team=team, label=label, token_hash=_token_hash(token),
                                      created_by=actor, expires_at=expires_at)
    return link, _SIGNER.sign(token)


@transaction.atomic
def display_link_revoke(*, link_id: int, actor: User) -> DisplayLink:
    """Revokes a link; the screen showing it is refused (403) at its next refresh."""
    link = DisplayLink.objects.select_for_update().select_related("team").filter(
        pk=link_id).first()
    if link is None:
        raise DomainError("No such display link.", code="not_found")
    if not can_manage_board(actor, link.team):
        raise Forbidden("Only the team's leads can revoke its display links.")
    if link.revoked_at is None:
        link.revoked_at, link.revoked_by = timezone.now(), actor
        link.save(update_fields=["revoked_at", "revoked_by"])
    return link


def display_link_seen(link_id: int, now: datetime | None = None) -> None:
    """Notes when a screen last loaded the board (at most one write every 5 minutes)."""
    now = now or timezone.now()
    DisplayLink.objects.filter(pk=link_id).exclude(
        last_used_at__gt=now - timedelta(minutes=5)).update(last_used_at=now)


# --------------------------------------------------------------------------- SQDC


@transaction.atomic
def sqdc_set(*, team: Team, day: date, category: str, status: str, actor: User,
             note: str | None = None, today: date | None = None) -> SqdcDay:
    """Sets one letter for one day. Red needs a note; no future dates; members set today,
    leads also correct past days; the People letter only when switched on for the team.

    ``note=None`` keeps the note already there."""
    today = today or timezone.localdate()
    if category not in SqdcDay.Category.values:
        raise DomainError(f"Unknown category {category!r}.", field="category")
    if status not in SqdcDay.Status.values:
        raise DomainError(f"Unknown status {status!r}: green, amber, red or unset.",
                          field="status")
    if not isinstance(day, date):
        raise DomainError("Give a date.", field="date")
    if day > today:
        raise DomainError("SQDC letters cannot be set for a future date.", field="date")
    if not can_set_sqdc(actor, team, day, today):
        raise Forbidden("Team members set today's letters; only the team's leads correct "
                        "past days.")
    settings = BoardSettings.objects.filter(team=team).first()
    if category == SqdcDay.Category.PEOPLE and not (settings and settings.people_enabled):
        raise DomainError("The People letter is not switched on for this team.",
                          field="category")
    row = SqdcDay.objects.select_for_update().filter(team=team, date=day,
                                                     category=category).first()
    note = (row.note if row else "") if note is None else note.strip()
    if len(note) > 2000:
        raise DomainError("Keep the note under 2000 characters.", field="note")
    if status == SqdcDay.Status.RED and not note:
        raise DomainError("A red letter needs a note: what happened?", field="note")
    if row is None:
        try:
            with transaction.atomic():
                row = SqdcDay.objects.create(team=team, date=day, category=category,
                                             status=status, note=note, set_by=actor)
        except IntegrityError:
            # Someone set the same letter at the same moment: apply ours on top of theirs.
            row = SqdcDay.objects.select_for_update().get(team=team, date=day,
                                                          category=category)
    if (row.status, row.note) != (status, note) or row.set_by_id != actor.pk:
        row.status, row.note, row.set_by = status, note, actor
        row.save()
    board_touch(team.pk)
    return row


# --------------------------------------------------------------------------- huddles


def _lock_huddle(huddle_id) -> Huddle:
    huddle = Huddle.objects.select_for_update().select_related("team").filter(
        pk=huddle_id).first()
    if huddle is None:
        raise DomainError("No such huddle.", code="not_found")
    return huddle


def _may_change(actor: User, huddle: Huddle) -> None:
    if huddle.is_open:
        if not can_run_huddle(actor, huddle.team_id):
            raise Forbidden("Only the team's members can run its huddle.")
    elif not can_edit_ended_huddle(actor, huddle.team_id):
        raise Forbidden("This huddle has ended; only the team's leads can correct it.")


@transaction.atomic
def huddle_start(*, team: Team, actor: User, now: datetime | None = None) -> Huddle:
    """Starts today's huddle. One open huddle per team and day: the settings row is locked
    first (two people pressing Start at once are serialised) and a database constraint backs
    the check. The person starting it counts as attending."""
    if not can_run_huddle(actor, team):
        raise Forbidden("Only the team's members can start its huddle.")
    if not team.active:
        raise DomainError("This team is inactive.")
    now = now or timezone.now()
    today = timezone.localdate(now)
    _settings_locked(team)
    if Huddle.objects.filter(team=team, date=today, ended_at__isnull=True).exists():
        raise Conflict("A huddle of this team is already running today.", code="huddle_open")
    try:
        with transaction.atomic():
            huddle = Huddle.objects.create(team=team, date=today, started_at=now,
                                           started_by=actor)
    except IntegrityError:
        raise Conflict("A huddle of this team is already running today.", code="huddle_open")
    if Membership.objects.filter(team=team, user=actor).exists():
        huddle.attendees.add(actor)
    board_touch(team.pk)
    return huddle


@transaction.atomic
def huddle_set_attendance(*, huddle_id: int, actor: User, user_id, present: bool) -> Huddle:
    """Ticks (or unticks) one team member as attending."""
    huddle = _lock_huddle(huddle_id)
    _may_change(actor, huddle)
    person = User.objects.filter(pk=user_id, is_active=True,
                                 memberships__team=huddle.team_id).first() \
        if str(user_id).isdigit() else None
    if person is None:
        raise DomainError("Only the team's members can be ticked; add others as guests.",
                          field="user")
    if present:
        huddle.attendees.add(person)
    else:
        huddle.attendees.remove(person)
    return huddle


@transaction.atomic
def huddle_update(*, huddle_id: int, actor: User, notes: str | None = None,
                  guests: str | None = None) -> Huddle:
    """Saves the notes and the guests (comma-separated names)."""
    huddle = _lock_huddle(huddle_id)
    _may_change(actor, huddle)
    fields = []
    if notes is not None:
        if len(notes) > 10000:
            raise DomainError("Keep the notes under 10,000 characters.", field="notes")
        huddle.notes = notes.strip()
        fields.append("notes")
    if guests is not None:
        guests = ", ".join(g.strip() for g in guests.split(",") if g.strip())
        if len(guests) > 500:
            raise DomainError("Keep the guest list under 500 characters.", field="guests")
        huddle.guests = guests
        fields.append("guests")
    if fields:
        huddle.save(update_fields=fields)
    return huddle


@transaction.atomic
def huddle_mark_discussed(*, huddle_id: int, actor: User, idea_id, discussed: bool = True
                          ) -> Huddle:
    """Marks a card of the team's board as discussed in this huddle (a line on the item's
    timeline the first time), or unmarks it."""
    huddle = _lock_huddle(huddle_id)
    _may_change(actor, huddle)
    idea = (ideas_visible_to(actor)
            .filter(Q(team_id=huddle.team_id) | Q(waiting_on_team_id=huddle.team_id),
                    pk=idea_id).first()
            if str(idea_id).isdigit() else None)
    if idea is None:
        raise DomainError("That item is not on this team's board.", field="idea")
    already = huddle.discussed.filter(pk=idea.pk).exists()
    if discussed and not already:
        huddle.discussed.add(idea)
        if not idea.events.filter(verb="discussed", data__huddle=huddle.pk).exists():
            idea_services.record_event(
                idea=idea, actor=actor, verb="discussed",
                text=f"Discussed in the huddle of {huddle.team} on {huddle.date:%d %b %Y}.",
                data={"huddle": huddle.pk, "team": huddle.team_id},
            )
    elif not discussed and already:
        huddle.discussed.remove(idea)
    return huddle


@transaction.atomic
def huddle_end(*, huddle_id: int, actor: User, notes: str | None = None,
               now: datetime | None = None) -> Huddle:
    """Ends the huddle; its duration is from start to now."""
    huddle = _lock_huddle(huddle_id)
    if not can_run_huddle(actor, huddle.team_id):
        raise Forbidden("Only the team's members can end its huddle.")
    if not huddle.is_open:
        raise Conflict("This huddle has already ended.", code="huddle_ended")
    if notes is not None:
        huddle_update(huddle_id=huddle.pk, actor=actor, notes=notes)
        huddle.refresh_from_db(fields=["notes"])
    huddle.ended_at = max(now or timezone.now(), huddle.started_at)
    huddle.ended_by = actor
    huddle.save(update_fields=["ended_at", "ended_by"])
    board_touch(huddle.team_id)
    return huddle
