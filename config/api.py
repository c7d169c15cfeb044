"""API plumbing shared by every app: pagination and the one error format.

Every error answers ``{"detail": str, "code": str, "errors": {field: [messages]}}``:
400 for validation, 403 for permission, 404 for not found (or not visible), 409 for conflicts.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from org.errors import DomainError
from org.pagination import NarrowPaginator


class Pagination(PageNumberPagination):
    django_paginator_class = NarrowPaginator  # the page's ids first, then just those rows
    page_size_query_param = "page_size"
    max_page_size = 200


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
