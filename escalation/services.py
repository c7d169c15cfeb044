"""Every write to escalations: raise, acknowledge, resolve, return, escalate further.

Each service runs in one transaction and locks the idea row first (``select_for_update`` on
``ideas.Idea``), then the escalation row: two people raising, acknowledging or deciding at the
same moment are serialised, and the second one finds the state changed and gets a Conflict
(HTTP 409). The partial unique constraint ``escalation_one_active_per_idea`` backs this up in
the database. Side effects — the item waiting on the target team (``idea_set_waiting``), the
timeline (``record_event``) and notifications (``notify``, after commit, once per event) — happen
inside the same transaction, so a refused action leaves nothing half-done.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from ideas.models import Idea
from ideas.services import idea_set_waiting, record_event
from org.models import Team, User
from org.notifications import notify
from org.permissions import is_member
from org.selectors import team_leads

from . import workflow
from .models import MAX_SPEND, ConflictView, Escalation
from .permissions import can_acknowledge, can_decide, can_raise, view_sides
from .routing import Route, check_other_team, effective_spend, plan_route
from .selectors import active_escalation_of

ASK_MAX = 5000
DECISION_MAX = 5000


# ---------------------------------------------------------------- checks


def clean_spend(value, *, field: str) -> Decimal | None:
    """None, or a sane amount of money: not negative, not absurd, at most two decimals."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError("Enter an amount of money, e.g. 2500.", field=field)
    if not amount.is_finite():
        raise DomainError("Enter an amount of money, e.g. 2500.", field=field)
    if amount < 0:
        raise DomainError("A spend cannot be negative.", field=field)
    if amount > MAX_SPEND:
        raise DomainError(f"{amount:,.0f} is not a realistic spend (at most {MAX_SPEND:,.0f}).",
                          field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError("Use at most two decimal places.", field=field)
    return amount.quantize(Decimal("0.01"))


def _clean_reason(reason: str) -> str:
    if reason not in Escalation.Reason.values:
        raise DomainError("Choose why you escalate: authority, resources, knowledge or "
                          "cross-team.", field="reason")
    return reason


def _clean_text(text: str, *, field: str, limit: int, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(message, field=field)
    if len(text) > limit:
        raise DomainError(f"Keep it under {limit} characters.", field=field)
    return text


def _clean_ask(ask: str) -> str:
    return _clean_text(ask, field="ask", limit=ASK_MAX,
                       message="Say what help you need: the ask is required.")


def _clean_structured(route: Route, options: str, recommendation: str) -> tuple[str, str]:
    """At the top tier the escalation is structured: the options considered and a
    recommendation are required (both reported at once). Below it they are optional."""
    options, recommendation = (options or "").strip(), (recommendation or "").strip()
    errors: dict[str, list[str]] = {}
    for name, value, label in (("options", options, "the options you considered"),
                               ("recommendation", recommendation, "your recommendation")):
        if len(value) > ASK_MAX:
            errors[name] = [f"Keep it under {ASK_MAX} characters."]
        elif route.top_tier and not value:
            errors[name] = [f"{route.to_team.name} is the top tier: escalations reaching it "
                            f"are structured — give {label}."]
    if errors:
        first = next(iter(errors))
        raise DomainError(
            "Escalations to the top tier need the options considered and a recommendation."
            if route.top_tier else errors[first][0],
            field=first, code="structured", extra={"errors": errors})
    return options, recommendation


def _other_team(origin: Team, reason: str, other_team_id) -> Team | None:
    """The other team of a cross-team conflict (required for that reason, ignored otherwise)."""
    if reason != Escalation.Reason.CROSS_TEAM:
        return None
    other = None
    if other_team_id not in (None, ""):
        other = Team.objects.select_related("tier").filter(
            pk=other_team_id if str(other_team_id).isdigit() else None).first()
        if other is None:
            raise DomainError("No such team.", field="other_team")
    return check_other_team(origin, other)


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
    if e.state == workflow.ACKNOWLEDGED:
        who = e.acknowledged_by.name if e.acknowledged_by_id else "someone"
        return (f"{who} already acknowledged this escalation at "
                f"{timezone.localtime(e.acknowledged_at):%H:%M}.")
    who = e.resolved_by.name if e.resolved_by_id else "someone"
    return (f"This escalation is already closed: {workflow.LABELS[e.state].lower()} by {who} "
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


# ---------------------------------------------------------------- urls and people


def escalation_url(escalation: Escalation) -> str:
    return reverse("escalation:detail", args=[escalation.pk])


def idea_url(idea_id: int) -> str:
    try:
        return reverse("ideas:detail", args=[idea_id])
    except NoReverseMatch:  # pragma: no cover - the ideas pages are always installed
        return f"/ideas/{idea_id}/"


def _chain_of(escalation: Escalation) -> list[Escalation]:
    """The steps from the root to this one (a few rows; chains are short)."""
    steps = [escalation]
    while steps[-1].parent_id and len(steps) < 50:
        steps.append(Escalation.objects.select_related("from_team", "to_team")
                     .get(pk=steps[-1].parent_id))
    return list(reversed(steps))


def _down_the_chain(idea: Idea, chain: list[Escalation]) -> set[int]:
    """Who hears a decision: the leads of every team that escalated on this chain, the reporter
    and the item's owner."""
    ids = {idea.reporter_id, idea.owner_id}
    for step in chain:
        ids |= set(team_leads(step.from_team_id).values_list("pk", flat=True))
    # a cross-team conflict is decided for both teams: the other team's leads hear it too
    for other_id in {step.other_team_id for step in chain if step.other_team_id}:
        ids |= set(team_leads(other_id).values_list("pk", flat=True))
    return {i for i in ids if i}


def _notify_target(escalation: Escalation, idea: Idea, actor: User, *, further: bool) -> None:
    origin = escalation.from_team.name
    text = (f"{origin} escalated further to {escalation.to_team.name}: {idea.title[:120]}"
            if further else f"{origin} escalated to {escalation.to_team.name}: {idea.title[:140]}")
    notify(recipients=team_leads(escalation.to_team_id), actor=actor, verb="escalation",
           text=text, url=escalation_url(escalation), target=escalation,
           event_key=f"escalation:{escalation.pk}:raised")
    if escalation.other_team_id and not further:
        notify(recipients=team_leads(escalation.other_team_id), actor=actor, verb="escalation",
               text=f"{origin} raised a cross-team conflict with {escalation.other_team.name} "
                    f"to {escalation.to_team.name}: {idea.title[:100]} — add your team's view.",
               url=escalation_url(escalation), target=escalation,
               event_key=f"escalation:{escalation.pk}:named")


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
    other = _other_team(idea.team, reason or "", other_team_id)
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
    return plan_route(origin=escalation.to_team, idea=escalation.idea, reason=reason,
                      spend=effective_spend(spend, escalation.idea),
                      other_team=escalation.other_team if reason == "cross_team" else None)


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
    reason = _clean_reason(reason)
    ask = _clean_ask(ask)
    spend = clean_spend(requested_spend, field="requested_spend")
    other = _other_team(idea.team, reason, other_team_id)
    now = timezone.now()
    route = plan_route(origin=idea.team, idea=idea, reason=reason,
                       spend=effective_spend(spend, idea), now=now, other_team=other)
    options, recommendation = _clean_structured(route, options, recommendation)
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
    _notify_target(escalation, idea, actor, further=False)
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
    chain = _chain_of(escalation)
    notify(recipients=_down_the_chain(idea, chain), actor=actor, verb="escalation",
           text=f"{escalation.to_team.name} acknowledged the escalation of {idea.title[:120]}",
           url=idea_url(idea.pk), target=escalation,
           event_key=f"escalation:{escalation.pk}:acknowledged")
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
    decision = _clean_text(decision, field="decision", limit=DECISION_MAX,
                           message="A decision text is required.")
    spend = None
    if action == workflow.RESOLVE:
        spend = clean_spend(approved_spend, field="approved_spend")
        tier = escalation.to_team.tier
        if spend is not None and spend > tier.authority_limit and escalation.to_team.parent_id:
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
    chain = _chain_of(escalation)
    notify(recipients=_down_the_chain(idea, chain), actor=actor, verb="escalation",
           text=f"{team} {said} the escalation of {idea.title[:100]}: {decision[:120]}",
           url=idea_url(idea.pk), target=escalation,
           event_key=f"escalation:{escalation.pk}:{verb}")
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
    reason = _clean_reason(reason or escalation.reason)
    ask = _clean_ask(ask)
    spend = clean_spend(requested_spend, field="requested_spend")
    if spend is None:
        spend = escalation.requested_spend
    now = timezone.now()
    holder = escalation.to_team
    other = escalation.other_team if reason == Escalation.Reason.CROSS_TEAM else None
    route = plan_route(origin=holder, idea=idea, reason=reason,
                       spend=effective_spend(spend, idea), now=now, other_team=other)
    options, recommendation = _clean_structured(route, options, recommendation)
    _check_expected(route, expected_to_team_id)
    _close(escalation, actor, workflow.ESCALATED, now)
    escalation.save()  # frees the one-active-per-idea slot for the child
    child = _create(
        idea=idea, parent=escalation, from_team=holder, to_team=route.to_team, reason=reason,
        ask=ask, requested_spend=spend, route_note=route.note[:300], raised_by=actor,
        raised_at=now, due_ack_at=route.due_ack_at, due_resolve_at=route.due_resolve_at,
        options=options, recommendation=recommendation, other_team=other)
    chain_teams = {t.pk: t for step in _chain_of(child) for t in (step.from_team, step.to_team)}
    if other is not None:
        chain_teams[other.pk] = other
    idea_set_waiting(idea_id=idea.pk, team=route.to_team, actor=actor,
                     share_with=list(chain_teams.values()))
    record_event(
        idea=idea, actor=actor, verb="escalated_further",
        text=f"{holder.name} escalated further to {route.to_team.name} "
             f"(tier {route.tier.level}): {ask[:300]}",
        data={"escalation": child.pk, "parent": escalation.pk, "to_team": route.to_team.pk})
    _notify_target(child, idea, actor, further=True)
    return child


# ---------------------------------------------------------------- cross-team views


VIEW_MAX = 5000


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
    root = _chain_of(escalation)[0]
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
    text = _clean_text(text, field="text", limit=VIEW_MAX,
                       message=f"Write {team.name}'s view of the conflict.")
    view, created = ConflictView.objects.update_or_create(
        escalation=root, team=team, defaults={"text": text, "author": actor})
    record_event(idea=idea, actor=actor, verb="conflict_view",
                 text=f"{team.name} {'gave' if created else 'updated'} its view of the "
                      f"cross-team conflict: {text[:300]}",
                 data={"escalation": escalation.pk, "team": team.pk})
    notify(recipients=team_leads(escalation.to_team_id), actor=actor, verb="escalation",
           text=f"{team.name} gave its view on the conflict about {idea.title[:120]}",
           url=escalation_url(escalation), target=escalation,
           event_key=f"escalation:{escalation.pk}:view:{team.pk}:{view.updated_at:%Y%m%d%H%M%S%f}")
    return view


# ---------------------------------------------------------------- hooks


def open_escalation_guard(*, idea: Idea, to: str, actor=None, **details) -> None:
    """Registered as an ideas transition guard: an item cannot be closed (done, declined,
    parked) while a higher team is working on its escalation — nobody is left answering a
    question that was withdrawn silently. The holding team returns it, then it can close."""
    if to not in ("done", "declined", "parked"):
        return
    active = active_escalation_of(idea.pk)
    if active is not None:
        raise Conflict(
            f"This item is escalated to {active.to_team.name}; it cannot be closed until they "
            "resolve it or return it. Ask them to return it if you no longer need help.",
            code="escalated", extra={"escalation_url": escalation_url(active)})


def authority_guard(*, idea: Idea, to: str, actor=None, **details) -> None:
    """Registered as an ideas transition guard: an item whose required spend is above its
    team's authority limit cannot start (move to in progress) — on the item page, the board or
    the API — until an escalation approving at least that spend has been resolved."""
    if to != "in_progress" or idea.required_spend is None:
        return
    team = Team.objects.select_related("tier").get(pk=idea.team_id)
    limit = team.tier.authority_limit
    needed = idea.required_spend
    if needed <= limit:
        return
    decided = list(Escalation.objects.filter(idea_id=idea.pk, state=workflow.RESOLVED)
                   .values_list("approved_spend", flat=True))
    if any(a is not None and a >= needed for a in decided):
        return
    best = max((a for a in decided if a is not None), default=None)
    active = active_escalation_of(idea.pk)
    message = (f"This item needs a spend of {needed:,.2f}, above {team.name}'s authority limit "
               f"of {limit:,.2f} (tier {team.tier.level}); it cannot start until an escalation "
               "approving that spend is resolved.")
    if best is not None:
        message += f" The spend approved so far is {best:,.2f}."
    extra = {"required_spend": str(needed), "authority_limit": str(limit)}
    if active is not None:
        message += f" It is escalated to {active.to_team.name}: wait for their decision."
        extra["escalation_url"] = escalation_url(active)
    else:
        message += " Escalate it for approval."
        extra["escalate_url"] = f"{reverse('escalation:new')}?idea={idea.pk}"
    raise DomainError(message, code="authority_limit", extra=extra)
