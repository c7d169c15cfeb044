"""/api/v1/ideas/{id}/hold-check/: the item's latest "did it hold?" check (GET) and its answer
(POST {"answer": "held" | "partly" | "slipped", "note"}). The same services as the page."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import validated

from .. import selectors, services
from .serializers import HoldCheckInputSerializer, HoldCheckSerializer


class IdeaHoldCheckView(APIView):
    """GET: the latest check of an item you may see (404 when it has none). POST: answer it —
    the item's owner and its team's leads (403 otherwise); 409 when already answered or the
    item was reopened; 400 with field errors for a bad answer or a missing note."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=HoldCheckSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(HoldCheckSerializer(selectors.latest_check(request.user, pk)).data)

    @extend_schema(request=HoldCheckInputSerializer, responses=HoldCheckSerializer)
    def post(self, request: Request, pk: int) -> Response:
        check = selectors.latest_check(request.user, pk)
        data = validated(HoldCheckInputSerializer, request.data)
        check = services.hold_check_answer(check_id=check.pk, actor=request.user, **data)
        return Response(HoldCheckSerializer(check).data)
