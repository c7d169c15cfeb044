"""Ids and numbers the database cannot hold, in the API and the pages: a 404 for an id in the
path, a 400 naming the parameter for one in the query string or the body (the API's error
shape), the page with its error or an empty result — never a 500."""

import pytest
from django.test import RequestFactory
from django_filters import ModelChoiceFilter
from rest_framework.request import Request

from config.api_urls import router
from core.filters import FilterBackend, FilterSet, IdFilter, IntegerFilter
from tests.core.world import build_world

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
BAD_IDS = ["null,null", "1e999", "-0", HUGE, "-1", "1.5", "²", "0"]
PREFIXES = sorted({prefix for prefix, _viewset, _basename in router.registry})


def _error_shape(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert isinstance(body["detail"], str) and isinstance(body["errors"], dict)
    return body


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_malformed_id_in_any_viewset_path_is_a_404(org, api, prefix, bad):
    body = _error_shape(api.as_user(org.admin).get(f"/api/v1/{prefix}/{bad}/"), 404)
    assert body["code"] == "not_found"


@pytest.mark.parametrize("method,path", [
    ("patch", "/api/v1/constraints/{}/"), ("post", "/api/v1/constraints/{}/lift/"),
    ("post", "/api/v1/escalations/{}/acknowledge/"), ("post", "/api/v1/boards/{}/move/"),
    ("patch", "/api/v1/boards/{}/settings/"), ("delete", "/api/v1/deployments/{}/"),
    ("post", "/api/v1/ideas/{}/transition/"), ("patch", "/api/v1/tiers/{}/"),
])
@pytest.mark.parametrize("bad", ["null,null", "1e999", "-0", HUGE])
def test_a_malformed_id_in_an_action_is_a_404_whatever_the_body(org, api, method, path, bad):
    # The scan's finds: PATCH /constraints/null,null/ and POST …/null,null/lift/ were 500s.
    response = getattr(api.as_user(org.admin), method)(path.format(bad), {"cause": "x"},
                                                       format="json")
    assert _error_shape(response, 404)["code"] == "not_found"


def test_an_anonymous_caller_is_told_to_log_in_before_the_id_is_looked_at(api):
    assert api.get("/api/v1/constraints/null,null/").status_code in (401, 403)


@pytest.mark.parametrize("query", [
    "idea=-4.03e149", "idea=1e999", f"idea={HUGE}", "idea=-0", "idea=1.5", "idea=null,null",
    "idea=²", f"team={HUGE}", "to_team=-1", f"from_team={HUGE}", "other_team=abc",
])
def test_the_escalation_filters_refuse_what_is_no_id(org, api, query):
    # The scan's find: ?idea=-4.03e149 was an OverflowError.
    body = _error_shape(api.as_user(org.admin).get(f"/api/v1/escalations/?{query}"), 400)
    name = query.split("=")[0]
    assert list(body["errors"]) == [name] and body["code"] == "invalid"


def _number_filters(user) -> list[tuple[str, str]]:
    """(prefix, parameter) of every id or number filter of every viewset's filter set."""
    django_request = RequestFactory().get("/")
    django_request.user = user
    request = Request(django_request)
    request.user = user
    found = []
    for prefix, viewset, _basename in router.registry:
        backends = [b for b in viewset.filter_backends if issubclass(b, FilterBackend)]
        if not backends:
            continue
        view = viewset(request=request, action="list", format_kwarg=None, kwargs={})
        filterset_class = backends[0]().get_filterset_class(view, view.get_queryset())
        if filterset_class is None:
            continue
        assert issubclass(filterset_class, FilterSet), prefix
        found += [(prefix, name) for name, f in filterset_class.base_filters.items()
                  if isinstance(f, (IdFilter, IntegerFilter, ModelChoiceFilter))]
    return found


def test_every_number_filter_of_every_viewset_refuses_what_no_column_holds(org, api):
    filters = _number_filters(org.admin)
    names = {f"{prefix}?{name}" for prefix, name in filters}
    for expected in ["escalations?idea", "escalations?team", "annual-goals?year",
                     "annual-goals?objective", "teams?tier__level", "teams?parent",
                     "priorities?goal__year", "experiments?idea", "huddles?team",
                     "tiers?level", "display-links?team", "standard-proposals?standard"]:
        assert expected in names
    wrong = []
    for prefix, name in filters:
        for bad in [HUGE, "-4.03e149", "1e999", "1.5", "²"]:
            response = api.as_user(org.admin).get(f"/api/v1/{prefix}/", {name: bad})
            if response.status_code != 400 or list(response.json()["errors"]) != [name]:
                wrong.append(f"{prefix}?{name}={bad} → {response.status_code}")
    assert not wrong


@pytest.mark.parametrize("url,name", [
    ("/api/v1/priorities/", "deployed_to"), ("/api/v1/constraints/", "applies_to"),
    ("/api/v1/time-entries/", "idea"), ("/api/v1/time-entries/", "team"),
    ("/api/v1/time-entries/", "user"),
])
@pytest.mark.parametrize("bad", [HUGE, "-0", "1e999", "²", "null,null"])
def test_ids_read_from_the_query_by_hand_are_checked_too(org, api, url, name, bad):
    body = _error_shape(api.as_user(org.admin).get(url, {name: bad}), 400)
    assert list(body["errors"]) == [name]


def test_a_real_id_filter_still_filters(org, api):
    world = build_world(org)
    rows = api.as_user(org.admin).get("/api/v1/escalations/",
                                      {"idea": world.ids["idea"]}).json()["results"]
    assert [r["id"] for r in rows] == [world.ids["escalation"]]
    assert api.as_user(org.admin).get("/api/v1/escalations/",
                                      {"idea": "9223372036854775807"}).json()["results"] == []


@pytest.mark.parametrize("path,body,field", [
    ("/api/v1/time-entries/", {"idea": int(HUGE), "hours": "1"}, "idea"),
    ("/api/v1/time-entries/", {"idea": "{idea}", "hours": "1", "team": -1}, "team"),
    ("/api/v1/priorities/{priority}/link/", {"idea": int(HUGE)}, "idea"),
    ("/api/v1/systemic-issues/{systemic_issue}/link/", {"ideas": [1, int(HUGE)]}, "ideas"),
    ("/api/v1/ideas/{idea}/escalate/", {"preview": True, "other_team": int(HUGE)},
     "other_team"),
    ("/api/v1/huddles/{huddle}/attendance/", {"user": int(HUGE)}, "user"),
    ("/api/v1/boards/{line1}/move/", {"idea": "{idea}", "to": "in_progress",
                                      "version": int(HUGE)}, "version"),
    ("/api/v1/tiers/", {"level": 40000, "name": "T5", "huddle_time": "09:00",
                        "authority_limit": "1", "aging_threshold_days": 5, "sla_ack_hours": 1,
                        "sla_resolve_hours": 2}, "level"),
    ("/api/v1/auth/token/", {"username": "x" * 10_000, "password": "x"}, "username"),
])
def test_ids_and_numbers_in_a_body_are_bounded(org, api, path, body, field):
    world = build_world(org)
    values = {**world.ids, "line1": org.line1.pk}
    body = {k: (int(v.format(**values)) if isinstance(v, str) and v.startswith("{") else v)
            for k, v in body.items()}
    response = api.as_user(org.admin).post(path.format(**values), body, format="json")
    assert field in _error_shape(response, 400)["errors"]


def test_the_schema_documents_id_filters_as_bounded_integers(org, api):
    schema = api.as_user(org.admin).get("/api/schema/?format=json").json()
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/escalations/"]["get"][
        "parameters"]}
    assert params["idea"] == {"type": "integer", "format": "int64", "minimum": 1,
                              "maximum": 2**63 - 1}


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize("url", [
    "/ideas/?owner=²", "/ideas/?reporter=99999999999999999999", "/ideas/?team=1e999",
    "/ideas/export.csv?owner=²", "/boards/line1/?owner=²", "/boards/line1/?owner=-0",
    "/strategy/?year=²", "/strategy/?year=99999999999999999999",
    "/strategy/priorities/new/?goal=²", "/strategy/goals/new/?objective=1e999",
    "/learning/?team=null,null", "/systemic-issues/?owner_team=99999999999999999999",
])
def test_pages_show_themselves_with_an_ignored_or_refused_parameter(org, client_as, url):
    build_world(org)
    assert client_as(org.admin).get(url).status_code == 200


def test_the_list_page_shows_the_bad_filter_as_an_error(org, client_as):
    response = client_as(org.member).get("/ideas/", {"owner": "²"})
    assert response.status_code == 200
    assert "Choose a person" in response.content.decode()


@pytest.mark.parametrize("url,status", [
    ("/escalations/new/?idea=²", 302), ("/escalations/new/?idea=99999999999999999999", 302),
    ("/scorecards/items/?scope=tier:²", 404), ("/scorecards/items/?scope=tier:99999", 404),
])
def test_a_page_about_something_that_cannot_exist_says_so(org, client_as, url, status):
    build_world(org)
    response = client_as(org.admin).get(url)
    assert response.status_code == status


@pytest.mark.parametrize("bad", ["1e999", HUGE, "ideas:list", "//evil.example/"])
def test_a_bad_next_falls_back_to_the_page_of_the_action(org, client_as, bad):
    response = client_as(org.lead).post("/boards/line1/sqdc/set/", {
        "category": "safety", "status": "green", "next": bad})
    assert response.status_code == 302
    assert response["Location"] == "/boards/line1/"


@pytest.mark.parametrize("bad", ["²", HUGE, "null,null"])
def test_huddle_forms_with_a_malformed_person_or_item_are_refused(org, client_as, bad):
    world = build_world(org)
    client = client_as(org.lead)
    base = f"/boards/line1/huddles/{world.ids['huddle']}"
    assert client.post(f"{base}/attendance/", {"user": bad, "present": "1"}).status_code < 500
    response = client.post(f"{base}/discussed/", {"idea": bad, "discussed": "1"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 400
