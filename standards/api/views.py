"""/api/v1/standards/ (+ proposals, comments, revise) and /api/v1/standard-proposals/: same
permissions as the standards pages; writes go through standards.services."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import IdLookupMixin, validated
from ideas.selectors import ideas_visible_to
from strategy.api.common import WRITE_METHODS

from .. import selectors as sel
from .. import services as svc
from ..models import StandardProposal
from .serializers import (
    AcceptInputSerializer,
    CommentInSerializer,
    CommentOutSerializer,
    DeclineInputSerializer,
    ProposalInputSerializer,
    ProposalSerializer,
    StandardCardInputSerializer,
    StandardDetailSerializer,
    StandardInputSerializer,
    StandardReviseInputSerializer,
    StandardSerializer,
    VersionSerializer,
)


def _proposal_context(user, proposals) -> dict:
    ids = {p.idea_id for p in proposals}
    return {"visible_ideas": set(ideas_visible_to(user).filter(pk__in=ids)
                                 .values_list("pk", flat=True)) if ids else set()}


class StandardViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """The standards library. Everyone logged in reads, comments and (from a done item they
    may edit) proposes changes; only members of the Centre of Excellence create and edit
    standards — anyone else gets 403, executives included."""

    serializer_class = StandardSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = WRITE_METHODS

    def get_queryset(self):
        return sel.standards_listing()

    def retrieve(self, request: Request, pk=None) -> Response:
        standard = self.get_object()
        detail = sel.standard_detail(standard.pk, user=request.user)
        detail.pending = standard.pending
        return Response(StandardDetailSerializer(detail).data)

    @extend_schema(request=StandardInputSerializer, responses=StandardSerializer)
    def create(self, request: Request) -> Response:
        standard = svc.standard_create(actor=request.user,
                                       **validated(StandardInputSerializer, request.data))
        return Response(StandardSerializer(self.get_queryset().get(pk=standard.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=StandardCardInputSerializer, responses=StandardSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        standard = self.get_object()
        svc.standard_update(standard_id=standard.pk, actor=request.user,
                            **validated(StandardCardInputSerializer, request.data))
        return Response(StandardSerializer(self.get_queryset().get(pk=standard.pk)).data)

    @extend_schema(request=StandardReviseInputSerializer, responses=VersionSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk=None) -> Response:
        version = svc.standard_revise(standard_id=self.get_object().pk, actor=request.user,
                                      **validated(StandardReviseInputSerializer, request.data))
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ProposalSerializer(many=True))
    @extend_schema(methods=["POST"], request=ProposalInputSerializer,
                   responses=ProposalSerializer)
    @action(detail=True, methods=["get", "post"])
    def proposals(self, request: Request, pk=None) -> Response:
        standard = self.get_object()
        if request.method == "POST":
            data = validated(ProposalInputSerializer, request.data)
            proposal = svc.proposal_create(standard_id=standard.pk, idea_id=data["idea"],
                                           actor=request.user, text=data["text"])
            return Response(ProposalSerializer(proposal, context=_proposal_context(
                request.user, [proposal])).data, status=status.HTTP_201_CREATED)
        rows = list(standard.proposals.select_related("idea", "proposed_by", "version"))
        return Response(ProposalSerializer(rows, many=True,
                                           context=_proposal_context(request.user, rows)).data)

    @extend_schema(methods=["GET"], responses=CommentOutSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentInSerializer, responses=CommentOutSerializer)
    @action(detail=True, methods=["get", "post"])
    def comments(self, request: Request, pk=None) -> Response:
        standard = self.get_object()
        if request.method == "POST":
            comment = svc.standard_comment(standard_id=standard.pk, actor=request.user,
                                           **validated(CommentInSerializer, request.data))
            return Response(CommentOutSerializer(comment).data, status=status.HTTP_201_CREATED)
        rows = standard.comments.select_related("author")
        return Response(CommentOutSerializer(rows, many=True).data)


class ProposalViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Proposals to change standards; the CoE accepts (a new version) or declines with a
    reason. Filter with ?state=pending."""

    serializer_class = ProposalSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["state", "standard"]

    def get_queryset(self):
        return (StandardProposal.objects.select_related("idea", "proposed_by", "version")
                .order_by("-proposed_at", "-pk"))

    def list(self, request: Request) -> Response:
        page = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(ProposalSerializer(
            page, many=True, context=_proposal_context(request.user, page)).data)

    def retrieve(self, request: Request, pk=None) -> Response:
        p = self.get_object()
        return Response(ProposalSerializer(p, context=_proposal_context(request.user, [p])).data)

    def _fresh(self, pk) -> Response:
        p = self.get_queryset().get(pk=pk)
        return Response(ProposalSerializer(p, context=_proposal_context(self.request.user,
                                                                        [p])).data)

    @extend_schema(request=AcceptInputSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None) -> Response:
        p = self.get_object()
        svc.proposal_accept(proposal_id=p.pk, actor=request.user,
                            **validated(AcceptInputSerializer, request.data))
        return self._fresh(p.pk)

    @extend_schema(request=DeclineInputSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk=None) -> Response:
        p = self.get_object()
        svc.proposal_decline(proposal_id=p.pk, actor=request.user,
                             **validated(DeclineInputSerializer, request.data))
        return self._fresh(p.pk)
