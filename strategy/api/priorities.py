"""/api/v1/ objectives, annual goals and priorities (with alignment figures, linked items and
deployments), and which priorities an item serves."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import query_id, validated
from ideas.permissions import access_idea

from .. import selectors, services
from ..figures import priority_resources
from ..models import AnnualGoal, Objective, Priority, PriorityLink
from .catchball import DeploymentViewSet
from .common import AnnotatedViewSet, StrategyViewSet
from .serializers import (
    CauseInputSerializer,
    CloseInputSerializer,
    DeployInputSerializer,
    DeploymentSerializer,
    GoalInputSerializer,
    GoalSerializer,
    IdeaPrioritiesInputSerializer,
    IdeaPriorityOutSerializer,
    LinkedIdeaSerializer,
    ObjectiveInputSerializer,
    ObjectiveSerializer,
    PriorityInputSerializer,
    PriorityLinkInputSerializer,
    PrioritySerializer,
)


class ObjectiveViewSet(StrategyViewSet):
    serializer_class = ObjectiveSerializer
    input_serializer_class = ObjectiveInputSerializer

    def get_queryset(self):
        return Objective.objects.prefetch_related(
            Prefetch("goals", queryset=AnnualGoal.objects.order_by("year", "pk"))
        ).order_by("position", "pk")

    @extend_schema(request=ObjectiveInputSerializer, responses=ObjectiveSerializer)
    def create(self, request: Request) -> Response:
        return self.write(services.objective_create, code=status.HTTP_201_CREATED)

    @extend_schema(request=ObjectiveInputSerializer, responses=ObjectiveSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        return self.write(services.objective_update, partial=True,
                          objective_id=self.get_object().pk)


class AnnualGoalViewSet(StrategyViewSet):
    serializer_class = GoalSerializer
    input_serializer_class = GoalInputSerializer
    filterset_fields = ["objective", "year"]
    queryset = AnnualGoal.objects.order_by("-year", "pk")

    @extend_schema(request=GoalInputSerializer, responses=GoalSerializer)
    def create(self, request: Request) -> Response:
        return self.write(services.goal_create, code=status.HTTP_201_CREATED)

    @extend_schema(request=GoalInputSerializer, responses=GoalSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        return self.write(services.goal_update, partial=True, goal_id=self.get_object().pk)


class PriorityViewSet(AnnotatedViewSet):
    """Priorities with their KPIs' status, deployments and figures: linked ideas by state, done
    count, summed actual impact, and alignment over the teams they reach (only the ideas the
    caller may see are counted)."""

    serializer_class = PrioritySerializer
    input_serializer_class = PriorityInputSerializer
    filterset_fields = ["status", "goal", "owner_team", "goal__year"]

    def get_queryset(self):
        qs = (Priority.objects.select_related("owner_team", "goal")
              .prefetch_related(selectors.kpis_prefetch(1), selectors.deployments_prefetch())
              .order_by("start", "title", "pk"))
        deployed_to = query_id(self.request, "deployed_to")
        if deployed_to is not None:
            qs = qs.filter(deployments__team_id=deployed_to)
        return qs

    def rows_data(self, priorities: list[Priority], many: bool):
        for p in priorities:
            for kpi in p.kpis.all():
                selectors.annotate_kpi(kpi, p)
        context = {
            "request": self.request,
            "figures": selectors.priority_figures([p.pk for p in priorities],
                                                  user=self.request.user),
            "alignment": selectors.priority_alignment(priorities, user=self.request.user),
            "resources": priority_resources(priorities),
        }
        if many:
            return PrioritySerializer(priorities, many=True, context=context).data
        return PrioritySerializer(priorities[0], context=context).data

    @extend_schema(parameters=[OpenApiParameter("deployed_to", int)])
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=PriorityInputSerializer, responses=PrioritySerializer)
    def create(self, request: Request) -> Response:
        return self.write(services.priority_create, code=status.HTTP_201_CREATED)

    @extend_schema(request=PriorityInputSerializer, responses=PrioritySerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        priority = self.get_object()
        fields = validated(PriorityInputSerializer, request.data, partial=True)
        start, end = fields.get("start", priority.start), fields.get("end", priority.end)
        if end < start:
            raise exceptions.ValidationError(
                {"end": ["The priority ends before it starts: choose an end date on or after "
                         "the start date."]})
        services.priority_update(priority_id=priority.pk, actor=request.user, **fields)
        return self.fresh(priority.pk)

    @extend_schema(request=CloseInputSerializer, responses=PrioritySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        services.priority_close(priority_id=self.get_object().pk, actor=request.user,
                                **validated(CloseInputSerializer, request.data))
        return self.fresh(pk)

    @extend_schema(request=CauseInputSerializer, responses=PrioritySerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk=None) -> Response:
        services.priority_reopen(priority_id=self.get_object().pk, actor=request.user,
                                 **validated(CauseInputSerializer, request.data))
        return self.fresh(pk)

    @extend_schema(request=PriorityLinkInputSerializer, responses=PrioritySerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def link(self, request: Request, pk=None) -> Response:
        """Links an idea to this priority (executives, owner-team leads, the idea's editors)."""
        data = validated(PriorityLinkInputSerializer, request.data)
        services.priority_link_idea(priority_id=self.get_object().pk, idea_id=data["idea"],
                                    actor=request.user)
        return self.fresh(pk)

    @extend_schema(request=PriorityLinkInputSerializer, responses=PrioritySerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def unlink(self, request: Request, pk=None) -> Response:
        data = validated(PriorityLinkInputSerializer, request.data)
        services.priority_unlink_idea(priority_id=self.get_object().pk, idea_id=data["idea"],
                                      actor=request.user)
        return self.fresh(pk)

    @extend_schema(request=DeployInputSerializer, responses=DeploymentSerializer(many=True))
    @action(detail=True, methods=["post"])
    def deploy(self, request: Request, pk=None) -> Response:
        data = validated(DeployInputSerializer, request.data)
        made = services.deployments_create(actor=request.user, priority=self.get_object(),
                                           teams=data["teams"], ask=data.get("ask", ""))
        qs = DeploymentViewSet.base_queryset().filter(pk__in=[d.pk for d in made])
        return Response(DeploymentSerializer(qs, many=True).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=LinkedIdeaSerializer(many=True))
    @action(detail=True, methods=["get"])
    def ideas(self, request: Request, pk=None) -> Response:
        """The linked ideas the caller may see."""
        qs = selectors.linked_ideas(self.get_object(), user=request.user)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(LinkedIdeaSerializer(page, many=True).data)


class IdeaPrioritiesView(APIView):
    """GET /api/v1/ideas/{id}/priorities/: the priorities an idea serves.
    PUT {"priorities": [ids]}: the idea serves exactly these active priorities (links to closed
    ones are kept). Whoever may edit the idea, executives and admins may change it."""

    permission_classes = [permissions.IsAuthenticated]

    def _out(self, idea) -> Response:
        links = (PriorityLink.objects.filter(idea=idea).select_related("priority")
                 .order_by("priority__title"))
        return Response([{"id": link.priority_id, "title": link.priority.title,
                          "why_now": link.priority.why_now, "status": link.priority.status,
                          "linked_at": link.linked_at} for link in links])

    @extend_schema(responses=IdeaPriorityOutSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        return self._out(access_idea(request.user, pk))

    @extend_schema(request=IdeaPrioritiesInputSerializer,
                   responses=IdeaPriorityOutSerializer(many=True))
    def put(self, request: Request, pk: int) -> Response:
        idea = access_idea(request.user, pk)
        data = validated(IdeaPrioritiesInputSerializer, request.data)
        services.idea_set_priorities(idea=idea, priorities=data["priorities"],
                                     actor=request.user)
        return self._out(idea)
