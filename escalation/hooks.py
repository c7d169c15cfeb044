"""What escalation adds to other apps' pages, registered in EscalationConfig.ready():
the Escalation panel on the item page, badges on cards and rows, two "My work" panels and the
check that keeps a team with open escalations from being deactivated."""

from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea
from org.errors import DomainError

from . import selectors, workflow
from .models import Escalation
from .permissions import available_actions, can_raise
from .routing import check_can_escalate_from

HOME_LIMIT = 8


def idea_panel(request, idea: Idea) -> dict | None:
    """The escalation chain(s) of the item and, when it can be escalated, the Escalate button."""
    user = request.user
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
    if not chains and not may_raise:
        return None
    needs_approval = bool(
        idea.required_spend is not None
        and idea.required_spend > idea.team.tier.authority_limit
        and not any(s.state == workflow.RESOLVED and s.approved_spend is not None
                    and s.approved_spend >= idea.required_spend
                    for chain in chains for s in chain))
    return {
        "template": "escalation/_idea_panel.html",
        "context": {
            "idea": idea,
            "chains": chains,
            "active": active,
            "active_actions": available_actions(user, active) if active else [],
            "may_raise": may_raise,
            "blocked": blocked,
            "needs_approval": needs_approval,
            "escalate_url": f"{reverse('escalation:new')}?idea={idea.pk}",
        },
    }


def card_badges(ideas: list) -> dict[int, list[dict]]:
    """The escalation's state and SLA on items with an active escalation; one query."""
    ids = [i.pk for i in ideas]
    if not ids:
        return {}
    rows = (Escalation.objects.filter(idea_id__in=ids, state__in=workflow.ACTIVE)
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
    items = list(qs[:HOME_LIMIT])
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
    items = list(qs[:HOME_LIMIT])
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
