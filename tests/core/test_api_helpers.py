"""core.api and core.filters on their own: the id guard of viewsets, the bounded filter sets and
the bounded serializer fields."""

import django_filters
import pytest
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from core.api import IdField, IdLookupMixin, IntegerField, query_id
from core.filters import FilterBackend, FilterSet, IdFilter, IntegerFilter
from org.models import Team, Tier

HUGE = "99999999999999999999"


class ByHand(IdLookupMixin, viewsets.ViewSet):
    """An action that uses its id without get_object(): the mixin alone guards it."""

    def retrieve(self, request, pk=None):
        return Response({"id": int(pk)})


@pytest.mark.parametrize("pk,status", [
    ("7", 200), ("null,null", 404), ("1e999", 404), ("-0", 404), (HUGE, 404), ("²", 404),
    ("0", 404),
])
def test_the_id_guard_answers_404_before_the_action_runs(org, pk, status):
    request = APIRequestFactory().get(f"/x/{pk}/")
    force_authenticate(request, user=org.member)
    response = ByHand.as_view({"get": "retrieve"})(request, pk=pk)
    assert response.status_code == status
    if status == 404:
        assert response.data["code"] == "not_found"


def test_every_list_filter_is_bounded_by_default(db):
    from rest_framework.settings import api_settings

    assert FilterBackend in api_settings.DEFAULT_FILTER_BACKENDS
    assert not any(b is django_filters.rest_framework.DjangoFilterBackend
                   for b in api_settings.DEFAULT_FILTER_BACKENDS)


class TierFilters(FilterSet):
    class Meta:
        model = Tier
        fields = ["id", "level"]


class TeamFilters(FilterSet):
    class Meta:
        model = Team
        fields = ["tier", "tier__level"]


def test_generated_filters_for_ids_and_integer_columns_are_bounded():
    assert isinstance(TierFilters.base_filters["id"], IdFilter)
    level = TierFilters.base_filters["level"]
    assert isinstance(level, IntegerFilter)
    assert level.field.max_value == 32767  # PostgreSQL smallint (PositiveSmallIntegerField)
    assert isinstance(TeamFilters.base_filters["tier__level"], IntegerFilter)
    assert isinstance(TeamFilters.base_filters["tier"], django_filters.ModelChoiceFilter)


@pytest.mark.parametrize("data,valid", [
    ({"id": "3"}, True), ({"id": "3", "level": "2"}, True), ({"level": "-1"}, False),
    ({"id": HUGE}, False), ({"id": "-4.03e149"}, False), ({"id": "1.0"}, False),
    ({"level": "40000"}, False), ({"level": "1e3"}, False), ({"level": "²"}, False),
])
def test_bounded_filters_validate(db, data, valid):
    filters = TierFilters(data, queryset=Tier.objects.all())
    assert filters.is_valid() is valid, filters.errors
    if not valid:
        assert set(filters.errors) == set(data)  # each case has one bad parameter


@pytest.mark.parametrize("value,valid", [
    (1, True), ("12", True), (2**63 - 1, True), (0, False), (-1, False), (2**63, False),
    (int(HUGE), False), ("1.5", False), ("²", False), ([], False), (True, False),
])
def test_id_field_in_a_body(value, valid):
    from rest_framework import serializers

    class Body(serializers.Serializer):
        idea = IdField()

    assert Body(data={"idea": value}).is_valid() is valid


def test_integer_field_defaults_to_the_integer_column():
    from rest_framework import serializers

    class Body(serializers.Serializer):
        version = IntegerField(min_value=1)

    assert Body(data={"version": 2**31 - 1}).is_valid()
    assert not Body(data={"version": 2**31}).is_valid()
    assert not Body(data={"version": 0}).is_valid()


@pytest.mark.parametrize("raw,expected", [(None, None), ("", None), (" ", None), ("5", 5)])
def test_query_id_absent_or_valid(raw, expected):
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory as Factory

    params = {} if raw is None else {"team": raw}
    assert query_id(Request(Factory().get("/", params)), "team") == expected


@pytest.mark.parametrize("raw", ["0", "-1", HUGE, "x", "1e3", "²"])
def test_query_id_refuses_the_rest_naming_the_parameter(raw):
    from rest_framework.exceptions import ValidationError
    from rest_framework.request import Request

    with pytest.raises(ValidationError) as exc:
        query_id(Request(APIRequestFactory().get("/", {"team": raw})), "team")
    assert list(exc.value.detail) == ["team"]
