"""The items behind a number: the scope and figure a drill-down link names, and the items
the asking user may see (private items count in a figure but never show in its list)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.dates import day_bounds
from core.params import parse_int
from core.periods import Period
from escalation.models import Escalation
from escalation.selectors import overdue_q
from experiments.selectors import evidence_q
from holdcheck.models import HoldCheck
from ideas.models import Idea
from ideas.selectors import ideas_visible_to, with_card_data
from org.models import Team, Tier

from ..definitions import LEVELS
from .importance import ranked
from .links import scope_param_of
from .method_drills import METHOD_DRILLS, method_items

DRILLS = {
    "submitted": "Logged in the period",
    "implemented": "Done in the period",
    "solved_at_tier": "Done in the period without escalation",
    "aging": "Aging now (no activity beyond the tier's threshold)",
    "escalations_open": "Waiting on an escalation to these teams",
    "escalations_stalled": "Escalation to these teams stalled (past its SLA)",
    "escalations_acknowledged": "Escalations acknowledged in the period",
    "escalations_decided": "Escalations decided in the period (resolved or returned)",
    "important": "Most important open problems",
    "level_team": "Logged in the period at team level",
    "level_cross_team": "Logged in the period at cross-team level",
    "level_system": "Logged in the period at system level",
    "evidence": "Done in the period with evidence (an experiment decided or a KPI movement)",
    "no_evidence": "Done in the period without evidence",
    **METHOD_DRILLS,
    "held_checked": "Checked \"did it hold?\" in the period",
}


@dataclass(frozen=True)
class DrillScope:
    kind: str
    scope_id: int
    label: str
    team: Team | None = None
    tier: Tier | None = None

    @property
    def param(self) -> str:
        return scope_param_of(self.kind, self.scope_id, self.team)

    def team_filter(self, field: str = "team") -> Q:
        if self.kind == "org":
            return Q()
        if self.kind == "tier":
            return Q(**{f"{field}__tier__level": self.scope_id})
        return Q(**{f"{field}_id": self.scope_id})


def parse_scope(value: str) -> DrillScope:
    """``org``, ``tier:<level>`` or ``team:<slug>``; 404 for what does not exist."""
    value = (value or "org").strip()
    if value == "org":
        return DrillScope("org", 0, "Organisation")
    kind, _, ref = value.partition(":")
    if kind == "tier":
        tier = Tier.objects.filter(level=parse_int(ref, low=1, high=32767) or -1).first()
        if tier is None:
            raise Http404("No such tier.")
        return DrillScope("tier", tier.level, f"Tier {tier.level} · {tier.name}", tier=tier)
    if kind == "team":
        team = Team.objects.select_related("tier").filter(slug=ref).first()
        if team is None:
            raise Http404("No such team.")
        return DrillScope("team", team.pk, team.name, team=team)
    raise Http404("No such scope.")


def drill_items(user, scope: DrillScope, drill: str, period: Period, *, category: str = "",
                kind: str = "", now: datetime | None = None) -> QuerySet[Idea]:
    """The items behind a number, as the user may see them (private items stay hidden)."""
    now = now or timezone.now()
    lo, hi = day_bounds(period.start, period.end)
    qs = with_card_data(ideas_visible_to(user))
    if drill.startswith("escalations_"):
        esc = Escalation.objects.filter(idea_id=OuterRef("pk")).filter(
            scope.team_filter("to_team"))
        if drill == "escalations_open":
            esc = esc.filter(state__in=Escalation.ACTIVE_STATES)
        elif drill == "escalations_stalled":
            esc = esc.filter(overdue_q(now))
        elif drill == "escalations_acknowledged":
            esc = esc.filter(acknowledged_at__gte=lo, acknowledged_at__lt=hi)
        else:
            esc = esc.filter(state__in=Escalation.DECIDED_STATES, resolved_at__gte=lo,
                             resolved_at__lt=hi)
        qs = qs.filter(Exists(esc)).order_by("-last_activity_at", "-id")
    else:
        qs = qs.filter(scope.team_filter())
        done_in = Q(status=Idea.Status.DONE, done_at__gte=lo, done_at__lt=hi)
        if drill == "submitted":
            qs = qs.filter(created_at__gte=lo, created_at__lt=hi).order_by("-created_at", "-id")
        elif drill == "implemented":
            qs = qs.filter(done_in).order_by("-done_at", "-id")
        elif drill == "solved_at_tier":
            escalated = Escalation.objects.filter(idea_id=OuterRef("pk"), raised_at__lt=hi)
            qs = qs.filter(done_in).exclude(Exists(escalated)).order_by("-done_at", "-id")
        elif drill in LEVELS:
            qs = qs.filter(created_at__gte=lo, created_at__lt=hi,
                           level=drill.removeprefix("level_")).order_by("-created_at", "-id")
        elif drill == "evidence":
            qs = qs.filter(done_in).filter(evidence_q()).order_by("-done_at", "-id")
        elif drill == "no_evidence":
            qs = qs.filter(done_in).exclude(evidence_q()).order_by("-done_at", "-id")
        elif drill == "aging":
            qs = qs.filter(status__in=Idea.OPEN_STATUSES, aging_flagged_at__isnull=False
                           ).order_by("last_activity_at", "id")
        elif drill == "held_checked":
            qs = held_checked(qs, lo, hi)
        elif drill == "important":  # by the explained importance score (importance.py)
            qs = ranked(qs)
        elif drill in METHOD_DRILLS:
            qs = method_items(qs, drill, lo, hi)
        else:
            raise Http404("No such figure.")
    if category:
        qs = qs.filter(category=category)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def held_checked(qs: QuerySet[Idea], lo: datetime, hi: datetime) -> QuerySet[Idea]:
    """Items whose "did it hold?" check was answered between ``lo`` and ``hi``."""
    checked = HoldCheck.objects.filter(idea_id=OuterRef("pk"), answered_at__gte=lo,
                                       answered_at__lt=hi).exclude(answer="")
    return qs.filter(Exists(checked)).order_by("-last_activity_at", "-id")
