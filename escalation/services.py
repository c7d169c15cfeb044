"""Every write to escalations: raise, acknowledge, resolve, return, escalate further.

Each service runs in one transaction and locks the idea row first (``select_for_update`` on
``ideas.Idea``), then the escalation row: two people raising, acknowledging or deciding at the
same moment are serialised, and the second one finds the state changed and gets a Conflict
(HTTP 409). The partial unique constraint ``escalation_one_active_per_idea`` backs this up in
the database. Side effects — the item waiting on the target team (``idea_set_waiting``), the
timeline (``record_event``) and notifications (``escalation/notices.py``, after commit, once per
event) — happen inside the same transaction, so a refused action leaves nothing half-done.

The input is checked by ``escalation/inputs.py``, where it goes by ``escalation/routing.py``,
what may be approved by ``escalation/authority.py``.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from ideas.models import Idea
from ideas.services import idea_set_waiting, record_event
from org.models import User
from org.permissions import is_member

from . import workflow
from .authority import can_approve
from .inputs import (
    clean_ask,
    clean_reason,
    clean_spend,
    clean_structured,
    clean_text,
    other_team_of,
)
from .models import ConflictView, Escalation
from .notices import notify_down_the_chain, notify_target, notify_view
from .permissions import can_acknowledge, can_decide, can_raise, view_sides
from .routing import Route, effective_spend, plan_route
from .selectors import active_escalation_of, chain_of

DECISION_MAX = 5000
VIEW_MAX = 5000


# ---------------------------------------------------------------- locks and checks


def _lock_idea(idea_id: int) -> Idea:
    try:
        return (Idea.objects.select_for_update(of=("self",))
                .select_related("team", "team__tier").get(pk=idea_id))
    except (Idea.DoesNotExist, ValueError, TypeError):
        raise DomainError("No such item.", code="not_found")


def _lock_escalation(escalation_id: int) -> tuple[Idea, Escalation]:
    """Locks the idea, then the escalation (always in this order: no deadlocks)."""
    idea_id = Escalation.objects.filter(pk=escalation_id).values_list("idea_id", flat=True).first()
    if idea_id is None:
        raise DomainError("No such escalation.", code="not_found")
    idea = _lock_idea(idea_id)
    escalation = (Escalation.objects.select_for_update(of=("self",))
                  .select_related("from_team", "from_team__tier", "to_team", "to_team__tier",
                                  "other_team")
                  .get(pk=escalation_id))
    return idea, escalation


def _check_action(escalation: Escalation, action: str, *, decision: str = "") -> str:
    try:
        return workflow.check(escalation.state, action, decision=decision)
    except workflow.TransitionError as exc:
        if exc.conflict:
            raise Conflict(_state_message(escalation), extra={"state": escalation.state})
        raise DomainError(exc.message, field=exc.field)


def _state_message(escalation: Escalation) -> str:
    """Who got there first, for the person who loses a race."""
    e = escalation
    if e.state == Escalation.State.ACKNOWLEDGED:
        who = e.acknowledged_by.name if e.acknowledged_by_id else "someone"
        return (f"{who} already acknowledged this escalation at "
                f"{timezone.localtime(e.acknowledged_at):%H:%M}.")
    who = e.resolved_by.name if e.resolved_by_id else "someone"
    return (f"This escalation is already closed: {e.get_state_display().lower()} by {who} "
            "— reload to see the decision.")


def _check_member_acts(user: User, escalation: Escalation, action: str) -> None:
    if escalation.raised_by_id == user.pk and is_member(user, escalation.to_team_id):
        raise Forbidden(f"You raised this escalation yourself: someone else in "
                        f"{escalation.to_team.name} answers it.")
    if action == workflow.ACKNOWLEDGE:
        if not can_acknowledge(user, escalation):
            raise Forbidden(f"Only members of {escalation.to_team.name} can act on this "
                            "escalation.")
    elif not can_decide(user, escalation):
        raise Forbidden(f"Only the leads of {escalation.to_team.name} decide on this "
                        "escalation (resolve, return or escalate further); members may "
                        "acknowledge it.")


# ---------------------------------------------------------------- preview and raise


def escalation_preview(*, idea_id: int, actor: User, reason: str,
                       requested_spend=None, other_team_id=None) -> Route:
    """Where an escalation of this item would go now, with its SLA due times. Creates nothing.
    A cross-team preview needs the other team (it decides the target)."""
    idea = Idea.objects.select_related("team", "team__tier").filter(pk=idea_id).first()
    if idea is None:
        raise DomainError("No such item.", code="not_found")
    if not can_raise(actor, idea):
        raise Forbidden(f"Only members of {idea.team.name} can escalate its items.")
    spend = clean_spend(requested_spend, field="requested_spend")
    other = other_team_of(idea.team, reason or "", other_team_id)
    return plan_route(origin=idea.team, idea=idea, reason=reason or "", spend=effective_spend(
        spend, idea), other_team=other)


def escalation_further_preview(*, escalation_id: int, actor: User, reason: str = "",
                               requested_spend=None) -> Route:
    escalation = (Escalation.objects.select_related("idea", "to_team", "to_team__tier",
                                                    "other_team")
                  .filter(pk=escalation_id).first())
    if escalation is None:
        raise DomainError("No such escalation.", code="not_found")
    _check_member_acts(actor, escalation, workflow.ESCALATE)
    spend = clean_spend(requested_spend, field="requested_spend")
    if spend is None:
        spend = escalation.requested_spend
    reason = reason or escalation.reason
    other = escalation.other_team if reason == Escalation.Reason.CROSS_TEAM else None
    return plan_route(origin=escalation.to_team, idea=escalation.idea, reason=reason,
                      spend=effective_spend(spend, escalation.idea), other_team=other)


def _create(**fields) -> Escalation:
    try:
        with transaction.atomic():  # a savepoint: the race loser gets a clean Conflict
            return Escalation.objects.create(**fields)
    except IntegrityError as exc:
        if "escalation_one_active_per_idea" in str(exc):
            raise Conflict("This item already has an open escalation.")
        raise


@transaction.atomic
def escalation_raise(*, idea_id: int, actor: User, reason: str, ask: str,
                     requested_spend=None, expected_to_team_id: int | None = None,
                     options: str = "", recommendation: str = "",
                     other_team_id: int | None = None) -> Escalation:
    """Sends an item's problem to the team the routing picks, with the SLA clock running.

    Reaching the top tier requires ``options`` and ``recommendation``; the ``cross_team``
    reason requires ``other_team_id`` (the conflict goes to the two teams' lowest common
    ancestor, and the other team may see the item). Locks the idea row: of many people
    escalating the same item at once exactly one succeeds; the others get a Conflict naming
    the open escalation."""
    idea = _lock_idea(idea_id)
    if not can_raise(actor, idea):
        raise Forbidden(f"Only members of {idea.team.name} can escalate its items.")
    active = active_escalation_of(idea.pk)
    if active is not None:
        raise Conflict(
            f"This item already has an open escalation to {active.to_team.name} "
            f"(raised {timezone.localtime(active.raised_at):%d %b %H:%M}).",
            extra={"escalation": active.pk})
    if not idea.is_open:
        raise DomainError(f"Only open items can be escalated; this one is "
                          f"{idea.get_status_display().lower()}.", code="closed")
    reason = clean_reason(reason)
    ask = clean_ask(ask)
    spend = clean_spend(requested_spend, field="requested_spend")
    other = other_team_of(idea.team, reason, other_team_id)
    now = timezone.now()
    route = plan_route(origin=idea.team, idea=idea, reason=reason,
                       spend=effective_spend(spend, idea), now=now, other_team=other)
    options, recommendation = clean_structured(route, options, recommendation)
    _check_expected(route, expected_to_team_id)
    escalation = _create(
        idea=idea, from_team=idea.team, to_team=route.to_team, reason=reason, ask=ask,
        requested_spend=spend, route_note=route.note[:300], raised_by=actor, raised_at=now,
        due_ack_at=route.due_ack_at, due_resolve_at=route.due_resolve_at, options=options,
        recommendation=recommendation, other_team=other)
    idea_set_waiting(idea_id=idea.pk, team=route.to_team, actor=actor,
                     share_with=[t for t in (idea.team, route.to_team, other) if t])
    record_event(
        idea=idea, actor=actor, verb="escalated",
        text=f"Escalated to {route.to_team.name} (tier {route.tier.level}) — "
             f"{escalation.reason_label.lower()}: {ask[:300]}",
        data={"escalation": escalation.pk, "to_team": route.to_team.pk,
              "reason": reason, "requested_spend": str(spend) if spend is not None else None})
    notify_target(escalation, idea, actor, further=False)
    return escalation


def _check_expected(route: Route, expected_to_team_id) -> None:
    if expected_to_team_id and int(expected_to_team_id) != route.to_team.pk:
        raise Conflict(
            f"The route changed since the preview: it now goes to {route.to_team.name} "
            f"(tier {route.tier.level}). Check and confirm again.",
            extra={"route": route.as_dict()})


# ---------------------------------------------------------------- acting on an escalation


@transaction.atomic
def escalation_acknowledge(*, escalation_id: int, actor: User) -> Escalation:
    """A member of the target team says "we have it". Of two at once, one wins (409)."""
    idea, escalation = _lock_escalation(escalation_id)
    _check_member_acts(actor, escalation, workflow.ACKNOWLEDGE)
    escalation.state = _check_action(escalation, workflow.ACKNOWLEDGE)
    escalation.acknowledged_by, escalation.acknowledged_at = actor, timezone.now()
    escalation.stalled_at = None
    escalation.save(update_fields=["state", "acknowledged_by", "acknowledged_at", "stalled_at",
                                   "updated_at"])
    record_event(idea=idea, actor=actor, verb="acknowledged",
                 text=f"{escalation.to_team.name} acknowledged the escalation.",
                 data={"escalation": escalation.pk})
    notify_down_the_chain(
        escalation, idea, actor, event="acknowledged",
        text=f"{escalation.to_team.name} acknowledged the escalation of {idea.title[:120]}")
    return escalation


def _close(escalation: Escalation, actor: User, state: str, now) -> None:
    escalation.state = state
    escalation.resolved_by, escalation.resolved_at = actor, now
    if escalation.acknowledged_at is None:  # deciding straight away acknowledges too
        escalation.acknowledged_by, escalation.acknowledged_at = actor, now
    escalation.stalled_at = None


def _decide(*, escalation_id: int, actor: User, action: str, decision: str,
            approved_spend=None) -> Escalation:
    idea, escalation = _lock_escalation(escalation_id)
    _check_member_acts(actor, escalation, action)
    state = _check_action(escalation, action, decision=decision)
    decision = clean_text(decision, field="decision", limit=DECISION_MAX,
                          message="A decision text is required.")
    spend = None
    if action == workflow.RESOLVE:
        spend = clean_spend(approved_spend, field="approved_spend")
        tier = escalation.to_team.tier
        if not can_approve(escalation.to_team, spend):
            raise DomainError(
                f"{escalation.to_team.name} (tier {tier.level}) may approve up to "
                f"{tier.authority_limit:,.0f}. Escalate further for a larger spend.",
                field="approved_spend")
    _close(escalation, actor, state, timezone.now())
    escalation.decision, escalation.approved_spend = decision, spend
    escalation.save()

    team = escalation.to_team.name
    if action == workflow.RESOLVE:
        approved = f" (approved spend {spend:,.2f})" if spend is not None else ""
        note = f"Resolved by {team}{approved}: {decision}"
        verb, said = "resolved", "resolved"
    else:
        note = f"Returned by {team} with guidance: {decision}"
        verb, said = "returned", "returned with guidance"
    idea_set_waiting(idea_id=idea.pk, team=None, actor=actor, decision=note)
    record_event(idea=idea, actor=actor, verb=verb, text=note,
                 data={"escalation": escalation.pk, "approved_spend":
                       str(spend) if spend is not None else None})
    notify_down_the_chain(
        escalation, idea, actor, event=verb,
        text=f"{team} {said} the escalation of {idea.title[:100]}: {decision[:120]}")
    return escalation


@transaction.atomic
def escalation_resolve(*, escalation_id: int, actor: User, decision: str,
                       approved_spend=None) -> Escalation:
    """A lead of the target team decides; the decision goes back down to the origin team.

    ``approved_spend`` may not exceed the deciding tier's authority limit (the top tier has
    no ceiling but the sanity limit)."""
    return _decide(escalation_id=escalation_id, actor=actor, action=workflow.RESOLVE,
                   decision=decision, approved_spend=approved_spend)


@transaction.atomic
def escalation_return(*, escalation_id: int, actor: User, decision: str) -> Escalation:
    """A lead of the target team sends it back with guidance (the team can act itself)."""
    return _decide(escalation_id=escalation_id, actor=actor, action=workflow.RETURN,
                   decision=decision)


@transaction.atomic
def escalation_escalate_further(*, escalation_id: int, actor: User, ask: str,
                                reason: str = "", requested_spend=None,
                                expected_to_team_id: int | None = None, options: str = "",
                                recommendation: str = "") -> Escalation:
    """The team holding the escalation passes it up: this step closes as ``escalated`` and a
    child step opens from the holder to the next team the routing picks (same SLA rules).
    A cross-team conflict keeps its other team; reaching the top tier needs ``options`` and a
    ``recommendation``."""
    idea, escalation = _lock_escalation(escalation_id)
    _check_member_acts(actor, escalation, workflow.ESCALATE)
    _check_action(escalation, workflow.ESCALATE)
    reason = clean_reason(reason or escalation.reason)
    ask = clean_ask(ask)
    spend = clean_spend(requested_spend, field="requested_spend")
    if spend is None:
        spend = escalation.requested_spend
    now = timezone.now()
    holder = escalation.to_team
    other = escalation.other_team if reason == Escalation.Reason.CROSS_TEAM else None
    route = plan_route(origin=holder, idea=idea, reason=reason,
                       spend=effective_spend(spend, idea), now=now, other_team=other)
    options, recommendation = clean_structured(route, options, recommendation)
    _check_expected(route, expected_to_team_id)
    _close(escalation, actor, Escalation.State.ESCALATED, now)
    escalation.save()  # frees the one-active-per-idea slot for the child
    child = _create(
        idea=idea, parent=escalation, from_team=holder, to_team=route.to_team, reason=reason,
        ask=ask, requested_spend=spend, route_note=route.note[:300], raised_by=actor,
        raised_at=now, due_ack_at=route.due_ack_at, due_resolve_at=route.due_resolve_at,
        options=options, recommendation=recommendation, other_team=other)
    chain_teams = {t.pk: t for step in chain_of(child) for t in (step.from_team, step.to_team)}
    if other is not None:
        chain_teams[other.pk] = other
    idea_set_waiting(idea_id=idea.pk, team=route.to_team, actor=actor,
                     share_with=list(chain_teams.values()))
    record_event(
        idea=idea, actor=actor, verb="escalated_further",
        text=f"{holder.name} escalated further to {route.to_team.name} "
             f"(tier {route.tier.level}): {ask[:300]}",
        data={"escalation": child.pk, "parent": escalation.pk, "to_team": route.to_team.pk})
    notify_target(child, idea, actor, further=True)
    return child


# ---------------------------------------------------------------- cross-team views


@transaction.atomic
def escalation_view_set(*, escalation_id: int, actor: User, text: str,
                        team_id: int | None = None) -> ConflictView:
    """One team's view of a cross-team conflict (the origin team's or the other team's), added
    or replaced by a member of that team while the escalation is active. Kept on the chain's
    first step so it follows the conflict up the tiers. ``team_id`` picks the side when the
    actor belongs to both teams. Locks the escalation: a view cannot slip in after the
    decision."""
    idea, escalation = _lock_escalation(escalation_id)
    if not escalation.other_team_id:
        raise DomainError("Only cross-team escalations collect the teams' views.",
                          code="not_cross_team")
    root = chain_of(escalation)[0]
    sides = view_sides(actor, root, escalation)
    if not sides:
        raise Forbidden(f"Only members of {root.from_team.name} or "
                        f"{escalation.other_team.name} give their team's view.")
    if team_id not in (None, ""):
        team = next((t for t in sides if str(t.pk) == str(team_id)), None)
        if team is None:
            raise DomainError("You can give the view of your own team in this conflict only.",
                              field="team")
    elif len(sides) > 1:
        raise DomainError("You belong to both teams: choose which team's view this is.",
                          field="team")
    else:
        team = sides[0]
    if not escalation.is_active:
        raise Conflict("This escalation is already decided: the views are closed.",
                       extra={"state": escalation.state})
    text = clean_text(text, field="text", limit=VIEW_MAX,
                      message=f"Write {team.name}'s view of the conflict.")
    view, created = ConflictView.objects.update_or_create(
        escalation=root, team=team, defaults={"text": text, "author": actor})
    record_event(idea=idea, actor=actor, verb="conflict_view",
                 text=f"{team.name} {'gave' if created else 'updated'} its view of the "
                      f"cross-team conflict: {text[:300]}",
                 data={"escalation": escalation.pk, "team": team.pk})
    notify_view(escalation, idea, actor, team, view)
    return view
