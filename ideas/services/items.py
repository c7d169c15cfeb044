"""Every write to an idea: one service per action, in a transaction, with the row locked.

Each change writes an IdeaEvent (the timeline) and moves ``last_activity_at``, which clears the
aging flag. Board-visible changes bump ``version`` so a move based on a stale board is refused.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from org.models import Membership, Team, User
from org.notifications import notify

from .. import learning as learning_note
from .. import workflow
from ..anonymity import acts_anonymously, check_anonymous_raise, refuse_mentions, reporter_ref
from ..models import Idea, IdeaEvent
from ..permissions import (
    can_assign,
    can_edit,
    can_transition,
    can_view,
    can_watch,
)
from ..registry import create_guards, transition_guards

EDITABLE_FIELDS = (
    "kind", "title", "description", "category", "priority", "problem_statement", "root_cause",
    "countermeasure", "result", "estimated_money_per_year", "estimated_hours_per_year",
    "estimated_benefit", "actual_money_per_year", "actual_hours_per_year", "actual_benefit",
    "required_spend", "due_date", "is_private", "level", "change_kind", "team",
)
# Changes that move a card on a board.
BOARD_FIELDS = {"team", "title", "category", "kind", "is_private", "required_spend", "priority"}


def _clean(idea: Idea, *, exclude=("reporter", "team", "owner", "waiting_on_team")) -> None:
    idea.title = (idea.title or "").strip()
    if not idea.title:
        raise DomainError("Give the item a short title.", field="title")
    try:
        idea.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from exc


def _check_team(team: Team) -> Team:
    team = Team.objects.filter(pk=getattr(team, "pk", team)).first()
    if team is None or not team.active:
        raise DomainError("Choose an active team.", field="team")
    return team


def _check_owner(owner: User | None, team: Team) -> None:
    if owner is None:
        return
    if not owner.is_active or not Membership.objects.filter(user=owner, team=team).exists():
        raise DomainError(f"{owner} is not a member of {team}.", field="owner")


def record_event(*, idea: Idea, actor: User | None, verb: str, text: str = "",
                 data: dict | None = None, touch: bool = True) -> IdeaEvent:
    """Adds a timeline line. With ``touch`` the item counts as active again (flag cleared).

    Call inside the transaction that made the change; apps above ideas use it for their events
    (escalated, acknowledged, discussed in a huddle, …). The anonymous reporter of an item
    acting on it leaves a line without their name."""
    if actor is not None and acts_anonymously(actor, idea):
        actor, data = None, {**(data or {}), "anonymous": True}
    event = IdeaEvent.objects.create(idea=idea, actor=actor, verb=verb, text=text,
                                     data=data or {})
    if touch:
        mark_active(idea, event.created_at)
    return event


def mark_active(idea: Idea, at) -> None:
    """Activity at ``at``: the item is no longer aging."""
    Idea.objects.filter(pk=idea.pk).update(last_activity_at=at, aging_flagged_at=None)
    idea.last_activity_at, idea.aging_flagged_at = at, None


def lock_idea(idea_id: int) -> Idea:
    try:
        return Idea.objects.select_for_update().get(pk=idea_id)
    except Idea.DoesNotExist:
        raise DomainError("No such item.", code="not_found")


def item_url(idea: Idea) -> str:
    return f"/ideas/{idea.pk}/"


def who_may_see(idea: Idea, user_ids: Iterable[int]) -> set[int]:
    """The given people less those who may not see the item (a private item's watcher who
    left the team, a name @mentioned from outside it): a notification never leaks an item."""
    ids = {i for i in user_ids if i}
    if not idea.is_private or not ids:
        return ids
    shared = idea.shared_with_teams.values("pk")
    return set(
        User.objects.filter(pk__in=ids, is_active=True)
        .filter(
            Q(is_staff=True)
            | Q(pk=idea.reporter_id)
            | Q(memberships__team_id=idea.team_id, memberships__team__active=True)
            | Q(memberships__team__in=shared, memberships__team__active=True)
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def shown_actor(actor: User | None, idea: Idea) -> User | None:
    """Who a trace of ``actor``'s act names: nobody when the anonymous reporter acts on their
    own item (history rows, notifications, attachments)."""
    return None if actor is not None and acts_anonymously(actor, idea) else actor


def people_to_tell(idea: Idea) -> set[int]:
    """Reporter, owner and watchers who may still see the item. An anonymous item has no
    reporter to tell: no notification row may name them (they follow it on My work)."""
    ids = {idea.reporter_id, idea.owner_id}
    ids |= set(idea.watchers.values_list("pk", flat=True))
    return who_may_see(idea, ids)


@transaction.atomic
def idea_create(
    *,
    actor: User,
    team: Team,
    title: str,
    category: str,
    kind: str = Idea.Kind.PROBLEM,
    description: str = "",
    owner: User | None = None,
    labels: Iterable = (),
    anonymous: bool = False,
    **details,
) -> Idea:
    """Logs a problem or idea for a team. The reporter watches it from the start.

    ``anonymous``: raised without the reporter's name (when the organisation offers it). No
    reporter, watcher, history user or timeline actor is stored; an anonymous item cannot be
    used to name anyone: no owner, no @mentions."""
    if anonymous:
        check_anonymous_raise(title=title, description=description, owner=owner, details=details)
    team = _check_team(team)
    unknown = set(details) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    for guard in create_guards():
        guard(team=team, actor=actor, owner=owner, **details)
    now = timezone.now()
    idea = Idea(
        team=team, reporter=None if anonymous else actor, title=title, category=category,
        kind=kind, description=description or "", last_activity_at=now, status_changed_at=now,
        is_anonymous=bool(anonymous), reporter_ref=reporter_ref(actor) if anonymous else "",
        **details,
    )
    _clean(idea)
    _check_owner(owner, team)
    idea.owner = owner
    if anonymous:
        idea._history_user = None  # the history row names nobody
    idea.save()
    if labels:
        idea.labels.set(labels)
    how = "anonymously " if anonymous else ""
    if not anonymous:
        idea.watchers.add(actor)
    record_event(idea=idea, actor=actor, verb="created",
                 text=f"Logged {how}as {idea.get_kind_display().lower()} for {team}.")
    if owner and owner.pk != actor.pk:
        _notify_assigned(idea, owner, actor)
    return idea


@transaction.atomic
def idea_update(*, idea_id: int, actor: User, expected_version: int | None = None,
                labels: Iterable | None = None, **fields) -> Idea:
    """Edits an item's details. Status, owner and escalation have their own services."""
    idea = lock_idea(idea_id)
    if not can_edit(actor, idea):
        raise Forbidden("You may not edit this item: the reporter edits it while it is new; "
                        "its owner and the team's leads edit it any time.")
    if expected_version is not None and expected_version != idea.version:
        raise Conflict("Someone else changed this item meanwhile. Reload and try again.")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"These fields cannot be edited here: {', '.join(sorted(unknown))}.")
    if acts_anonymously(actor, idea):
        refuse_mentions(fields)
    changed = []
    for key, value in fields.items():
        if key == "team":
            value = _check_team(value)
            if value.pk != idea.team_id and idea.owner_id:
                _check_owner(idea.owner, value)
        if getattr(idea, key) != value:
            setattr(idea, key, value)
            changed.append(key)
    if labels is not None:
        before = set(idea.labels.values_list("pk", flat=True))
        idea.labels.set(labels)
        if before != set(idea.labels.values_list("pk", flat=True)):
            changed.append("labels")
    if not changed:
        return idea
    _clean(idea)
    if BOARD_FIELDS & set(changed):
        idea.version += 1
    idea._history_user = shown_actor(actor, idea)
    idea.save()
    names = ", ".join(Idea._meta.get_field(f).verbose_name if f != "labels" else "labels"
                      for f in changed)
    record_event(idea=idea, actor=actor, verb="edited", text=f"Edited {names}.",
                 data={"fields": changed})
    return idea


@transaction.atomic
def idea_transition(
    *,
    idea_id: int,
    to: str,
    actor: User,
    reason: str = "",
    learning: str = "",
    expected_version: int | None = None,
    actual_money_per_year: Decimal | None = None,
    actual_hours_per_year: Decimal | None = None,
    actual_benefit: str | None = None,
    result: str | None = None,
    learning_parts: dict | None = None,
) -> Idea:
    """Moves an item through its lifecycle (the one place status changes). Closing as done
    takes the learning note: its free text and/or its structured parts (``learning_parts``:
    expected, happened, next time — ideas/learning.py); the parts alone are enough.

    Locks the row first: two people moving the same card at once are serialised, and the one
    whose ``expected_version`` is stale gets a Conflict."""
    idea = lock_idea(idea_id)
    if not can_transition(actor, idea):
        raise Forbidden("Only the item's owner and its team's leads can move it.")
    if expected_version is not None and int(expected_version) != idea.version:
        raise Conflict(
            "This card was changed by someone else since your board loaded; it is shown in its "
            "current place now.", extra={"version": idea.version, "status": idea.status})
    current = idea.status
    if to == current:
        raise Conflict(f"The item is already {idea.get_status_display().lower()}.",
                       extra={"allowed": list(workflow.allowed_targets(current))})
    parts = learning_note.clean_parts(learning_parts or {})
    learning = learning_note.compose(learning, parts)
    try:
        workflow.check(current, to, reason=reason, learning=learning)
    except workflow.TransitionError as exc:
        error = Conflict if exc.conflict else DomainError
        raise error(exc.message, field=exc.field,
                    extra={"allowed": list(exc.allowed)}) from exc
    for guard in transition_guards():
        guard(idea=idea, to=to, actor=actor)

    now = timezone.now()
    idea.status = to
    idea.status_changed_at = now
    idea.status_reason = (reason or "").strip()
    if to == Idea.Status.IN_PROGRESS and idea.started_at is None:
        idea.started_at = now
    if to == Idea.Status.DONE:
        idea.done_at = now
        idea.learning = learning.strip()
        idea.learning_by = shown_actor(actor, idea)
        for name, text in parts.items():
            setattr(idea, name, text)
        for field, value in (("actual_money_per_year", actual_money_per_year),
                             ("actual_hours_per_year", actual_hours_per_year),
                             ("actual_benefit", actual_benefit), ("result", result)):
            if value not in (None, ""):
                setattr(idea, field, value)
    elif current == Idea.Status.DONE:
        idea.done_at = None
    idea.aging_flagged_at = None
    idea.version += 1
    _clean(idea)
    idea._history_user = shown_actor(actor, idea)
    idea.save()
    label = workflow.LABELS[to]
    text = f"Moved from {workflow.LABELS[current]} to {label}."
    if reason:
        text += f" Reason: {reason.strip()}"
    record_event(idea=idea, actor=actor, verb="status", text=text,
                 data={"from": current, "to": to})
    notify(
        recipients=people_to_tell(idea) - {actor.pk}, actor=shown_actor(actor, idea),
        verb="status",
        text=f"{idea.title[:120]} is now {label.lower()}", url=item_url(idea), target=idea,
        event_key=f"idea:{idea.pk}:status:{idea.version}",
    )
    return idea


def _notify_assigned(idea: Idea, owner: User, actor: User) -> None:
    notify(recipients={owner.pk} - {actor.pk}, actor=shown_actor(actor, idea), verb="assigned",
           text=f"You now own: {idea.title[:150]}", url=item_url(idea), target=idea,
           event_key=f"idea:{idea.pk}:assigned:{owner.pk}:{idea.version}")


@transaction.atomic
def idea_assign(*, idea_id: int, owner: User | None, actor: User) -> Idea:
    """Sets (or clears) the owner: a member of the owning team."""
    idea = lock_idea(idea_id)
    if not can_assign(actor, idea):
        raise Forbidden("Only the team's leads can assign an owner.")
    if owner is not None and owner.pk == idea.owner_id:
        return idea
    _check_owner(owner, idea.team)
    for guard in create_guards():
        guard(team=idea.team, actor=actor, owner=owner)
    idea.owner = owner
    idea.version += 1
    idea.save(update_fields=["owner", "version", "updated_at"])
    if owner:
        idea.watchers.add(owner)
    record_event(idea=idea, actor=actor, verb="assigned",
                 text=f"Owner: {owner}." if owner else "Owner cleared.")
    if owner:
        _notify_assigned(idea, owner, actor)
    return idea


def idea_watch(*, idea: Idea, user: User, watching: bool = True) -> None:
    """Follow (or stop following) an item: watchers hear of comments and changes."""
    if watching:
        if not can_view(user, idea):
            raise Forbidden("You cannot watch an item you may not see.")
        if not can_watch(user, idea):
            raise DomainError("You raised this item anonymously: it stays on your My work list. "
                              "Watching it would show your name.", field="watch")
        idea.watchers.add(user)
    else:
        idea.watchers.remove(user)


@transaction.atomic
def idea_set_waiting(*, idea_id: int, team: Team | None, actor: User | None,
                     share_with: Iterable[Team] = (), decision: str | None = None) -> Idea:
    """For escalation: the item now waits on ``team`` (None: back with its own team, with the
    ``decision`` shown on its card).

    Teams in ``share_with`` (the escalation chain) may see the item even when it is private."""
    idea = lock_idea(idea_id)
    idea.waiting_on_team = team
    fields = ["waiting_on_team", "version", "updated_at"]
    if decision is not None:
        idea.decision_note, idea.decision_at = decision, timezone.now()
        fields += ["decision_note", "decision_at"]
    idea.version += 1
    idea.save(update_fields=fields)
    if share_with:
        idea.shared_with_teams.add(*share_with)
    return idea
