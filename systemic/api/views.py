"""/api/v1/systemic-issues/ (+ suggestions): the same services, selectors and permission rules
as the pages."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import IdLookupMixin, validated
from ideas.registry import escalation_states
from ideas.selectors import visible_idea_ids

from .. import selectors as sel
from .. import services as svc
from ..forms import SystemicFilterForm
from .serializers import (
    LinkInputSerializer,
    SuggestionsSerializer,
    SuggestQuerySerializer,
    SystemicIssueDetailSerializer,
    SystemicIssueInputSerializer,
    SystemicIssueSerializer,
    UnlinkInputSerializer,
)

ISSUE_FILTERS = [
    OpenApiParameter("q", str, description="Words in the title or statement"),
    OpenApiParameter("status", str, description="open, monitoring or resolved"),
    OpenApiParameter("category", str, description="safety, quality, delivery, cost, people"),
    OpenApiParameter("owner_team", int, description="Owner team id"),
]


def with_tracking(user, issues: list) -> list:
    """Sets on each issue whether the user may see its tracking item and that item's latest
    escalation step (through the escalation app's registered provider): two queries at most,
    whatever the number of issues."""
    ids = [i.tracking_idea_id for i in issues if i.tracking_idea_id]
    visible = visible_idea_ids(user, ids)
    states = escalation_states([pk for pk in ids if pk in visible])
    for issue in issues:
        issue.tracking_visible = issue.tracking_idea_id in visible
        issue.tracking_escalation = states.get(issue.tracking_idea_id)
    return issues


class SystemicIssueViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """Problems that recur across teams or over time. Linked private items show as "Private
    item" (no id, title or team) to those who may not see them."""

    serializer_class = SystemicIssueSerializer
    filter_backends: list = []

    def _filters(self) -> dict:
        form = SystemicFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        return form.cleaned_data

    def get_queryset(self):
        if self.action == "list":
            return sel.systemic_issue_list(self.request.user, self._filters())
        return sel.systemic_issue_list(self.request.user)

    def get_serializer_class(self):
        return SystemicIssueDetailSerializer if self.action == "retrieve" else \
            SystemicIssueSerializer

    def _detail(self, issue_id, code=status.HTTP_200_OK) -> Response:
        issue = sel.issue_detail(self.request.user, issue_id)
        issue.problem_rows = sel.linked_problems(self.request.user, issue)
        with_tracking(self.request.user, [issue])
        return Response(SystemicIssueDetailSerializer(issue).data, status=code)

    @extend_schema(parameters=ISSUE_FILTERS)
    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        issues = with_tracking(request.user, sel.with_persistence(list(page)))
        return self.get_paginated_response(SystemicIssueSerializer(issues, many=True).data)

    def retrieve(self, request: Request, pk=None) -> Response:
        return self._detail(pk)

    @extend_schema(request=SystemicIssueInputSerializer,
                   responses={201: SystemicIssueDetailSerializer})
    def create(self, request: Request) -> Response:
        """Team leads, executives and admins open an issue (403 otherwise), optionally linking
        problems in the same action."""
        v = validated(SystemicIssueInputSerializer, request.data)
        issue = svc.systemic_issue_create(
            actor=request.user, title=v["title"], statement=v["statement"],
            category=v["category"], owner_team=v["owner_team"], problems=v.get("problems", []))
        return self._detail(issue.pk, status.HTTP_201_CREATED)

    @extend_schema(request=SystemicIssueInputSerializer, responses=SystemicIssueDetailSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        issue = sel.access_systemic_issue(request.user, pk)
        fields = validated(SystemicIssueInputSerializer, request.data, partial=True)
        fields.pop("problems", None)
        svc.systemic_issue_update(issue_id=issue.pk, actor=request.user, **fields)
        return self._detail(issue.pk)

    @extend_schema(request=LinkInputSerializer, responses=SystemicIssueDetailSerializer)
    @action(detail=True, methods=["post"])
    def link(self, request: Request, pk=None) -> Response:
        """Links problems in one action (all or nothing): 403 for an item you may not link,
        400 for one you cannot see."""
        issue = sel.access_systemic_issue(request.user, pk)
        svc.systemic_link(issue_id=issue.pk, actor=request.user,
                          idea_ids=validated(LinkInputSerializer, request.data)["ideas"])
        return self._detail(issue.pk)

    @extend_schema(request=UnlinkInputSerializer, responses=SystemicIssueDetailSerializer)
    @action(detail=True, methods=["post"])
    def unlink(self, request: Request, pk=None) -> Response:
        issue = sel.access_systemic_issue(request.user, pk)
        svc.systemic_unlink(issue_id=issue.pk, actor=request.user,
                            idea_id=validated(UnlinkInputSerializer, request.data)["idea"])
        return self._detail(issue.pk)

    @extend_schema(request=None, responses=SystemicIssueDetailSerializer)
    @action(detail=True, methods=["post"])
    def track(self, request: Request, pk=None) -> Response:
        """Creates (once) the system-level item that carries the work; escalate that item
        through /api/v1/ideas/{id}/escalate/."""
        issue = sel.access_systemic_issue(request.user, pk)
        svc.systemic_issue_track(issue_id=issue.pk, actor=request.user)
        return self._detail(issue.pk)

    @extend_schema(responses=SuggestionsSerializer)
    @action(detail=True, methods=["get"])
    def suggestions(self, request: Request, pk=None) -> Response:
        """Open and recent problems of the issue's category with similar titles, not yet
        linked, that you may see (one trigram-indexed query)."""
        issue = sel.access_systemic_issue(request.user, pk)
        found = sel.suggestions(request.user, text=issue.title, category=issue.category,
                                issue=issue)
        return Response(SuggestionsSerializer(found).data)

    @extend_schema(parameters=[OpenApiParameter("text", str, required=True),
                               OpenApiParameter("category", str)],
                   responses=SuggestionsSerializer, operation_id="systemic_issues_suggest")
    @action(detail=False, methods=["get"], url_path="suggestions")
    def suggest(self, request: Request) -> Response:
        """Recurring problems like ``text`` (before opening an issue)."""
        query = validated(SuggestQuerySerializer, request.query_params)
        found = sel.suggestions(request.user, text=query["text"],
                                category=query.get("category", ""))
        return Response(SuggestionsSerializer(found).data)
