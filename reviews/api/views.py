"""/api/v1/reviews/ (+ missed): same permissions as the review pages; writes go through
reviews.services."""

from datetime import timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import IdLookupMixin, validated

from .. import selectors as sel
from .. import services as svc
from ..models import Review
from .serializers import ReviewInputSerializer, ReviewSerializer


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
        data = validated(ReviewInputSerializer, request.data)
        review = svc.review_create(actor=request.user, **data)
        out = self._out([self.get_queryset().get(pk=review.pk)], many=False)
        return Response(out, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("missed_since", str,
                                                description="YYYY-MM-DD, default 90 days ago")],
                   responses={200: dict})
    @action(detail=False, methods=["get"])
    def missed(self, request: Request) -> Response:
        """Per team with a cadence: review slots expected, held and missed since a date."""
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
