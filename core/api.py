"""API plumbing every app shares.

One error format: every error answers ``{"detail": str, "code": str, "errors": {field:
[messages]}}`` — 400 for validation, 403 for permission, 404 for not found (or not visible), 409
for conflicts (``exception_handler``). Pagination that stays fast on long lists. And bad input is
a 400 or a 404 in that shape, never a 500: an id in the path, an id or a number in the query
string or in the body, all checked against what PostgreSQL can hold (core.params).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError
from .pagination import COUNT_CAP, NarrowPaginator
from .params import BIGINT_MAX, INT_MAX, INT_MIN, parse_id


class CappedPaginator(NarrowPaginator):
    """Counts at most ``COUNT_CAP`` rows (see core.pagination)."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        kwargs.setdefault("count_cap", COUNT_CAP)
        super().__init__(object_list, per_page, *args, **kwargs)


class Pagination(PageNumberPagination):
    """The page's ids first, then just those rows; ``count`` is exact up to 10,000 rows —
    past that it says 10,001 and the answer carries ``"count_exact": false``."""

    django_paginator_class = CappedPaginator
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if not self.page.paginator.count_exact:
            response.data["count_exact"] = False
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_exact"] = {
            "type": "boolean", "example": False,
            "description": "Present (false) when the list has more than 10,000 rows: "
                           "count is then 10,001, a lower bound."}
        return schema


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for v in detail.values() for m in _flatten(v)]
    if isinstance(detail, list):
        return [m for v in detail for m in _flatten(v)]
    return [str(detail)]


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        errors = {exc.field or "non_field_errors": [exc.message]}
        body = {"detail": exc.message, "code": exc.code, "errors": errors, **exc.extra}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        messages = _flatten(errors)
        response.data = {
            "detail": messages[0] if len(messages) == 1 else "Invalid input.",
            "code": "invalid",
            "errors": errors,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "detail": str(exc.detail) if not isinstance(exc.detail, (dict, list)) else _flatten(exc.detail)[0],
            "code": codes if isinstance(codes, str) else "error",
            "errors": {},
        }
    return response


def validated(serializer_class, data, **kwargs) -> dict:
    """``data`` (a request's body or query) through an input serializer: its validated data, or
    a 400 with the field errors."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def not_an_id(raw) -> str:
    return f"“{str(raw)[:40]}” is not an id."


def query_id(request, name: str) -> int | None:
    """The id in query parameter ``name``; None when it is absent or empty; a 400 naming the
    parameter when it is anything but an id."""
    raw = request.query_params.get(name)
    if raw is None or raw.strip() == "":
        return None
    pk = parse_id(raw)
    if pk is None:
        raise ValidationError({name: [not_an_id(raw)]})
    return pk


class IdField(serializers.IntegerField):
    """An id in a request body (1 … 2^63-1): a larger one would reach PostgreSQL as a bigint
    out of range."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)


class IntegerField(serializers.IntegerField):
    """A whole number bounded by default to PostgreSQL's integer column."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", INT_MIN)
        kwargs.setdefault("max_value", INT_MAX)
        super().__init__(**kwargs)


class IdLookupMixin:
    """For viewsets whose ``{id}`` is a database id: an id that is not one (``null,null``,
    ``-0``, ``1e999``, 20 digits) is a 404 before the action runs, whether the action looks
    its object up through ``get_object()`` or by hand, in the API's error shape like any other
    missing object. (List filters are bounded by core.filters.FilterBackend, the default filter
    backend.)"""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication and permissions come first
        name = getattr(self, "lookup_url_kwarg", None) or getattr(self, "lookup_field", "pk")
        if name in kwargs and parse_id(kwargs[name]) is None:
            raise NotFound()  # the same answer as get_object() for an id that exists nowhere
