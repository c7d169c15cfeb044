"""/api/v1/planning-windows/: inside one, priorities and constraints change freely; outside, a
change needs a cause and counts as churn. Everyone reads; admins write."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from .. import windows
from ..models import PlanningWindow
from ..permissions import can_manage_windows
from .common import WRITE_METHODS, StrategyViewSet


class WindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanningWindow
        fields = ["id", "name", "start", "end", "created_at"]


class WindowInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    start = serializers.DateField()
    end = serializers.DateField()


class AdminsWrite(permissions.BasePermission):
    message = "Only administrators set planning windows."

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or can_manage_windows(request.user)


class PlanningWindowViewSet(StrategyViewSet):
    """Planning windows: inside one, priorities and constraints change freely; outside, a
    change needs a cause and counts as churn. Everyone reads; admins write."""

    serializer_class = WindowSerializer
    input_serializer_class = WindowInputSerializer
    permission_classes = [permissions.IsAuthenticated, AdminsWrite]
    http_method_names = WRITE_METHODS + ["delete"]

    def get_queryset(self):
        return windows.windows()

    @extend_schema(request=WindowInputSerializer, responses=WindowSerializer)
    def create(self, request: Request) -> Response:
        return self.write(windows.window_create, code=status.HTTP_201_CREATED)

    @extend_schema(request=WindowInputSerializer, responses=WindowSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        return self.write(windows.window_update, partial=True, window_id=self.get_object().pk)

    def destroy(self, request: Request, pk=None) -> Response:
        windows.window_delete(window_id=self.get_object().pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
