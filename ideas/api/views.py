"""/api/v1/ideas/: the same services, selectors and permission rules as the pages."""

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import IdLookupMixin, validated
from core.errors import DomainError, Forbidden

from .. import selectors, services
from ..filters import IdeaFilterForm
from ..learning import PARTS
from ..models import Comment, Idea, LearningMark
from ..permissions import access_idea, can_assign
from .serializers import (
    IdeaCommentInputSerializer,
    IdeaCommentSerializer,
    IdeaDetailSerializer,
    IdeaInputSerializer,
    IdeaSerializer,
    LearningMarkInputSerializer,
    LearningMarkSerializer,
    TransitionInputSerializer,
)

FILTER_PARAMS = [
    OpenApiParameter(name, str, description=text) for name, text in [
        ("q", "Full-text search"), ("team", "Team id"), ("mine", "true: my teams only"),
        ("status", "new, in_progress, done, declined, parked, open or closed (repeat or comma)"),
        ("kind", "problem or idea"), ("category", "safety, quality, delivery, cost, people"),
        ("priority", "low, normal, high"), ("level", "team, cross_team, system"),
        ("change_kind", "dependencies, architecture, deployment_safety, decision_boundaries, "
                        "policy_delay, feedback_quality, learning_loops, other"), ("owner", "User id, me or none"),
        ("reporter", "User id, me or none"), ("label", "Label name"),
        ("aging", "true: aging-flagged only"), ("escalated", "true: has an escalation"),
        ("attention", "true: new or aging"),
        ("sort", "-created, created, -activity, activity, priority, title, relevance"),
    ]
]


class IdeaViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    serializer_class = IdeaSerializer
    filter_backends: list = []  # the one filter set: ideas.filters.IdeaFilterForm

    def _filters(self) -> dict:
        params = self.request.query_params.copy()
        for flag in ("mine", "aging", "escalated", "attention", "private"):
            if params.get(flag, "").lower() in ("false", "0", "no"):
                params.pop(flag)
        form = IdeaFilterForm(params, user=self.request.user)
        if not form.is_valid():
            raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        return form.cleaned_data

    def get_queryset(self):
        if self.action == "list":
            return selectors.idea_list(self.request.user, self._filters())
        return selectors.with_list_data(selectors.ideas_visible_to(self.request.user))

    def get_serializer_class(self):
        return IdeaDetailSerializer if self.action == "retrieve" else IdeaSerializer

    def _show(self, idea_id: int, code=status.HTTP_200_OK) -> Response:
        idea = selectors.with_list_data(selectors.ideas_visible_to(self.request.user)).get(
            pk=idea_id)
        return Response(IdeaDetailSerializer(idea, context=self.get_serializer_context()).data,
                        status=code)

    def retrieve(self, request: Request, pk=None) -> Response:
        qs = self.get_queryset().prefetch_related("attachments__uploaded_by", "watchers")
        idea = access_idea(request.user, pk, queryset=qs)
        return Response(IdeaDetailSerializer(idea, context=self.get_serializer_context()).data)

    @extend_schema(parameters=FILTER_PARAMS)
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=IdeaInputSerializer, responses={201: IdeaDetailSerializer})
    def create(self, request: Request) -> Response:
        fields = validated(IdeaInputSerializer, request.data)
        fields.pop("version", None)
        if fields.get("owner") is not None and not can_assign(
                request.user, Idea(team=fields["team"], reporter=request.user)):
            raise Forbidden("Only the team's leads can assign an owner.")
        with transaction.atomic():
            labels = services.labels_resolve(fields.pop("labels", []))
            idea = services.idea_create(actor=request.user, labels=labels, **fields)
        return self._show(idea.pk, status.HTTP_201_CREATED)

    @extend_schema(request=IdeaInputSerializer, responses=IdeaDetailSerializer)
    def update(self, request: Request, pk=None, partial: bool = False) -> Response:
        idea = access_idea(request.user, pk)
        fields = validated(IdeaInputSerializer, request.data, partial=partial)
        version = fields.pop("version", None)
        if fields.pop("anonymous", False):
            raise DomainError("Whether an item names its reporter is chosen when it is raised.",
                              field="anonymous")
        labels = fields.pop("labels", None)
        owner_given = "owner" in fields
        owner = fields.pop("owner", None)
        with transaction.atomic():
            if labels is not None:
                labels = services.labels_resolve(labels)
            services.idea_update(idea_id=idea.pk, actor=request.user, expected_version=version,
                                 labels=labels, **fields)
            if owner_given and (owner.pk if owner else None) != idea.owner_id:
                services.idea_assign(idea_id=idea.pk, owner=owner, actor=request.user)
        return self._show(idea.pk)

    @extend_schema(request=IdeaInputSerializer, responses=IdeaDetailSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        return self.update(request, pk=pk, partial=True)

    @extend_schema(request=TransitionInputSerializer, responses=IdeaDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk=None) -> Response:
        """Moves the item: 400 with field errors (reason, learning), 403 if you may not move
        it, 409 if the move is not allowed from its status (the allowed ones are named)."""
        idea = access_idea(request.user, pk)
        v = validated(TransitionInputSerializer, request.data)
        services.idea_transition(
            idea_id=idea.pk, to=v["to"], actor=request.user, reason=v.get("reason", ""),
            learning=v.get("learning", ""), expected_version=v.get("version"),
            result=v.get("result"), actual_money_per_year=v.get("actual_money_per_year"),
            actual_hours_per_year=v.get("actual_hours_per_year"),
            actual_benefit=v.get("actual_benefit"),
            learning_parts={name: v.get(name, "") for name in PARTS})
        return self._show(idea.pk)

    @extend_schema(methods=["GET"], responses=LearningMarkSerializer(many=True))
    @extend_schema(methods=["POST"], request=LearningMarkInputSerializer,
                   responses={201: LearningMarkSerializer})
    @extend_schema(methods=["DELETE"], parameters=[
        OpenApiParameter("kind", str, required=True, description="reused or useful"),
        OpenApiParameter("team", int, description="The team whose mark to take back")],
        responses={204: None})
    @action(detail=True, methods=["get", "post", "delete"], url_path="learning-marks")
    def learning_marks(self, request: Request, pk=None) -> Response:
        """Other teams' marks on the item's learning. POST marks it reused (a lead of another
        team) or useful (such a lead or the CoE): 201, 403 for anyone else, 400 for bad input;
        DELETE takes a team's mark back (204)."""
        idea = access_idea(request.user, pk)
        if request.method == "POST":
            v = validated(LearningMarkInputSerializer, request.data)
            mark = services.learning_mark(idea_id=idea.pk, kind=v["kind"], actor=request.user,
                                          team_id=v.get("team"), note=v.get("note", ""))
            mark = LearningMark.objects.select_related("team", "marked_by").get(pk=mark.pk)
            return Response(LearningMarkSerializer(mark).data, status=status.HTTP_201_CREATED)
        if request.method == "DELETE":
            v = validated(LearningMarkInputSerializer, request.query_params)
            services.learning_unmark(idea_id=idea.pk, kind=v["kind"], actor=request.user,
                                     team_id=v.get("team"))
            return Response(status=status.HTTP_204_NO_CONTENT)
        qs = (LearningMark.objects.filter(idea=idea).select_related("team", "marked_by")
              .order_by("created_at", "id"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(LearningMarkSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], responses=IdeaCommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=IdeaCommentInputSerializer,
                   responses={201: IdeaCommentSerializer})
    @action(detail=True, methods=["get", "post"])
    def comments(self, request: Request, pk=None) -> Response:
        idea = access_idea(request.user, pk)
        if request.method == "POST":
            data = validated(IdeaCommentInputSerializer, request.data)
            comment = services.comment_create(idea_id=idea.pk, actor=request.user,
                                              text=data["text"])
            comment = (Comment.objects.select_related("author").prefetch_related("mentions")
                       .get(pk=comment.pk))
            return Response(IdeaCommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        qs = (Comment.objects.filter(idea=idea).select_related("author")
              .prefetch_related("mentions").order_by("created_at", "id"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(IdeaCommentSerializer(page, many=True).data)
