"""What escalation adds to other apps' pages, registered in EscalationConfig.ready():
the Escalation panel on the item page and on a systemic issue's page, badges on cards and rows,
the escalation state of items for other apps' API, two "My work" panels and the check that
keeps a team with open escalations from being deactivated."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from ideas.models import Idea
from ideas.permissions import can_view
from systemic.permissions import can_edit_systemic_issue

from . import selectors
from .authority import needs_approval
from .models import Escalation
from .permissions import available_actions, can_raise
from .routing import check_can_escalate_from

HOME_LIMIT = 8


def idea_panel(request, idea: Idea) -> dict | None:
    """The escalation chain(s) of the item and, when it can be escalated, the Escalate button."""
    context = _escalation_context(request.user, idea)
    if not context["chains"] and not context["may_raise"]:
        return None
    return {"template": "escalation/_idea_panel.html", "context": context}


def _escalation_context(user, idea: Idea, *, back: str = "") -> dict:
    """An item's chains, its active step and whether this user may escalate it now (or why
    not): what the item page and a systemic issue's page both show. ``back``: where the
    escalate form returns to once raised (else the new escalation's page)."""
    chains = selectors.idea_chains(idea)
    active = next((step for chain in chains for step in chain if step.is_active), None)
    may_raise = False
    blocked = ""
    if active is None and idea.is_open and can_raise(user, idea):
        try:
            check_can_escalate_from(idea.team)
            may_raise = True
        except DomainError as exc:  # the top tier decides itself
            blocked = exc.message
    approved = [s.approved_spend for chain in chains for s in chain
                if s.state == Escalation.State.RESOLVED]
    query = {"idea": idea.pk, "next": back} if back else {"idea": idea.pk}
    return {
        "idea": idea,
        "chains": chains,
        "active": active,
        "active_actions": available_actions(user, active) if active else [],
        "may_raise": may_raise,
        "blocked": blocked,
        "needs_approval": needs_approval(idea.required_spend, idea.team.tier, approved),
        "escalate_url": f"{reverse('escalation:new')}?{urlencode(query)}",
    }


def systemic_panel(request, issue) -> dict | None:
    """On a systemic issue's page: the escalation of its tracking item, with the same rules as
    the item page (``idea_panel``), and an Escalate button that comes back to the issue. With
    no tracking item yet, the owner team's leads who could escalate it start it and escalate in
    one action. A tracking item the viewer may not see shows nothing (its title stays unsaid).
    """
    user = request.user
    back = reverse("systemic:detail", args=[issue.pk])
    idea = issue.tracking_idea
    if idea is not None:
        if not can_view(user, idea):
            return None
        context = _escalation_context(user, idea, back=back)
        chains = context["chains"]
        context.update({"issue": issue, "start": False,
                        "latest": chains[0][-1] if chains else None})
        return {"template": "escalation/_systemic_panel.html", "context": context}
    # The tracking item will be in the owner team: whoever may start it and could then raise
    # an escalation from that team sees the one-step action.
    may_start = can_edit_systemic_issue(user, issue) and can_raise(
        user, Idea(team_id=issue.owner_team_id))
    if not may_start:
        return None
    try:
        check_can_escalate_from(issue.owner_team)
    except DomainError:
        return None
    return {"template": "escalation/_systemic_panel.html",
            "context": {"issue": issue, "start": True, "idea": None, "chains": [],
                        "active": None, "may_raise": False}}


def escalation_states(idea_ids: list[int]) -> dict[int, dict]:
    """The latest escalation step of each item (the open one while escalated); one query."""
    rows = (Escalation.objects.filter(idea_id__in=idea_ids).select_related("to_team")
            .order_by("idea_id", "-raised_at", "-id").distinct("idea_id"))
    return {e.idea_id: {"id": e.pk, "state": e.state, "state_label": e.get_state_display(),
                        "active": e.is_active, "to_team": e.to_team, "raised_at": e.raised_at}
            for e in rows}


def card_badges(ideas: list) -> dict[int, list[dict]]:
    """The escalation's state and SLA on items with an active escalation; one query."""
    ids = [i.pk for i in ideas]
    if not ids:
        return {}
    rows = (Escalation.objects.filter(idea_id__in=ids, state__in=Escalation.ACTIVE_STATES)
            .select_related("to_team"))
    out: dict[int, list[dict]] = {}
    for esc in rows:
        sla = esc.sla()
        if esc.stalled_at:
            label, css = "Escalation stalled", "chip-bad"
        elif sla["code"] == "overdue":
            label, css = "Escalation overdue", "chip-bad"
        else:
            label = f"Escalation {esc.get_state_display().lower()}"
            css = esc.state_css
        title = (f"Escalated to {esc.to_team.name}: {esc.get_state_display().lower()}, "
                 f"{sla['label']} (due {timezone.localtime(sla['due']):%d %b %H:%M})")
        out.setdefault(esc.idea_id, []).append({"label": label, "title": title, "css": css,
                                                "url": reverse("escalation:detail",
                                                               args=[esc.pk])})
    return out


def home_awaiting(request) -> dict | None:
    """My work: escalations waiting on my teams, the next deadline first."""
    qs = selectors.awaiting_my_teams(request.user)
    items = selectors.first_rows(qs, HOME_LIMIT)
    if not items:
        return None
    count = len(items) if len(items) < HOME_LIMIT else qs.count()
    return {
        "title": "Escalations awaiting my teams",
        "template": "escalation/_home_panel.html",
        "context": {"key": "awaiting", "items": items, "count": count,
                    "more_url": reverse("escalation:inbox")},
    }


def home_decisions(request) -> dict | None:
    """My work: decisions taken in the last 30 days on items I reported or own."""
    qs = selectors.decisions_on_my_items(request.user)
    items = selectors.first_rows(qs, HOME_LIMIT)
    if not items:
        return None
    return {
        "title": "Decisions on my items",
        "template": "escalation/_home_panel.html",
        "context": {"key": "decisions", "items": items, "count": len(items)},
    }


def open_escalations_check(team) -> str | None:
    n = selectors.team_active_counts(team.pk)
    return f"{n} open escalation{'s' if n != 1 else ''} sent to it" if n else None
