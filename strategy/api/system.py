"""System-work API: experiments, reviews, planning windows, standards and their proposals.
Same permissions as the pages; writes go through strategy.system_services."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import IdField, IdLookupMixin
from ideas.selectors import ideas_visible_to
from org.models import Team, Tier

from .. import system_selectors as sel
from .. import system_services as svc
from ..models import (
    KPI,
    Experiment,
    PlanningWindow,
    Review,
    ReviewFocus,
    Standard,
    StandardComment,
    StandardProposal,
    StandardVersion,
)
from ..permissions import can_manage_windows
from .views import _validated

WRITE = ["get", "post", "patch", "head", "options"]


def _person(user) -> dict | None:
    return {"id": user.pk, "name": user.name} if user else None


# ---------------------------------------------------------------- experiments


class ExperimentSerializer(serializers.ModelSerializer):
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = Experiment
        fields = ["id", "idea", "hypothesis", "signal", "kpi", "start", "end", "evidence",
                  "decision", "learning", "decided_by", "decided_at", "created_at"]

    def get_decided_by(self, exp) -> dict | None:
        return _person(exp.decided_by)


class ExperimentInputSerializer(serializers.Serializer):
    idea = IdField()
    hypothesis = serializers.CharField(max_length=2000)
    signal = serializers.CharField(max_length=300)
    kpi = serializers.PrimaryKeyRelatedField(queryset=KPI.objects.all(), required=False,
                                             allow_null=True)
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True)
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    learning = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class DecideInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Experiment.Decision.choices)
    evidence = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    learning = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ExperimentViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Experiments on the items the caller may see. Whoever may edit the item adds, edits and
    decides them; deciding needs evidence."""

    serializer_class = ExperimentSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = WRITE
    filterset_fields = ["idea", "decision", "kpi"]

    def get_queryset(self):
        return sel.experiments_visible_to(self.request.user).order_by("-start", "-pk")

    @extend_schema(request=ExperimentInputSerializer, responses=ExperimentSerializer)
    def create(self, request: Request) -> Response:
        data = _validated(ExperimentInputSerializer, request.data)
        extra = {k: data.pop(k) for k in ("evidence", "learning") if k in data}
        exp = svc.experiment_create(idea_id=data.pop("idea"), actor=request.user, **data)
        if extra.get("evidence") or extra.get("learning"):
            exp = svc.experiment_update(experiment_id=exp.pk, actor=request.user, **extra)
        return Response(ExperimentSerializer(exp).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExperimentInputSerializer, responses=ExperimentSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        exp = self.get_object()
        data = _validated(ExperimentInputSerializer, request.data, partial=True)
        data.pop("idea", None)
        exp = svc.experiment_update(experiment_id=exp.pk, actor=request.user, **data)
        return Response(ExperimentSerializer(self.get_queryset().get(pk=exp.pk)).data)

    @extend_schema(request=DecideInputSerializer, responses=ExperimentSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk=None) -> Response:
        exp = self.get_object()
        data = _validated(DecideInputSerializer, request.data)
        exp = svc.experiment_decide(experiment_id=exp.pk, actor=request.user,
                                    decision=data["decision"],
                                    evidence=data.get("evidence") or None,
                                    learning=data.get("learning", ""))
        return Response(ExperimentSerializer(self.get_queryset().get(pk=exp.pk)).data)


# ---------------------------------------------------------------- reviews


class FocusSerializer(serializers.ModelSerializer):
    idea = serializers.SerializerMethodField()
    systemic_issue = serializers.SerializerMethodField()

    class Meta:
        model = ReviewFocus
        fields = ["id", "idea", "systemic_issue", "note"]

    def get_idea(self, focus) -> dict | None:
        if not focus.idea_id:
            return None
        if not getattr(focus, "visible", True):
            return {"id": None, "title": "A private item"}
        return {"id": focus.idea_id, "title": focus.idea.title, "status": focus.idea.status}

    def get_systemic_issue(self, focus) -> dict | None:
        s = focus.systemic_issue
        return {"id": s.pk, "title": s.title} if s else None


class ReviewSerializer(serializers.ModelSerializer):
    focus_areas = FocusSerializer(many=True, read_only=True)
    held_by = serializers.SerializerMethodField()
    tier_level = serializers.IntegerField(source="tier.level", read_only=True, default=None)

    class Meta:
        model = Review
        fields = ["id", "team", "tier", "tier_level", "held_on", "period_start", "assessment",
                  "notes", "held_by", "focus_areas", "created_at"]

    def get_held_by(self, review) -> dict | None:
        return _person(review.held_by)


class ReviewInputSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False,
                                              allow_null=True)
    tier = serializers.SlugRelatedField(slug_field="level", queryset=Tier.objects.all(),
                                        required=False, allow_null=True,
                                        help_text="The tier's level, for a tier review.")
    held_on = serializers.DateField()
    assessment = serializers.CharField(max_length=5000)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    focus_ideas = serializers.ListField(child=IdField(),
                                        required=False, max_length=50)
    focus_issues = serializers.ListField(child=IdField(),
                                         required=False, max_length=50)
    focus_notes = serializers.ListField(child=serializers.CharField(max_length=300),
                                        required=False, max_length=20)


class ReviewViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Improvement reviews held. Everyone logged in reads them (focus items they may not see
    show as “a private item”); only a team's leads record its review, only leads of teams at a
    tier record that tier's review, never for a future date."""

    serializer_class = ReviewSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["team", "tier"]

    def get_queryset(self):
        return (sel.reviews_visible_to(self.request.user)
                .prefetch_related(sel.focus_prefetch(self.request.user))
                .order_by("-held_on", "-pk"))

    def _out(self, reviews: list[Review], many: bool):
        sel.hide_invisible_focus(reviews, self.request.user)
        return ReviewSerializer(reviews, many=True).data if many else \
            ReviewSerializer(reviews[0]).data

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._out(list(page), many=True))

    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(self._out([self.get_object()], many=False))

    @extend_schema(request=ReviewInputSerializer, responses=ReviewSerializer)
    def create(self, request: Request) -> Response:
        data = _validated(ReviewInputSerializer, request.data)
        review = svc.review_create(actor=request.user, **data)
        out = self._out([self.get_queryset().get(pk=review.pk)], many=False)
        return Response(out, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("missed_since", str,
                                                description="YYYY-MM-DD, default 90 days ago")],
                   responses={200: dict})
    @action(detail=False, methods=["get"])
    def missed(self, request: Request) -> Response:
        """Per team with a cadence: review slots expected, held and missed since a date."""
        from datetime import timedelta

        from django.utils import timezone
        from django.utils.dateparse import parse_date

        today = timezone.localdate()
        raw = request.query_params.get("missed_since")
        start = parse_date(raw) if raw else today - timedelta(days=90)
        if start is None:
            raise serializers.ValidationError({"missed_since": ["Use YYYY-MM-DD."]})
        per = sel.missed_reviews(start=start, end=today)
        return Response([{"team": k, "every": v["every"], "expected": v["expected"],
                          "held": v["held"], "missed": v["missed"],
                          "missed_periods": [[s, e] for s, e in v["missed_slots"]],
                          "last_review": v["last_review"], "next_due": v["next_due"]}
                         for k, v in sorted(per.items())])


# ---------------------------------------------------------------- planning windows


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


class PlanningWindowViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """Planning windows: inside one, priorities and constraints change freely; outside, a
    change needs a cause and counts as churn. Everyone reads; admins write."""

    serializer_class = WindowSerializer
    permission_classes = [permissions.IsAuthenticated, AdminsWrite]
    http_method_names = WRITE + ["delete"]

    def get_queryset(self):
        return sel.windows()

    @extend_schema(request=WindowInputSerializer, responses=WindowSerializer)
    def create(self, request: Request) -> Response:
        window = svc.window_create(actor=request.user,
                                   **_validated(WindowInputSerializer, request.data))
        return Response(WindowSerializer(window).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WindowInputSerializer, responses=WindowSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        window = svc.window_update(window_id=self.get_object().pk, actor=request.user,
                                   **_validated(WindowInputSerializer, request.data,
                                                partial=True))
        return Response(WindowSerializer(window).data)

    def destroy(self, request: Request, pk=None) -> Response:
        svc.window_delete(window_id=self.get_object().pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- standards


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = StandardVersion
        fields = ["id", "number", "body", "change_note", "idea", "created_at"]


class StandardSerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField()
    owner_team = serializers.IntegerField(source="owner_team_id", read_only=True)
    pending = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Standard
        fields = ["id", "title", "summary", "owner_team", "owner", "review_date",
                  "current_version", "pending", "updated_at"]

    def get_owner(self, standard) -> dict | None:
        return _person(standard.owner)


class StandardDetailSerializer(StandardSerializer):
    versions = serializers.SerializerMethodField()

    class Meta(StandardSerializer.Meta):
        fields = StandardSerializer.Meta.fields + ["versions"]

    def get_versions(self, standard) -> list[dict]:
        out = []
        for v in standard.versions.all():
            data = VersionSerializer(v).data
            if v.idea_id and not getattr(v, "idea_visible", False):
                data["idea"] = None
            out.append(data)
        return out


class StandardInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    review_date = serializers.DateField()
    body = serializers.CharField(max_length=20000)


class StandardCardInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    review_date = serializers.DateField(required=False)


class StandardReviseInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    change_note = serializers.CharField(max_length=500)


class ProposalSerializer(serializers.ModelSerializer):
    idea = serializers.SerializerMethodField()
    proposed_by = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="version.number", read_only=True, default=None)

    class Meta:
        model = StandardProposal
        fields = ["id", "standard", "idea", "text", "state", "proposed_by", "proposed_at",
                  "decided_at", "reason", "version"]

    def get_idea(self, proposal) -> dict | None:
        if proposal.idea_id not in self.context.get("visible_ideas", set()):
            return {"id": None, "title": "A private item"}
        return {"id": proposal.idea_id, "title": proposal.idea.title}

    def get_proposed_by(self, proposal) -> dict | None:
        return _person(proposal.proposed_by)


class ProposalInputSerializer(serializers.Serializer):
    idea = IdField()
    text = serializers.CharField(max_length=5000)


class AcceptInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    change_note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DeclineInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CommentOutSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = StandardComment
        fields = ["id", "text", "author", "created_at"]

    def get_author(self, c) -> dict | None:
        return _person(c.author)


class CommentInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


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
    http_method_names = WRITE

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
                                       **_validated(StandardInputSerializer, request.data))
        return Response(StandardSerializer(self.get_queryset().get(pk=standard.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=StandardCardInputSerializer, responses=StandardSerializer)
    def partial_update(self, request: Request, pk=None) -> Response:
        standard = self.get_object()
        svc.standard_update(standard_id=standard.pk, actor=request.user,
                            **_validated(StandardCardInputSerializer, request.data))
        return Response(StandardSerializer(self.get_queryset().get(pk=standard.pk)).data)

    @extend_schema(request=StandardReviseInputSerializer, responses=VersionSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk=None) -> Response:
        version = svc.standard_revise(standard_id=self.get_object().pk, actor=request.user,
                                      **_validated(StandardReviseInputSerializer, request.data))
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ProposalSerializer(many=True))
    @extend_schema(methods=["POST"], request=ProposalInputSerializer,
                   responses=ProposalSerializer)
    @action(detail=True, methods=["get", "post"])
    def proposals(self, request: Request, pk=None) -> Response:
        standard = self.get_object()
        if request.method == "POST":
            data = _validated(ProposalInputSerializer, request.data)
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
                                           **_validated(CommentInSerializer, request.data))
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
                            **_validated(AcceptInputSerializer, request.data))
        return self._fresh(p.pk)

    @extend_schema(request=DeclineInputSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk=None) -> Response:
        p = self.get_object()
        svc.proposal_decline(proposal_id=p.pk, actor=request.user,
                             **_validated(DeclineInputSerializer, request.data))
        return self._fresh(p.pk)

