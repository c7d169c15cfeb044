"""Strategy API: objectives, annual goals, priorities (with alignment figures), KPIs and their
readings, constraints, deployments (catchball). Everyone logged in reads; writes are checked by
the strategy permissions and made by the services."""

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import IdLookupMixin, query_id
from core.errors import Forbidden
from ideas.permissions import access_idea
from org.models import Team
from org.selectors import user_led_team_ids

from .. import selectors, services
from ..models import (
    KPI,
    AnnualGoal,
    Constraint,
    Deployment,
    DeploymentComment,
    KPIReading,
    Objective,
    Priority,
    PriorityLink,
)
from ..permissions import can_manage_strategy, can_record_reading
from ..system_selectors import priority_resources
from .serializers import (
    AnswerInputSerializer,
    CauseInputSerializer,
    CloseInputSerializer,
    CommentInputSerializer,
    CommentSerializer,
    ConstraintInputSerializer,
    ConstraintSerializer,
    DeployInputSerializer,
    DeploymentInputSerializer,
    DeploymentSerializer,
    GoalInputSerializer,
    GoalSerializer,
    IdeaPrioritiesInputSerializer,
    IdeaPriorityOutSerializer,
    KPIInputSerializer,
    KPISerializer,
    LinkedIdeaSerializer,
    ObjectiveInputSerializer,
    ObjectiveSerializer,
    PriorityInputSerializer,
    PriorityLinkInputSerializer,
    PrioritySerializer,
    ReadingInputSerializer,
    ReadingSerializer,
    ReviseInputSerializer,
)


class ExecutivesWrite(permissions.BasePermission):
    """Reads for everyone logged in; writes for executives and admins."""

    message = services.NOT_EXECUTIVE

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or can_manage_strategy(request.user)


def _validated(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


WRITE_METHODS = ["get", "post", "patch", "head", "options"]


# ---------------------------------------------------------------- objectives and goals


class ObjectiveViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    serializer_class = ObjectiveSerializer
    permission_classes = [permissions.IsAuthenticated, ExecutivesWrite]
    http_method_names = WRITE_METHODS

    def get_queryset(self):
        return Objective.objects.prefetch_related(
            Prefetch("goals", queryset=AnnualGoal.objects.order_by("year", "pk"))
        ).order_by("position", "pk")

    @extend_schema(request=ObjectiveInputSerializer, responses=ObjectiveSerializer)
    def create(self, request: Request) -> Response:
        objective = services.objective_create(
            actor=request.user, **_validated(ObjectiveInputSerializer, request.data))
        return Response(ObjectiveSerializer(self.get_queryset().get(pk=objective.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ObjectiveInputSerializer, responses=ObjectiveSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        objective = self.get_object()
        services.objective_update(
            objective_id=objective.pk, actor=request.user,
            **_validated(ObjectiveInputSerializer, request.data, partial=True))
        return Response(ObjectiveSerializer(self.get_queryset().get(pk=objective.pk)).data)


class AnnualGoalViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    serializer_class = GoalSerializer
    permission_classes = [permissions.IsAuthenticated, ExecutivesWrite]
    http_method_names = WRITE_METHODS
    filterset_fields = ["objective", "year"]
    queryset = AnnualGoal.objects.order_by("-year", "pk")

    @extend_schema(request=GoalInputSerializer, responses=GoalSerializer)
    def create(self, request: Request) -> Response:
        goal = services.goal_create(actor=request.user,
                                    **_validated(GoalInputSerializer, request.data))
        return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=GoalInputSerializer, responses=GoalSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        goal = services.goal_update(
            goal_id=self.get_object().pk, actor=request.user,
            **_validated(GoalInputSerializer, request.data, partial=True))
        return Response(GoalSerializer(goal).data)


# ---------------------------------------------------------------- priorities


class PriorityViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Priorities with their KPIs' status, deployments and figures: linked ideas by state, done
    count, summed actual impact, and alignment over the teams they reach (only the ideas the
    caller may see are counted)."""

    serializer_class = PrioritySerializer
    permission_classes = [permissions.IsAuthenticated, ExecutivesWrite]
    http_method_names = WRITE_METHODS
    filterset_fields = ["status", "goal", "owner_team", "goal__year"]

    def get_queryset(self):
        qs = (Priority.objects.select_related("owner_team", "goal")
              .prefetch_related(selectors.kpis_prefetch(1), selectors.deployments_prefetch())
              .order_by("start", "title", "pk"))
        deployed_to = query_id(self.request, "deployed_to")
        if deployed_to is not None:
            qs = qs.filter(deployments__team_id=deployed_to)
        return qs

    def _data(self, priorities: list[Priority], many: bool):
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
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._data(list(page), many=True))

    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(self._data([self.get_object()], many=False))

    def _fresh(self, pk) -> Response:
        return Response(self._data([self.get_queryset().get(pk=pk)], many=False))

    @extend_schema(request=PriorityInputSerializer, responses=PrioritySerializer)
    def create(self, request: Request) -> Response:
        priority = services.priority_create(
            actor=request.user, **_validated(PriorityInputSerializer, request.data))
        response = self._fresh(priority.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=PriorityInputSerializer, responses=PrioritySerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        priority = self.get_object()
        fields = _validated(PriorityInputSerializer, request.data, partial=True)
        start, end = fields.get("start", priority.start), fields.get("end", priority.end)
        if end < start:
            raise exceptions.ValidationError(
                {"end": ["The priority ends before it starts: choose an end date on or after "
                         "the start date."]})
        services.priority_update(priority_id=priority.pk, actor=request.user, **fields)
        return self._fresh(priority.pk)

    @extend_schema(request=CloseInputSerializer, responses=PrioritySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        services.priority_close(priority_id=self.get_object().pk, actor=request.user,
                                **_validated(CloseInputSerializer, request.data))
        return self._fresh(pk)

    @extend_schema(request=CauseInputSerializer, responses=PrioritySerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk=None) -> Response:
        services.priority_reopen(priority_id=self.get_object().pk, actor=request.user,
                                 **_validated(CauseInputSerializer, request.data))
        return self._fresh(pk)

    @extend_schema(request=PriorityLinkInputSerializer, responses=PrioritySerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def link(self, request: Request, pk=None) -> Response:
        """Links an idea to this priority (executives, owner-team leads, the idea's editors)."""
        data = _validated(PriorityLinkInputSerializer, request.data)
        services.priority_link_idea(priority_id=self.get_object().pk, idea_id=data["idea"],
                                    actor=request.user)
        return self._fresh(pk)

    @extend_schema(request=PriorityLinkInputSerializer, responses=PrioritySerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def unlink(self, request: Request, pk=None) -> Response:
        data = _validated(PriorityLinkInputSerializer, request.data)
        services.priority_unlink_idea(priority_id=self.get_object().pk, idea_id=data["idea"],
                                      actor=request.user)
        return self._fresh(pk)

    @extend_schema(request=DeployInputSerializer, responses=DeploymentSerializer(many=True))
    @action(detail=True, methods=["post"])
    def deploy(self, request: Request, pk=None) -> Response:
        data = _validated(DeployInputSerializer, request.data)
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


# ---------------------------------------------------------------- KPIs and readings


class KPIViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                 viewsets.GenericViewSet):
    serializer_class = KPISerializer
    permission_classes = [permissions.IsAuthenticated, ExecutivesWrite]
    http_method_names = WRITE_METHODS
    filterset_fields = ["priority", "owner_team", "direction"]

    def get_queryset(self):
        return (KPI.objects.select_related("priority", "owner_team")
                .prefetch_related(selectors.readings_prefetch(1)).order_by("priority_id", "pk"))

    def _data(self, kpis, many: bool):
        for kpi in kpis:
            selectors.annotate_kpi(kpi)
        return KPISerializer(kpis, many=many).data if many else KPISerializer(kpis[0]).data

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._data(list(page), many=True))

    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(self._data([self.get_object()], many=False))

    @extend_schema(request=KPIInputSerializer, responses=KPISerializer)
    def create(self, request: Request) -> Response:
        kpi = services.kpi_create(actor=request.user,
                                  **_validated(KPIInputSerializer, request.data))
        return Response(self._data([self.get_queryset().get(pk=kpi.pk)], many=False),
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=KPIInputSerializer, responses=KPISerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        fields = _validated(KPIInputSerializer, request.data, partial=True)
        fields.pop("priority", None)
        kpi = services.kpi_update(kpi_id=self.get_object().pk, actor=request.user, **fields)
        return Response(self._data([self.get_queryset().get(pk=kpi.pk)], many=False))

    @extend_schema(methods=["GET"], responses=ReadingSerializer(many=True))
    @extend_schema(methods=["POST"], request=ReadingInputSerializer, responses=ReadingSerializer)
    @action(detail=True, methods=["get", "post"],
            permission_classes=[permissions.IsAuthenticated])
    def readings(self, request: Request, pk=None) -> Response:
        """GET: the readings, newest first. POST: record one (the KPI's owner-team leads);
        201 when new, 200 when it corrects the reading of that day."""
        kpi = self.get_object()
        if request.method == "GET":
            qs = (KPIReading.objects.filter(kpi=kpi).select_related("recorded_by")
                  .order_by("-date", "-pk"))
            page = self.paginate_queryset(qs)
            return self.get_paginated_response(ReadingSerializer(page, many=True).data)
        if not can_record_reading(request.user, kpi):
            raise Forbidden(f"Only the leads of {kpi.owner_team.name}, the team that owns this "
                            f"KPI, can record its readings.")
        reading, created = services.kpi_reading_record(
            kpi_id=kpi.pk, actor=request.user, **_validated(ReadingInputSerializer, request.data))
        return Response(ReadingSerializer(reading).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# ---------------------------------------------------------------- constraints


class ConstraintViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """``?active=true`` for those in force today; ``?applies_to=<team id>`` for those that
    apply to a team (organisation-wide, the team's or an ancestor's)."""

    serializer_class = ConstraintSerializer
    permission_classes = [permissions.IsAuthenticated, ExecutivesWrite]
    http_method_names = WRITE_METHODS

    def get_queryset(self):
        applies_to = query_id(self.request, "applies_to")
        if applies_to is not None:
            team = Team.objects.filter(pk=applies_to).first()
            if team is None:
                raise exceptions.ValidationError({"applies_to": ["No such team."]})
            return selectors.constraints_for_team(team)
        qs = selectors.constraints_listing().order_by("-start", "pk")
        if self.request.query_params.get("active") in ("1", "true", "yes"):
            qs = qs.filter(selectors.constraint_active_q())
        return qs

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(parameters=[OpenApiParameter("active", bool),
                               OpenApiParameter("applies_to", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _out(self, pk) -> dict:
        return ConstraintSerializer(selectors.constraints_listing().get(pk=pk),
                                    context=self.get_serializer_context()).data

    @extend_schema(request=ConstraintInputSerializer, responses=ConstraintSerializer)
    def create(self, request: Request) -> Response:
        constraint = services.constraint_create(
            actor=request.user, **_validated(ConstraintInputSerializer, request.data))
        return Response(self._out(constraint.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=ConstraintInputSerializer, responses=ConstraintSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        constraint = get_constraint(pk)
        services.constraint_update(
            constraint_id=constraint.pk, actor=request.user,
            **_validated(ConstraintInputSerializer, request.data, partial=True))
        return Response(self._out(constraint.pk))

    @extend_schema(request=CauseInputSerializer, responses=ConstraintSerializer)
    @action(detail=True, methods=["post"])
    def lift(self, request: Request, pk=None) -> Response:
        constraint = get_constraint(pk)
        services.constraint_lift(constraint_id=constraint.pk, actor=request.user,
                                 **_validated(CauseInputSerializer, request.data))
        return Response(self._out(constraint.pk))


def get_constraint(pk) -> Constraint:
    return get_object_or_404(Constraint, pk=pk)  # DRF's: a malformed id is a 404 too


# ---------------------------------------------------------------- deployments


class DeploymentViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The catchball. ``?awaiting=me``: proposed deployments to the teams the caller leads.
    Accept / counter: the team's leads; revise (propose again), withdraw: executives."""

    serializer_class = DeploymentSerializer
    permission_classes = [permissions.IsAuthenticated, ExecutivesWrite]
    http_method_names = ["get", "post", "delete", "head", "options"]
    filterset_fields = ["state", "team", "priority"]

    @staticmethod
    def base_queryset():
        return (Deployment.objects.select_related("priority", "team", "proposed_by",
                                                  "answered_by")
                .prefetch_related(Prefetch("comments", queryset=DeploymentComment.objects
                                           .select_related("author")))
                .order_by("priority_id", "team__name", "pk"))

    def get_queryset(self):
        qs = self.base_queryset()
        if self.request.query_params.get("awaiting") == "me":
            qs = qs.filter(team_id__in=list(user_led_team_ids(self.request.user)),
                           state=Deployment.State.PROPOSED)
        return qs

    @extend_schema(parameters=[OpenApiParameter("awaiting", str, enum=["me"])])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _out(self, pk) -> Response:
        return Response(DeploymentSerializer(self.base_queryset().get(pk=pk)).data)

    @extend_schema(request=DeploymentInputSerializer, responses=DeploymentSerializer)
    def create(self, request: Request) -> Response:
        deployment = services.deployment_create(
            actor=request.user, **_validated(DeploymentInputSerializer, request.data))
        response = self._out(deployment.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    def destroy(self, request: Request, pk=None) -> Response:
        services.deployment_withdraw(deployment_id=self.get_object().pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=AnswerInputSerializer, responses=DeploymentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def accept(self, request: Request, pk=None) -> Response:
        data = _validated(AnswerInputSerializer, request.data)
        services.deployment_accept(deployment_id=self.get_object().pk, actor=request.user,
                                   comment=data.get("comment", ""))
        return self._out(pk)

    @extend_schema(request=AnswerInputSerializer, responses=DeploymentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def counter(self, request: Request, pk=None) -> Response:
        data = _validated(AnswerInputSerializer, request.data)
        services.deployment_counter(deployment_id=self.get_object().pk, actor=request.user,
                                    comment=data.get("comment", ""))
        return self._out(pk)

    @extend_schema(request=ReviseInputSerializer, responses=DeploymentSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk=None) -> Response:
        data = _validated(ReviseInputSerializer, request.data)
        services.deployment_revise(deployment_id=self.get_object().pk, actor=request.user,
                                   comment=data["comment"], ask=data.get("ask"))
        return self._out(pk)

    @extend_schema(request=CommentInputSerializer, responses=CommentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def comment(self, request: Request, pk=None) -> Response:
        data = _validated(CommentInputSerializer, request.data)
        comment = services.deployment_comment(deployment_id=self.get_object().pk,
                                              actor=request.user, text=data["text"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- an idea's priorities


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
        data = _validated(IdeaPrioritiesInputSerializer, request.data)
        services.idea_set_priorities(idea=idea, priorities=data["priorities"],
                                     actor=request.user)
        return self._out(idea)
