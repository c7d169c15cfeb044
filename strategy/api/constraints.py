"""/api/v1/constraints/: the boundaries executives set, under the change-window rule."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import query_id, validated
from org.models import Team

from .. import selectors, services
from ..models import Constraint
from .common import StrategyViewSet
from .serializers import CauseInputSerializer, ConstraintInputSerializer, ConstraintSerializer


class ConstraintViewSet(StrategyViewSet):
    """``?active=true`` for those in force today; ``?applies_to=<team id>`` for those that
    apply to a team (organisation-wide, the team's or an ancestor's)."""

    serializer_class = ConstraintSerializer
    input_serializer_class = ConstraintInputSerializer

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

    def fresh(self, pk, code: int = status.HTTP_200_OK) -> Response:
        # Whatever the list's filters, the row itself.
        return Response(self.get_serializer(selectors.constraints_listing().get(pk=pk)).data,
                        status=code)

    @extend_schema(request=ConstraintInputSerializer, responses=ConstraintSerializer)
    def create(self, request: Request) -> Response:
        return self.write(services.constraint_create, code=status.HTTP_201_CREATED)

    @extend_schema(request=ConstraintInputSerializer, responses=ConstraintSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        return self.write(services.constraint_update, partial=True,
                          constraint_id=get_constraint(pk).pk)

    @extend_schema(request=CauseInputSerializer, responses=ConstraintSerializer)
    @action(detail=True, methods=["post"])
    def lift(self, request: Request, pk=None) -> Response:
        constraint = get_constraint(pk)
        services.constraint_lift(constraint_id=constraint.pk, actor=request.user,
                                 **validated(CauseInputSerializer, request.data))
        return self.fresh(constraint.pk)


def get_constraint(pk) -> Constraint:
    return get_object_or_404(Constraint, pk=pk)  # DRF's: a malformed id is a 404 too
