"""/api/v1/experiments/: same permissions as the item page; writes go through
experiments.services."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import IdLookupMixin, validated
from strategy.api.common import WRITE_METHODS

from .. import selectors as sel
from .. import services as svc
from .serializers import DecideInputSerializer, ExperimentInputSerializer, ExperimentSerializer


class ExperimentViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Experiments on the items the caller may see. Whoever may edit the item adds, edits and
    decides them; deciding needs evidence."""

    serializer_class = ExperimentSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = WRITE_METHODS
    filterset_fields = ["idea", "decision", "kpi"]

    def get_queryset(self):
        return sel.experiments_visible_to(self.request.user).order_by("-start", "-pk")

    @extend_schema(request=ExperimentInputSerializer, responses=ExperimentSerializer)
    def create(self, request: Request) -> Response:
        data = validated(ExperimentInputSerializer, request.data)
        extra = {k: data.pop(k) for k in ("evidence", "learning") if k in data}
        exp = svc.experiment_create(idea_id=data.pop("idea"), actor=request.user, **data)
        if extra.get("evidence") or extra.get("learning"):
            exp = svc.experiment_update(experiment_id=exp.pk, actor=request.user, **extra)
        return Response(ExperimentSerializer(exp).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExperimentInputSerializer, responses=ExperimentSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        exp = self.get_object()
        data = validated(ExperimentInputSerializer, request.data, partial=True)
        data.pop("idea", None)
        exp = svc.experiment_update(experiment_id=exp.pk, actor=request.user, **data)
        return Response(ExperimentSerializer(self.get_queryset().get(pk=exp.pk)).data)

    @extend_schema(request=DecideInputSerializer, responses=ExperimentSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk=None) -> Response:
        exp = self.get_object()
        data = validated(DecideInputSerializer, request.data)
        exp = svc.experiment_decide(experiment_id=exp.pk, actor=request.user,
                                    decision=data["decision"],
                                    evidence=data.get("evidence") or None,
                                    learning=data.get("learning", ""))
        return Response(ExperimentSerializer(self.get_queryset().get(pk=exp.pk)).data)
