"""Tiers, teams and users: readable by any logged-in user, writable by admins only."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import IdLookupMixin, validated

from .. import notifications, services
from ..models import Membership, Notification, Tier, User
from ..permissions import is_admin
from ..selectors import notifications_for, teams_with_people, unread_notification_count
from .serializers import (
    NotificationSerializer,
    TeamInputSerializer,
    TeamSerializer,
    TierInputSerializer,
    TierSerializer,
    UserInputSerializer,
    UserSerializer,
)


class IsAdminOrReadOnly(permissions.BasePermission):
    message = "Only administrators can change the organisation."

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or is_admin(request.user)


class TierViewSet(IdLookupMixin, viewsets.ModelViewSet):
    queryset = Tier.objects.all()
    serializer_class = TierSerializer
    permission_classes = [permissions.IsAuthenticated, IsAdminOrReadOnly]
    filterset_fields = ["level"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @extend_schema(request=TierInputSerializer, responses=TierSerializer)
    def create(self, request: Request) -> Response:
        data = validated(TierInputSerializer, request.data)
        tier = services.tier_create(actor=request.user, **data)
        return Response(TierSerializer(tier).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TierInputSerializer, responses=TierSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        data = validated(TierInputSerializer, request.data, partial=True)
        tier = services.tier_update(tier=self.get_object(), actor=request.user, **data)
        return Response(TierSerializer(tier).data)

    def destroy(self, request: Request, pk=None) -> Response:
        services.tier_delete(tier=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    serializer_class = TeamSerializer
    permission_classes = [permissions.IsAuthenticated, IsAdminOrReadOnly]
    filterset_fields = ["tier", "parent", "active", "tier__level"]
    ordering_fields = ["name", "tier__level"]

    def get_queryset(self):
        return teams_with_people().order_by("-tier__level", "name")

    @extend_schema(request=TeamInputSerializer, responses=TeamSerializer)
    def create(self, request: Request) -> Response:
        fields = validated(TeamInputSerializer, request.data)
        fields.pop("active", None)
        team = services.team_create(actor=request.user, **fields)
        return Response(TeamSerializer(self.get_queryset().get(pk=team.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=TeamInputSerializer, responses=TeamSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        data = validated(TeamInputSerializer, request.data, partial=True)
        team = services.team_update(team=self.get_object(), actor=request.user, **data)
        return Response(TeamSerializer(self.get_queryset().get(pk=team.pk)).data)


class UserViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated, IsAdminOrReadOnly]
    filterset_fields = ["is_active", "memberships__team"]
    ordering_fields = ["username"]

    def get_queryset(self):
        return User.objects.prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("team__tier"))
        ).order_by("username")

    @extend_schema(request=UserInputSerializer, responses=UserSerializer)
    def create(self, request: Request) -> Response:
        data = validated(UserInputSerializer, request.data)
        user = services.user_create(actor=request.user, **data)
        return Response(UserSerializer(user, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=UserSerializer)
    @action(detail=False, methods=["get"], permission_classes=[permissions.IsAuthenticated])
    def me(self, request: Request) -> Response:
        me = self.get_queryset().get(pk=request.user.pk)
        return Response(UserSerializer(me, context=self.get_serializer_context()).data)



class NotificationViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """The user's own notifications, newest first; ``?unread=true`` for unread only."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list = []
    queryset = Notification.objects.none()  # for the schema; get_queryset gives the user's

    def get_queryset(self):
        qs = notifications_for(self.request.user)
        if self.request.query_params.get("unread", "").lower() in ("1", "true", "yes"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk=None) -> Response:
        notification = self.get_object()
        notifications.notification_mark_read(user=request.user, notification_id=notification.pk)
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: {"type": "object", "properties": {
        "marked": {"type": "integer"}, "unread": {"type": "integer"}}}})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        marked = notifications.notification_mark_read(user=request.user)
        return Response({"marked": marked, "unread": unread_notification_count(request.user)})

    @extend_schema(responses={200: {"type": "object", "properties": {
        "unread": {"type": "integer"}}}})
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": unread_notification_count(request.user)})
