"""/api/v1/kpis/ (+ readings): a KPI's owner-team leads record its readings; executives
write the rest."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import validated
from core.errors import Forbidden

from .. import selectors, services
from ..models import KPI, KPIReading
from ..permissions import can_record_reading
from .common import AnnotatedViewSet
from .serializers import (
    KPIInputSerializer,
    KPISerializer,
    ReadingInputSerializer,
    ReadingSerializer,
)


class KPIViewSet(AnnotatedViewSet):
    serializer_class = KPISerializer
    input_serializer_class = KPIInputSerializer
    filterset_fields = ["priority", "owner_team", "direction"]

    def get_queryset(self):
        return (KPI.objects.select_related("priority", "owner_team")
                .prefetch_related(selectors.readings_prefetch(1)).order_by("priority_id", "pk"))

    def rows_data(self, kpis: list[KPI], many: bool):
        for kpi in kpis:
            selectors.annotate_kpi(kpi)
        return KPISerializer(kpis, many=many).data if many else KPISerializer(kpis[0]).data

    @extend_schema(request=KPIInputSerializer, responses=KPISerializer)
    def create(self, request: Request) -> Response:
        return self.write(services.kpi_create, code=status.HTTP_201_CREATED)

    @extend_schema(request=KPIInputSerializer, responses=KPISerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        fields = validated(KPIInputSerializer, request.data, partial=True)
        fields.pop("priority", None)  # a KPI stays with its priority
        kpi = services.kpi_update(kpi_id=self.get_object().pk, actor=request.user, **fields)
        return self.fresh(kpi.pk)

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
            kpi_id=kpi.pk, actor=request.user, **validated(ReadingInputSerializer, request.data))
        return Response(ReadingSerializer(reading).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
