"""/api/v1/scorecards/organisation/, /tiers/{level}/, /teams/{id}/ and /executive/ — the same
selectors and permission rules as the pages. 400 for a bad period, 403 for a scope the caller may not see,
404 for an unknown tier or team."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import Forbidden
from core.periods import Period, parse_period
from org.models import Tier

from .. import executive as executive_card
from .. import selectors
from ..definitions import BY_KEY, TABLE_COLUMNS
from ..permissions import access_team, can_view_organisation, check_organisation
from .executive_serializers import ExecutiveScorecardSerializer
from .serializers import ScorecardPeriodInputSerializer, ScorecardSerializer

PARAMS = [
    OpenApiParameter("period", str, description="week, month (30 days), quarter (91 days) or "
                                                 "custom; default month"),
    OpenApiParameter("from", str, description="YYYY-MM-DD, custom periods only"),
    OpenApiParameter("to", str, description="YYYY-MM-DD, the last day (default: yesterday)"),
]


def _period(request: Request) -> Period:
    data = ScorecardPeriodInputSerializer(data=request.query_params)
    if not data.is_valid():
        raise ValidationError(data.errors)
    v = data.validated_data
    return parse_period(v["period"], v.get("from"), v.get("to"))


def _payload(card: selectors.Scorecard) -> dict:
    targets = selectors.Targets()
    metrics = []
    for tile in card.tiles:
        metrics.append({
            "key": tile.metric.key, "label": tile.metric.label, "unit": tile.metric.unit,
            "group": tile.group, "value": tile.value, "status": tile.status,
            "target": {"direction": tile.metric.direction, "green": tile.green,
                       "amber": tile.amber, "upper": tile.upper},
            "items_url": tile.drill_url,
        })
    rows = [{
        "kind": row.scope[0], "id": row.scope[1], "name": row.label,
        "values": {key: row.values.get(key) for key in TABLE_COLUMNS},
        "status": {key: targets.status(key, row.values.get(key), row.level)
                   for key in TABLE_COLUMNS if key in BY_KEY},
    } for row in card.rows]
    trend = {key: [{"date": d.isoformat(), "value": v} for d, v in points]
             for key, points in card.trend.items() if key in BY_KEY and BY_KEY[key].tile}
    return {
        "scope": {"kind": card.kind, "id": card.scope_id, "name": card.title,
                  "tier": card.level},
        "period": {"kind": card.period.kind, "from": card.period.start.isoformat(),
                   "to": card.period.end.isoformat(), "days": card.period.days},
        "source": card.source,
        "metrics": metrics,
        "groups": [{"key": g["key"], "label": g["label"],
                    "metrics": [t.metric.key for t in g["tiles"]]} for g in card.groups],
        "values": card.values,
        "rows": rows,
        "trend": trend,
    }


class OrganisationScorecardView(APIView):
    @extend_schema(parameters=PARAMS, responses=ScorecardSerializer,
                   summary="The organisation's scorecard (executives and admins)")
    def get(self, request: Request) -> Response:
        check_organisation(request.user)
        period = _period(request)
        return Response(_payload(selectors.scorecard("org", period=period)))


class TierScorecardView(APIView):
    @extend_schema(parameters=PARAMS, responses=ScorecardSerializer,
                   summary="One tier's scorecard with its teams (executives and admins)")
    def get(self, request: Request, level: int) -> Response:
        tier = Tier.objects.filter(level=level).first()
        if tier is None:
            raise Http404("No such tier.")
        check_organisation(request.user)
        period = _period(request)
        return Response(_payload(selectors.scorecard("tier", period=period, scope_id=level,
                                                     tier=tier)))


class TeamScorecardView(APIView):
    @extend_schema(parameters=PARAMS, responses=ScorecardSerializer,
                   summary="A team's scorecard (its members, the teams above it, executives)")
    def get(self, request: Request, id: int) -> Response:  # noqa: A002 (the documented name)
        team = access_team(request.user, pk=id)
        period = _period(request)
        return Response(_payload(selectors.scorecard("team", period=period, team=team)))


def _float(value):
    return None if value is None else float(value)


def _executive_payload(card: executive_card.ExecutiveScorecard) -> dict:
    return {
        "period": {"kind": card.period.kind, "from": card.period.start.isoformat(),
                   "to": card.period.end.isoformat(), "days": card.period.days},
        "figures": [{
            "key": t.figure.key, "label": t.figure.label, "unit": t.figure.unit,
            "value": t.value, "help": t.figure.help, "url": t.url,
            "trend": [{"date": d.isoformat(), "value": v} for d, v in t.series],
        } for t in card.tiles],
        "values": card.values,
        "clarity": card.clarity,
        "shortfalls": [{"id": s.priority.pk, "title": s.priority.title, "url": s.url,
                        "lacks": s.lacks} for s in card.shortfalls],
        "stability": card.stability,
        "cycles": [{"start": c["start"].isoformat(), "end": c["end"].isoformat(),
                    "changes": c["changes"], "churn": c["churn"]} for c in card.cycles],
        "coverage": {"teams": card.coverage["teams"], "covered": card.coverage["covered"],
                     "share": card.coverage["share"],
                     "uncovered": card.coverage["uncovered_ids"]},
        "decisions": card.decisions,
        "systemic_issues": [{
            "id": i.pk, "title": i.title, "url": i.url, "owner_team": i.owner_team.name,
            "problems": i.problem_count, "trend": i.trend,
            "per_month": [{"month": p["month"].strftime("%Y-%m"), "count": p["count"]}
                          for p in i.series],
        } for i in card.issues],
        "capacity": {"protected": float(card.capacity["protected"]),
                     "used": float(card.capacity["used"]), "share": card.capacity["share"],
                     "teams": card.capacity["teams"],
                     "with_capacity": card.capacity["with_capacity"],
                     "sacrificing": card.capacity["sacrificing"],
                     "slack": float(card.capacity["slack"]),
                     "sacrificed": float(card.capacity["sacrificed"])},
        "capacity_tiers": [{
            "tier": r["tier"].level, "name": r["tier"].name, "teams": r["teams"],
            "with_capacity": r["with_capacity"], "protected": float(r["protected"]),
            "used": float(r["used"]),
            "share": None if r["percent"] is None else round(float(r["used"] / r["protected"]),
                                                             4),
            "sacrificing": r["sacrificing"],
            "slack": float(r["slack"]), "sacrificed": float(r["sacrificed"]),
        } for r in card.capacity_tiers],
    }


class ExecutiveScorecardView(APIView):
    @extend_schema(parameters=PARAMS, responses=ExecutiveScorecardSerializer,
                   summary="The executive scorecard: clarity, stability, constraint coverage, "
                           "top-tier decisions, systemic issues, capacity honoured (the "
                           "executive team and admins)")
    def get(self, request: Request) -> Response:
        if not can_view_organisation(request.user):
            raise Forbidden("The executive scorecard is for the executive team and admins.")
        period = _period(request)
        card = executive_card.executive_scorecard(request.user, period=period)
        return Response(_executive_payload(card))
