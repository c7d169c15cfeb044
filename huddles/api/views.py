"""Boards, huddles, SQDC days and display links under /api/v1/. Thin: services for writes,
selectors for reads. Display links give no API access: the API knows only logged-in users."""

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import IdLookupMixin, validated
from core.filters import FilterSet
from org.models import Team

from .. import services
from ..conditional import NO_CACHE, etag_matches, not_modified
from ..links import display_link_url
from ..models import DisplayLink, Huddle, SqdcDay
from ..selectors.board import BoardFilters, access_board, board_settings_of
from ..selectors.board_view import board_version, board_view, board_view_now
from ..selectors.display_links import display_links_visible_to
from ..selectors.sessions import discussed_visible_to, huddles_visible_to
from ..selectors.sqdc import sqdc_day_of, sqdc_days_visible_to
from .serializers import (
    AttendanceSerializer,
    BoardListSerializer,
    BoardSerializer,
    BoardSettingsInputSerializer,
    BoardSettingsSerializer,
    CardSerializer,
    DiscussedSerializer,
    DisplayLinkCreatedSerializer,
    DisplayLinkInputSerializer,
    DisplayLinkSerializer,
    HuddleEndSerializer,
    HuddleSerializer,
    HuddleStartSerializer,
    HuddleUpdateSerializer,
    MoveInputSerializer,
    MoveResultSerializer,
    SqdcDayInputSerializer,
    SqdcDaySerializer,
)

TEAM_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH,
                           description="The team's id.")
BOARD_FILTERS = [
    OpenApiParameter("owner", OpenApiTypes.STR, description="A user id, or 'none'."),
    OpenApiParameter("category", OpenApiTypes.STR),
    OpenApiParameter("kind", OpenApiTypes.STR),
]


class BoardViewSet(IdLookupMixin, viewsets.ViewSet):
    """A team's board: columns with cards (only items the caller may see), WIP limits, the
    version to send back with a move, today's SQDC letters."""

    filter_backends: list = []  # no queryset to filter: the filters are BoardFilters

    @extend_schema(responses=BoardListSerializer(many=True))
    def list(self, request: Request) -> Response:
        teams = Team.objects.filter(active=True).select_related("tier").order_by(
            "-tier__level", "name")
        return Response(BoardListSerializer(teams, many=True).data)

    @extend_schema(parameters=[TEAM_ID, *BOARD_FILTERS], responses={
        200: BoardSerializer, 304: OpenApiResponse(description="Unchanged since If-None-Match.")})
    def retrieve(self, request: Request, pk=None) -> Response:
        team = access_board(request.user, pk=pk)
        filters = BoardFilters.from_query(request.query_params)
        today = timezone.localdate()
        etag = board_version(team, viewer=request.user, surface="api", today=today,
                             filters=filters)
        if etag_matches(request, etag):
            return not_modified(etag)
        view = board_view(team, viewer=request.user, etag=etag, filters=filters, today=today)
        return Response(BoardSerializer(view).data,
                        headers={"ETag": etag, "Cache-Control": NO_CACHE})

    @extend_schema(parameters=[TEAM_ID], request=MoveInputSerializer, responses={
        200: MoveResultSerializer,
        409: OpenApiResponse(description="The card changed since the board loaded, or the "
                                         "workflow does not allow this move from its state.")})
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk=None) -> Response:
        """Moves a card: {"idea", "to", "version"} (+ "reason" / "learning" when the workflow
        asks for them). 409 when the version is stale."""
        team = access_board(request.user, pk=pk)
        d = validated(MoveInputSerializer, request.data)
        moved = services.board_move(team=team, idea_id=d["idea"], to=d["to"], actor=request.user,
                                    version=d["version"], reason=d.get("reason", ""),
                                    learning=d.get("learning", ""))
        view = board_view_now(team, viewer=request.user, surface="api")
        card = view.card(moved.pk)
        return Response({"card": CardSerializer(card).data if card else None,
                         "board_version": view.version})

    @extend_schema(parameters=[TEAM_ID], methods=["GET"], responses=BoardSettingsSerializer)
    @extend_schema(parameters=[TEAM_ID], methods=["PATCH"], request=BoardSettingsInputSerializer,
                   responses=BoardSettingsSerializer)
    @action(detail=True, methods=["get", "patch"], url_path="settings")
    def board_settings(self, request: Request, pk=None) -> Response:
        """WIP limits, done window, wall refresh; leads change them (People letter: admins)."""
        team = access_board(request.user, pk=pk)
        if request.method == "GET":
            return Response(BoardSettingsSerializer(board_settings_of(team)).data)
        d = validated(BoardSettingsInputSerializer, request.data, partial=True)
        settings = services.board_settings_update(team=team, actor=request.user, **d)
        return Response(BoardSettingsSerializer(settings).data)


class HuddleFilter(FilterSet):
    date = filters.DateFromToRangeFilter(help_text="date_after / date_before (inclusive).")
    open = filters.BooleanFilter(field_name="ended_at", lookup_expr="isnull")

    class Meta:
        model = Huddle
        fields = ["team", "date", "open"]


class HuddleViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    viewsets.GenericViewSet):
    """Huddles of the caller's teams and of the teams below them. Members of the team start,
    tick attendance, mark discussed items and end; leads correct ended ones."""

    serializer_class = HuddleSerializer
    filterset_class = HuddleFilter
    ordering_fields = ["date", "started_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return huddles_visible_to(self.request.user).prefetch_related("attendees").order_by(
            "-date", "-started_at")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "discussed": getattr(self, "_discussed", {})}

    def list(self, request: Request, *args, **kwargs) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        self._discussed = discussed_visible_to(request.user, rows)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def _out(self, huddle: Huddle, code=status.HTTP_200_OK) -> Response:
        huddle = self.get_queryset().get(pk=huddle.pk)
        self._discussed = discussed_visible_to(self.request.user, [huddle])
        return Response(self.get_serializer(huddle).data, status=code)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return self._out(self.get_object())

    @extend_schema(request=HuddleStartSerializer, responses={201: HuddleSerializer})
    def create(self, request: Request) -> Response:
        """Starts today's huddle of a team (409 when one is already running)."""
        d = validated(HuddleStartSerializer, request.data)
        huddle = services.huddle_start(team=d["team"], actor=request.user)
        return self._out(huddle, status.HTTP_201_CREATED)

    @extend_schema(request=HuddleUpdateSerializer, responses=HuddleSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        huddle = self.get_object()
        d = validated(HuddleUpdateSerializer, request.data)
        services.huddle_update(huddle_id=huddle.pk, actor=request.user, **d)
        return self._out(huddle)

    @extend_schema(request=AttendanceSerializer, responses=HuddleSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk=None) -> Response:
        """Ticks a team member as present (or not): {"user": id, "present": true}."""
        huddle = self.get_object()
        d = validated(AttendanceSerializer, request.data)
        services.huddle_set_attendance(huddle_id=huddle.pk, actor=request.user,
                                       user_id=d["user"], present=d["present"])
        return self._out(huddle)

    @extend_schema(request=DiscussedSerializer, responses=HuddleSerializer)
    @action(detail=True, methods=["post"])
    def discussed(self, request: Request, pk=None) -> Response:
        """Marks an item of the team's board as discussed: {"idea": id, "discussed": true}."""
        huddle = self.get_object()
        d = validated(DiscussedSerializer, request.data)
        services.huddle_mark_discussed(huddle_id=huddle.pk, actor=request.user,
                                       idea_id=d["idea"], discussed=d["discussed"])
        return self._out(huddle)

    @extend_schema(request=HuddleEndSerializer, responses=HuddleSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk=None) -> Response:
        huddle = self.get_object()
        d = validated(HuddleEndSerializer, request.data)
        services.huddle_end(huddle_id=huddle.pk, actor=request.user, notes=d.get("notes"))
        return self._out(huddle)


class SqdcDayFilter(FilterSet):
    date = filters.DateFromToRangeFilter(help_text="date_after / date_before (inclusive).")

    class Meta:
        model = SqdcDay
        fields = ["team", "date", "category", "status"]


class SqdcDayViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    """SQDC letters by team, day and category. POST sets one (creating or replacing it)."""

    serializer_class = SqdcDaySerializer
    filterset_class = SqdcDayFilter
    ordering_fields = ["date", "team", "category"]

    def get_queryset(self):
        return sqdc_days_visible_to(self.request.user).order_by("-date", "team_id", "category")

    @extend_schema(request=SqdcDayInputSerializer, responses={200: SqdcDaySerializer,
                                                               201: SqdcDaySerializer})
    def create(self, request: Request) -> Response:
        """Sets a letter: red needs a note; no future dates; members set today, leads also
        correct past days. Answers 201 when the letter was new, 200 when it was replaced."""
        d = validated(SqdcDayInputSerializer, request.data)
        existed = sqdc_day_of(d["team"], d["date"], d["category"]) is not None
        row = services.sqdc_set(team=d["team"], day=d["date"], category=d["category"],
                                status=d["status"], note=d["note"], actor=request.user)
        row = self.get_queryset().get(pk=row.pk)
        return Response(SqdcDaySerializer(row).data,
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


class DisplayLinkViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    """Read-only wall-screen links of the teams the caller leads. The link's URL (with its
    key) is answered once, on creation: only a hash of the key is stored."""

    serializer_class = DisplayLinkSerializer
    filterset_fields = ["team"]

    def get_queryset(self):
        return display_links_visible_to(self.request.user).order_by("-created_at", "-id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(request=DisplayLinkInputSerializer, responses={201: DisplayLinkCreatedSerializer})
    def create(self, request: Request) -> Response:
        d = validated(DisplayLinkInputSerializer, request.data)
        link, key = services.display_link_create(team=d["team"], actor=request.user,
                                                 label=d["label"], expires_at=d.get("expires_at"))
        link = DisplayLink.objects.select_related("team", "created_by").get(pk=link.pk)
        link.url = display_link_url(request, link.team.slug, key)
        return Response(DisplayLinkCreatedSerializer(link, context=self.get_serializer_context())
                        .data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DisplayLinkSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk=None) -> Response:
        link = self.get_object()
        services.display_link_revoke(link_id=link.pk, actor=request.user)
        link = self.get_queryset().get(pk=link.pk)
        return Response(self.get_serializer(link).data)
