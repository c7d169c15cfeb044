"""core.params: what counts as an id, a whole number and a safe redirect target."""

import pytest
from django.test import RequestFactory

from core.params import BIGINT_MAX, ids, local_url, parse_id, parse_int


@pytest.mark.parametrize("raw,expected", [
    ("1", 1), ("42", 42), (" 7 ", 7), ("007", 7), (42, 42), (str(BIGINT_MAX), BIGINT_MAX),
])
def test_ids_are_ascii_digits_within_bigint(raw, expected):
    assert parse_id(raw) == expected


@pytest.mark.parametrize("raw", [
    None, "", " ", "0", "-0", "-1", "+1", "1.0", "1.5", "1e3", "1e999", "-4.03e149",
    str(BIGINT_MAX + 1), "99999999999999999999", "null", "null,null", "1,2", "0x10", "²", "①",
    "١٢", "12abc", "1 2", "\x00", "1\x00", True, False, 0, -5, 2**63, 1.0, [1], {"id": 1},
])
def test_anything_else_is_not_an_id(raw):
    assert parse_id(raw) is None


@pytest.mark.parametrize("raw,low,high,expected", [
    ("5", 1, 10, 5), ("-3", -5, 5, -3), ("+3", 0, 5, 3), ("0", 0, 0, 0), ("-0", -1, 1, 0),
    ("11", 1, 10, None), ("-6", -5, 5, None), ("2.0", 0, 5, None), ("1e1", 0, 100, None),
    ("²", 0, 9, None), ("", 0, 9, None), (None, 0, 9, None), (True, 0, 9, None),
    ("9" * 41, 0, 10**50, None),
])
def test_whole_numbers_within_bounds(raw, low, high, expected):
    assert parse_int(raw, low=low, high=high) == expected


def test_ids_keeps_the_valid_ones_in_order_once():
    assert ids(["3", "x", "1", "3", "²", "99999999999999999999", "2"]) == [3, 1, 2]
    assert ids(None) == []


@pytest.mark.parametrize("target,expected", [
    ("/ideas/?q=x", "/ideas/?q=x"), ("/", "/"),
    ("1e999", ""), ("99999999999999999999", ""), ("ideas:list", ""), ("", ""), (None, ""),
    ("//evil.example/", ""), ("/\\evil.example/", ""), ("https://evil.example/", ""),
    ("http://testserver/ideas/", ""), ("javascript:alert(1)", ""),
])
def test_local_url_is_a_path_on_this_site(target, expected):
    request = RequestFactory().get("/")
    assert local_url(request, target) == expected
