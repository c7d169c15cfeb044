"""List filters (django-filter) that refuse what the database cannot compare: an id filter takes
1 … 2^63-1 in ASCII digits, an integer filter the range of its column; anything else — ``1.5``,
``-4.03e149``, ``1e999``, ``null,null``, 20 digits — is a 400 naming the parameter, never a
500 and never a silently empty or wrong list.

Every FilterSet of the API derives from :class:`FilterSet`; viewsets that list their
``filterset_fields`` get the same through :class:`FilterBackend`. The pages' filter forms, once
cleaned, narrow their lists with :func:`filter_equal`.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db import connection, models
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.rest_framework import FilterSet as RestFilterSet
from drf_spectacular.utils import extend_schema_field

from .params import BIGINT_MAX, INT_MAX, INT_MIN, parse_id, parse_int


class IdFormField(forms.Field):
    """A database id: ASCII digits, 1 … 2^63-1."""

    default_error_messages = {"invalid": "“%(value)s” is not an id."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        pk = parse_id(value if isinstance(value, int) else str(value))
        if pk is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid",
                                        params={"value": str(value)[:40]})
        return pk


class IntegerFormField(forms.Field):
    """A whole number within ``min_value`` … ``max_value`` (ASCII digits, optional sign)."""

    default_error_messages = {
        "invalid": "Enter a whole number.",
        "range": "Enter a whole number from %(low)s to %(high)s.",
    }

    def __init__(self, *, min_value: int = INT_MIN, max_value: int = INT_MAX, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_int(value if isinstance(value, int) else str(value),
                           low=-(10**40), high=10**40)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not self.min_value <= number <= self.max_value:
            raise forms.ValidationError(self.error_messages["range"], code="range",
                                        params={"low": self.min_value, "high": self.max_value})
        return number


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": BIGINT_MAX})
class IdFilter(django_filters.Filter):
    """Filters on an id (``field_name`` such as ``idea_id``); 400 for anything but an id."""

    field_class = IdFormField


@extend_schema_field({"type": "integer"})
class IntegerFilter(django_filters.Filter):
    """Filters on an integer column; ``min_value`` / ``max_value`` default to the column's
    range (PostgreSQL integer)."""

    field_class = IntegerFormField


def integer_range(field: models.Field) -> tuple[int, int]:
    """What the database column of ``field`` can hold."""
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return (INT_MIN if low is None else low), (INT_MAX if high is None else high)


class FilterSet(RestFilterSet):
    """django-filter's FilterSet, but the filters it makes for id and integer columns are
    bounded (IdFilter / IntegerFilter) instead of accepting any decimal number."""

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        filter_class, params = super().filter_for_lookup(field, lookup_type)
        integer = isinstance(field, (models.AutoField, models.IntegerField))
        if filter_class is django_filters.NumberFilter and integer and lookup_type in (
                "exact", "gt", "gte", "lt", "lte"):
            if field.primary_key:
                return IdFilter, {}
            low, high = integer_range(field)
            return IntegerFilter, {"min_value": low, "max_value": high}
        return filter_class, params


class FilterBackend(DjangoFilterBackend):
    """The filter backend of the API (``filterset_fields`` get a :class:`FilterSet`)."""

    filterset_base = FilterSet


def filter_equal(qs: QuerySet, f: dict, fields) -> QuerySet:
    """``qs`` narrowed to the rows whose ``fields`` equal the values a cleaned filter form
    ``f`` gives for them (a field left empty does not narrow)."""
    for field in fields:
        if f.get(field):
            qs = qs.filter(**{field: f[field]})
    return qs
