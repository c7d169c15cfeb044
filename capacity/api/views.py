"""/api/v1/time-entries/: the same services, selectors and permission rules as the pages."""

from datetime import date

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import IdLookupMixin, query_id, validated
from core.errors import DomainError

from .. import selectors as sel
from .. import services as svc
from ..models import TimeEntry
from .serializers import TimeEntryInputSerializer, TimeEntrySerializer

TIME_FILTERS = [
    OpenApiParameter("idea", int, description="Item id"),
    OpenApiParameter("team", int, description="Team the time counts for"),
    OpenApiParameter("user", str, description="User id or me"),
    OpenApiParameter("category", str, description="item, or a slack category (reflection, "
                                                   "experimentation, recovery, training, "
                                                   "standard_work), or slack for every one"),
    OpenApiParameter("date_from", str, description="YYYY-MM-DD"),
    OpenApiParameter("date_to", str, description="YYYY-MM-DD"),
]


def _date_param(params, name):
    value = params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: ["Give a date as YYYY-MM-DD."]})


class TimeEntryViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """Improvement time: on items (you see the entries on items you may see) and slack —
    protected time without an item, in a category (you see your teams' and the teams' below
    them; executives every team's)."""

    serializer_class = TimeEntrySerializer
    filter_backends: list = []

    def get_queryset(self):
        qs = sel.time_entries_visible_to(self.request.user).order_by("-date", "-id")
        if self.action != "list":
            return qs
        params = self.request.query_params
        if (idea := query_id(self.request, "idea")) is not None:
            qs = qs.filter(idea_id=idea)
        if (team := query_id(self.request, "team")) is not None:
            qs = qs.filter(team_id=team)
        if params.get("user") == "me":
            qs = qs.filter(user=self.request.user)
        elif (user := query_id(self.request, "user")) is not None:
            qs = qs.filter(user_id=user)
        if category := params.get("category"):
            if category == "slack":
                qs = qs.filter(idea__isnull=True)
            elif category in TimeEntry.Category.values:
                qs = qs.filter(category=category)
            else:
                raise ValidationError({"category": ["Not a category."]})
        if (start := _date_param(params, "date_from")) is not None:
            qs = qs.filter(date__gte=start)
        if (end := _date_param(params, "date_to")) is not None:
            qs = qs.filter(date__lte=end)
        return qs

    @extend_schema(parameters=TIME_FILTERS)
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=TimeEntryInputSerializer, responses={201: TimeEntrySerializer})
    def create(self, request: Request) -> Response:
        """Logs time on an item, or — without ``idea`` — slack in a ``category``: 400 for zero,
        negative or more than 24 hours a day for you, a future day, a team you are not in or
        slack without a category; 404 for an item you cannot see."""
        v = validated(TimeEntryInputSerializer, request.data)
        try:
            if v.get("idea") is None:
                entry = svc.slack_entry_create(actor=request.user, category=v["category"],
                                               hours=v["hours"], day=v.get("date"),
                                               note=v.get("note", ""), team=v.get("team"))
            else:
                entry = svc.time_entry_create(idea_id=v["idea"], actor=request.user,
                                              hours=v["hours"], day=v.get("date"),
                                              note=v.get("note", ""), team=v.get("team"))
        except DomainError as exc:
            if exc.code == "not_found":
                raise Http404(exc.message)
            raise
        entry = sel.time_entries_visible_to(request.user).get(pk=entry.pk)
        return Response(TimeEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, pk=None) -> Response:
        entry = self.get_object()
        svc.time_entry_delete(entry_id=entry.pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
