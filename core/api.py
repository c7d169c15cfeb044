"""What every app's API uses so that bad input is a 400 or a 404 in the API's error shape
(config/api.py), never a 500: an id in the path, an id or a number in the query string or in
the body, all checked against what PostgreSQL can hold (core.params)."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError

from .params import BIGINT_MAX, INT_MAX, INT_MIN, parse_id


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
