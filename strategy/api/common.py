"""What the strategy API views share — and the system-work APIs built on strategy (experiments,
reviews, standards): the methods they answer, executives-only writes, the viewset every strategy
resource starts from (and the one for resources annotated before they are shown), a person as
the API shows one."""

from rest_framework import mixins, permissions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import IdLookupMixin, validated

from ..permissions import can_manage_strategy
from ..services import NOT_EXECUTIVE

WRITE_METHODS = ["get", "post", "patch", "head", "options"]


class ExecutivesWrite(permissions.BasePermission):
    """Reads for everyone logged in; writes for executives and admins."""

    message = NOT_EXECUTIVE

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or can_manage_strategy(request.user)


# A strategy resource: everyone logged in lists and reads it; executives write it, through the
# services, in the create, partial_update and actions each viewset adds. A write answers the row
# as the viewset shows it (``fresh``). A comment, not a docstring: the API schema would take a
# docstring as the description of every viewset that has none of its own.
class StrategyViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, ExecutivesWrite]
    http_method_names = WRITE_METHODS
    input_serializer_class: type | None = None

    def fresh(self, pk, code: int = status.HTTP_200_OK) -> Response:
        """The row ``pk``, read again, as this viewset shows it."""
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data, status=code)

    def write(self, service, *, code: int = status.HTTP_200_OK, partial: bool = False,
              **ids) -> Response:
        """Calls ``service`` with ``ids``, the caller as actor and the validated input
        (``input_serializer_class``; ``partial`` for an edit); answers the row it returns."""
        data = validated(self.input_serializer_class, self.request.data, partial=partial)
        return self.fresh(service(**ids, actor=self.request.user, **data).pk, code)


class AnnotatedViewSet(StrategyViewSet):
    """A strategy resource whose rows are annotated before they are shown (KPIs with their
    status, priorities with their figures). Each subclass defines ``rows_data(rows, many)``,
    which shows a page or one row; the list, the detail and the answer to a write all go
    through it. A subclass without it fails when it is defined, not at its first request."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not callable(getattr(cls, "rows_data", None)):
            raise TypeError(f"{cls.__name__} must define rows_data(rows, many)")

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.rows_data(list(page), many=True))

    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(self.rows_data([self.get_object()], many=False))

    def fresh(self, pk, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.rows_data([self.get_queryset().get(pk=pk)], many=False),
                        status=code)


def person(user) -> dict | None:
    return {"id": user.pk, "name": user.name} if user else None
