"""/api/v1/deployments/: the catchball — teams' leads accept or counter, whoever proposed the
hop revises, and the leads of a team that accepted one cascade it to their child teams."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import validated
from org.selectors import user_led_team_ids

from .. import services
from ..models import Deployment, DeploymentComment
from .common import StrategyViewSet
from .serializers import (
    AnswerInputSerializer,
    CascadeInputSerializer,
    CommentInputSerializer,
    CommentSerializer,
    DeploymentInputSerializer,
    DeploymentSerializer,
    ReviseInputSerializer,
)


class DeploymentViewSet(mixins.DestroyModelMixin, StrategyViewSet):
    """The catchball. ``?awaiting=me``: proposed deployments to the teams the caller leads.
    Accept / counter: the team's leads; cascade (to the team's child teams, once accepted): the
    team's leads; revise (propose again), withdraw: whoever proposed the hop — executives for a
    deployment from the top (``parent`` null), the cascading team's leads for a cascade."""

    serializer_class = DeploymentSerializer
    input_serializer_class = DeploymentInputSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]
    filterset_fields = ["state", "team", "priority"]

    @staticmethod
    def base_queryset():
        return (Deployment.objects.select_related("priority", "team", "parent", "proposed_by",
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

    def fresh(self, pk, code: int = status.HTTP_200_OK) -> Response:
        return Response(DeploymentSerializer(self.base_queryset().get(pk=pk)).data,
                        status=code)

    @extend_schema(request=DeploymentInputSerializer, responses=DeploymentSerializer)
    def create(self, request: Request) -> Response:
        return self.write(services.deployment_create, code=status.HTTP_201_CREATED)

    def get_permissions(self):
        # Withdrawing a cascade is for the leads who cascaded it: the service decides.
        if self.action == "destroy":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def destroy(self, request: Request, pk=None) -> Response:
        services.deployment_withdraw(deployment_id=self.get_object().pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=AnswerInputSerializer, responses=DeploymentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def accept(self, request: Request, pk=None) -> Response:
        data = validated(AnswerInputSerializer, request.data)
        services.deployment_accept(deployment_id=self.get_object().pk, actor=request.user,
                                   comment=data.get("comment", ""))
        return self.fresh(pk)

    @extend_schema(request=AnswerInputSerializer, responses=DeploymentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def counter(self, request: Request, pk=None) -> Response:
        data = validated(AnswerInputSerializer, request.data)
        services.deployment_counter(deployment_id=self.get_object().pk, actor=request.user,
                                    comment=data.get("comment", ""))
        return self.fresh(pk)

    @extend_schema(request=CascadeInputSerializer, responses=DeploymentSerializer(many=True))
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def cascade(self, request: Request, pk=None) -> Response:
        """Passes an accepted deployment on to child teams of its team, with the leads' own
        ask: 201 with the new deployments (catchball again, one hop down)."""
        data = validated(CascadeInputSerializer, request.data)
        made = services.deployment_cascade(deployment_id=self.get_object().pk,
                                           actor=request.user, teams=data["teams"],
                                           ask=data["ask"])
        qs = self.base_queryset().filter(pk__in=[d.pk for d in made])
        return Response(DeploymentSerializer(qs, many=True).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviseInputSerializer, responses=DeploymentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def revise(self, request: Request, pk=None) -> Response:
        data = validated(ReviseInputSerializer, request.data)
        services.deployment_revise(deployment_id=self.get_object().pk, actor=request.user,
                                   comment=data["comment"], ask=data.get("ask"))
        return self.fresh(pk)

    @extend_schema(request=CommentInputSerializer, responses=CommentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def comment(self, request: Request, pk=None) -> Response:
        data = validated(CommentInputSerializer, request.data)
        comment = services.deployment_comment(deployment_id=self.get_object().pk,
                                              actor=request.user, text=data["text"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
