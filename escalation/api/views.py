"""/api/v1/escalations/ (+ acknowledge, resolve, return, escalate) and
/api/v1/ideas/{id}/escalate/ (with ``preview``). Thin: the services hold the rules."""

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import IdLookupMixin, validated
from core.filters import FilterSet, IdFilter
from ideas.permissions import access_idea
from org.selectors import user_team_ids

from .. import selectors, services
from ..feedback import answer_feedback_give
from ..models import AnswerFeedback, Escalation
from .serializers import (
    AnswerFeedbackInputSerializer,
    ConflictViewInputSerializer,
    DecisionInputSerializer,
    EscalateInputSerializer,
    EscalationDetailSerializer,
    EscalationRouteSerializer,
    EscalationSerializer,
    ResolveInputSerializer,
)

FEEDBACK_CHOICES = [("none", "Not rated yet"), *AnswerFeedback.Rating.choices]
STATE_CHOICES = [("active", "Open or acknowledged"), ("closed", "Closed"),
                 *Escalation.State.choices]


class EscalationFilter(FilterSet):
    state = django_filters.ChoiceFilter(choices=STATE_CHOICES, method="filter_state")
    team = IdFilter(method="filter_team", label="Team at either end (from or to)")
    to_team = IdFilter(field_name="to_team_id")
    other_team = IdFilter(field_name="other_team_id", label="Cross-team: the other team named")
    from_team = IdFilter(field_name="from_team_id")
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    mine = django_filters.BooleanFilter(method="filter_mine",
                                        label="Sent to one of my teams")
    reason = django_filters.ChoiceFilter(choices=Escalation.Reason.choices)
    idea = IdFilter(field_name="idea_id")
    feedback = django_filters.ChoiceFilter(choices=FEEDBACK_CHOICES, method="filter_feedback",
                                           label="Whether the answer helped (none: not rated)")

    class Meta:
        model = Escalation
        fields = ["state", "team", "to_team", "from_team", "other_team", "overdue", "mine",
                  "reason", "idea", "feedback"]

    def filter_feedback(self, qs, name, value):
        if value == "none":
            return qs.filter(feedback__isnull=True)
        return qs.filter(feedback__rating=value)

    def filter_state(self, qs, name, value):
        return selectors.filter_escalations(qs, state=value)

    def filter_team(self, qs, name, value):
        return qs.filter(Q(to_team_id=value) | Q(from_team_id=value) | Q(other_team_id=value))

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(selectors.overdue_q()) if value else qs.exclude(selectors.overdue_q())

    def filter_mine(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(to_team_id__in=list(user_team_ids(self.request.user)))


class EscalationViewSet(IdLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Escalations about the items you may see. Filters: state (a state, ``active`` or
    ``closed``), team (at either end or named in a conflict), to_team, from_team, other_team,
    overdue, mine (sent to my teams), reason, idea, feedback (whether the answer helped)."""

    filterset_class = EscalationFilter
    ordering_fields = ["raised_at", "due_ack_at", "due_resolve_at", "resolved_at"]

    def get_queryset(self):
        return selectors.with_row_data(
            selectors.escalations_visible_to(self.request.user)).select_related(
            "feedback", "feedback__rated_by").order_by("-raised_at", "-id")

    def get_serializer_class(self):
        return EscalationDetailSerializer if self.action == "retrieve" else EscalationSerializer

    def retrieve(self, request: Request, pk=None) -> Response:
        return self._fresh(self.get_object().pk)

    def _fresh(self, pk, code=status.HTTP_200_OK) -> Response:
        return Response(EscalationDetailSerializer(_detailed(self.get_queryset(), pk)).data,
                        status=code)

    @extend_schema(request=ConflictViewInputSerializer, responses=EscalationDetailSerializer)
    @action(detail=True, methods=["post"])
    def views(self, request: Request, pk=None) -> Response:
        """Cross-team conflicts: add or replace your team's view (members of the two teams,
        while the escalation is active)."""
        escalation = self.get_object()
        data = validated(ConflictViewInputSerializer, request.data)
        services.escalation_view_set(escalation_id=escalation.pk, actor=request.user,
                                     text=data.get("text", ""), team_id=data.get("team"))
        return self._fresh(escalation.pk)

    @extend_schema(request=AnswerFeedbackInputSerializer, responses=EscalationDetailSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request: Request, pk=None) -> Response:
        """Did the answer help? The team that raised it (the chain's origin team or the team
        that raised the step) says so once the step is resolved or returned: 409 before."""
        escalation = self.get_object()
        data = validated(AnswerFeedbackInputSerializer, request.data)
        answer_feedback_give(escalation_id=escalation.pk, actor=request.user,
                             rating=data["rating"], note=data.get("note", ""))
        return self._fresh(escalation.pk)

    @extend_schema(request=None, responses=EscalationDetailSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk=None) -> Response:
        escalation = self.get_object()
        services.escalation_acknowledge(escalation_id=escalation.pk, actor=request.user)
        return self._fresh(escalation.pk)

    @extend_schema(request=ResolveInputSerializer, responses=EscalationDetailSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk=None) -> Response:
        escalation = self.get_object()
        data = validated(ResolveInputSerializer, request.data)
        services.escalation_resolve(escalation_id=escalation.pk, actor=request.user,
                                    decision=data.get("decision", ""),
                                    approved_spend=data.get("approved_spend"))
        return self._fresh(escalation.pk)

    @extend_schema(request=DecisionInputSerializer, responses=EscalationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk=None) -> Response:
        escalation = self.get_object()
        data = validated(DecisionInputSerializer, request.data)
        services.escalation_return(escalation_id=escalation.pk, actor=request.user,
                                   decision=data.get("decision", ""))
        return self._fresh(escalation.pk)

    @extend_schema(request=EscalateInputSerializer, responses={
        200: EscalationRouteSerializer, 201: EscalationDetailSerializer})
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk=None) -> Response:
        """Escalate further (the holding team's leads); ``preview`` returns the route only."""
        escalation = self.get_object()
        data = validated(EscalateInputSerializer, request.data)
        if data["preview"]:
            route = services.escalation_further_preview(
                escalation_id=escalation.pk, actor=request.user, reason=data.get("reason", ""),
                requested_spend=data.get("requested_spend"))
            return Response({"preview": True, "route": route.as_dict()})
        child = services.escalation_escalate_further(
            escalation_id=escalation.pk, actor=request.user, ask=data.get("ask", ""),
            reason=data.get("reason", ""), requested_spend=data.get("requested_spend"),
            expected_to_team_id=data.get("expected_to_team"), options=data.get("options", ""),
            recommendation=data.get("recommendation", ""))
        return self._fresh(child.pk, status.HTTP_201_CREATED)


class IdeaEscalateView(APIView):
    """POST /api/v1/ideas/{id}/escalate/ — raise an escalation, or with ``"preview": true``
    get the route (target team, tier, due times) without creating anything."""

    @extend_schema(request=EscalateInputSerializer, responses={
        200: EscalationRouteSerializer, 201: EscalationDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        idea = access_idea(request.user, pk)
        data = validated(EscalateInputSerializer, request.data)
        if data["preview"]:
            route = services.escalation_preview(
                idea_id=idea.pk, actor=request.user, reason=data.get("reason", ""),
                requested_spend=data.get("requested_spend"), other_team_id=data.get("other_team"))
            return Response({"preview": True, "route": route.as_dict()})
        escalation = services.escalation_raise(
            idea_id=idea.pk, actor=request.user, reason=data.get("reason", ""),
            ask=data.get("ask", ""), requested_spend=data.get("requested_spend"),
            expected_to_team_id=data.get("expected_to_team"), options=data.get("options", ""),
            recommendation=data.get("recommendation", ""), other_team_id=data.get("other_team"))
        fresh = _detailed(Escalation.objects.all(), escalation.pk)
        return Response(EscalationDetailSerializer(fresh).data, status=status.HTTP_201_CREATED)


def _detailed(queryset, pk) -> Escalation:
    """One escalation with its chain and (cross-team) both teams' views, for the detail shape."""
    escalation = selectors.with_row_data(queryset).get(pk=pk)
    escalation.chain = selectors.chains_for([escalation]).get(escalation.pk, [escalation])
    escalation.views = selectors.conflict_views(escalation.chain[0], escalation.other_team)
    return escalation
