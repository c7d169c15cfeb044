"""/api/v1/boards, huddles, sqdc-days and display-links: behaviour, bad input, permissions and
query counts."""

from datetime import timedelta
from functools import partial

import pytest
from django.utils import timezone

from huddles import services
from huddles.models import DisplayLink, Huddle, SqdcDay
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


class TestBoardApi:
    def test_columns_cards_and_version(self, org, card, api):
        new = card(title="Oil leak", owner=org.lead, required_spend=250)
        card(title="Secret", is_private=True)
        response = api.as_user(org.other).get(f"/api/v1/boards/{org.line1.pk}/")
        assert response.status_code == 200
        body = response.json()
        assert body["version"] and response["ETag"] == f'"{body["version"]}"'
        assert [c["key"] for c in body["columns"]] == ["new", "in_progress", "waiting", "done"]
        cards = body["columns"][0]["cards"]
        assert [c["title"] for c in cards] == ["Oil leak"]  # the private one is left out
        assert body["columns"][0]["total"] == 1
        first = cards[0]
        assert first["version"] == new.version and first["owner"]["initials"] == org.lead.initials
        assert first["required_spend"] == "250.00" and first["can_move"] is False
        assert body["escalated_to_us"]["key"] == "escalated"
        assert [x["category"] for x in body["sqdc"]] == ["safety", "quality", "delivery",
                                                         "cost"]

    def test_conditional_get(self, org, card, api):
        card()
        client = api.as_user(org.member)
        first = client.get(f"/api/v1/boards/{org.line1.pk}/")
        again = client.get(f"/api/v1/boards/{org.line1.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304

    def test_move_200_then_409(self, org, card, api):
        idea = card()
        client = api.as_user(org.lead)
        url = f"/api/v1/boards/{org.line1.pk}/"
        response = client.post(url, {"idea": idea.pk, "to": "in_progress",
                                     "version": idea.version}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["card"]["status"] == "in_progress"
        assert response.json()["card"]["version"] == idea.version + 1
        stale = client.post(url, {"idea": idea.pk, "to": "parked", "version": idea.version},
                            format="json")
        assert stale.status_code == 409
        assert stale.json()["code"] == "conflict" and stale.json()["status"] == "in_progress"
        via_action = client.post(f"{url}move/", {"idea": idea.pk, "to": "parked",
                                                 "version": idea.version + 1}, format="json")
        assert via_action.status_code == 200

    @pytest.mark.parametrize("payload,status,field", [
        ({"idea": None, "to": "in_progress", "version": 1}, 400, "idea"),
        ({"idea": "abc", "to": "in_progress", "version": 1}, 400, "idea"),
        ({"to": "in_progress"}, 400, "version"),
        ({"to": "in_progress", "version": 0}, 400, "version"),
        ({"to": "sideways", "version": 1}, 400, "to"),
        ({"to": "done", "version": 1, "learning": "x"}, 409, None),
    ])
    def test_bad_moves(self, org, card, api, payload, status, field):
        idea = card()
        payload = {k: v for k, v in {"idea": idea.pk, **payload}.items() if v is not None}
        response = api.as_user(org.lead).post(f"/api/v1/boards/{org.line1.pk}/", payload,
                                              format="json")
        assert response.status_code == status, response.json()
        if field:
            assert field in response.json()["errors"]
        idea.refresh_from_db()
        assert idea.status == "new"

    def test_move_on_another_teams_board(self, org, card, api):
        idea = card(team=org.line2, reporter=org.other)
        response = api.as_user(org.admin).post(
            f"/api/v1/boards/{org.line1.pk}/",
            {"idea": idea.pk, "to": "in_progress", "version": idea.version}, format="json")
        assert response.status_code == 400 and "idea" in response.json()["errors"]

    def test_learning_needed(self, org, card, api):
        idea = card(status="in_progress")
        url = f"/api/v1/boards/{org.line1.pk}/"
        response = api.as_user(org.lead).post(url, {"idea": idea.pk, "to": "done",
                                                    "version": idea.version}, format="json")
        assert response.status_code == 400 and "learning" in response.json()["errors"]

    def test_settings(self, org, api):
        url = f"/api/v1/boards/{org.line1.pk}/settings/"
        assert api.as_user(org.member).get(url).json()["refresh_seconds"] == 30
        assert api.as_user(org.member).patch(url, {"wip_new": 4}, format="json"
                                             ).status_code == 403
        response = api.as_user(org.lead).patch(url, {"wip_new": 4, "wip_waiting": None},
                                               format="json")
        assert response.status_code == 200 and response.json()["wip_new"] == 4
        for bad in (-1, 10**9):
            response = api.as_user(org.lead).patch(url, {"wip_new": bad}, format="json")
            assert response.status_code == 400 and "wip_new" in response.json()["errors"]

    def test_unknown_board(self, org, api):
        assert api.as_user(org.member).get("/api/v1/boards/999999/").status_code == 404
        assert api.as_user(org.member).get("/api/v1/boards/").status_code == 200


class TestHuddleApi:
    def test_start_attend_discuss_end(self, org, card, api):
        idea = card()
        client = api.as_user(org.lead)
        response = client.post("/api/v1/huddles/", {"team": org.line1.pk}, format="json")
        assert response.status_code == 201, response.json()
        huddle = response.json()
        assert huddle["is_open"] and [a["id"] for a in huddle["attendees"]] == [org.lead.pk]
        url = f"/api/v1/huddles/{huddle['id']}/"
        second = client.post("/api/v1/huddles/", {"team": org.line1.pk}, format="json")
        assert second.status_code == 409
        response = client.post(f"{url}attendance/", {"user": org.member.pk, "present": True},
                               format="json")
        assert {a["id"] for a in response.json()["attendees"]} == {org.lead.pk, org.member.pk}
        bad = client.post(f"{url}attendance/", {"user": org.other.pk}, format="json")
        assert bad.status_code == 400 and "user" in bad.json()["errors"]
        response = client.post(f"{url}discussed/", {"idea": idea.pk}, format="json")
        assert response.json()["discussed"] == [idea.pk]
        response = client.patch(url, {"notes": "Guard ordered", "guests": "Safety rep"},
                                format="json")
        assert response.json()["notes"] == "Guard ordered"
        assert response.json()["guests"] == ["Safety rep"]
        response = client.post(f"{url}end/", {}, format="json")
        assert response.status_code == 200 and response.json()["is_open"] is False
        assert response.json()["duration_minutes"] == 0
        assert client.post(f"{url}end/", {}, format="json").status_code == 409

    def test_list_filters_and_visibility(self, org, api):
        mine = services.huddle_start(team=org.line1, actor=org.lead)
        theirs = services.huddle_start(team=org.line2, actor=org.other)
        old_day = timezone.localdate() - timedelta(days=10)
        Huddle.objects.create(team=org.line1, date=old_day, started_at=timezone.now()
                              - timedelta(days=10), ended_at=timezone.now()
                              - timedelta(days=10) + timedelta(minutes=9))

        def ids(user, **params):
            response = api.as_user(user).get("/api/v1/huddles/", params)
            assert response.status_code == 200
            return {h["id"] for h in response.json()["results"]}

        assert mine.pk in ids(org.member) and theirs.pk not in ids(org.member)
        assert {mine.pk, theirs.pk} <= ids(org.supervisor)
        assert {mine.pk, theirs.pk} <= ids(org.executive)
        assert ids(org.member, date_after=timezone.localdate().isoformat()) == {mine.pk}
        assert len(ids(org.member, date_before=old_day.isoformat())) == 1
        assert ids(org.supervisor, team=org.line2.pk) == {theirs.pk}
        assert ids(org.member, open="true") == {mine.pk}
        assert api.as_user(org.member).get(f"/api/v1/huddles/{theirs.pk}/").status_code == 404

    def test_discussed_private_items_do_not_leak(self, org, card, api):
        secret = card(is_private=True, title="Secret")
        huddle = services.huddle_start(team=org.line1, actor=org.lead)
        services.huddle_mark_discussed(huddle_id=huddle.pk, actor=org.lead, idea_id=secret.pk)
        assert api.as_user(org.lead).get(f"/api/v1/huddles/{huddle.pk}/").json()[
            "discussed"] == [secret.pk]
        assert api.as_user(org.supervisor).get(f"/api/v1/huddles/{huddle.pk}/").json()[
            "discussed"] == []


class TestSqdcApi:
    def test_set_and_filter(self, org, api):
        today = timezone.localdate()
        client = api.as_user(org.member)
        response = client.post("/api/v1/sqdc-days/", {
            "team": org.line1.pk, "date": today.isoformat(), "category": "safety",
            "status": "green"}, format="json")
        assert response.status_code == 201, response.json()
        again = client.post("/api/v1/sqdc-days/", {
            "team": org.line1.pk, "date": today.isoformat(), "category": "safety",
            "status": "amber", "note": "Slippery floor"}, format="json")
        assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
        services.sqdc_set(team=org.line1, day=today - timedelta(days=3), category="cost",
                          status="red", note="Overtime", actor=org.lead)
        services.sqdc_set(team=org.line2, day=today, category="safety", status="green",
                          actor=org.other)

        def rows(**params):
            return client.get("/api/v1/sqdc-days/", params).json()["results"]

        assert len(rows()) == 3
        assert len(rows(team=org.line1.pk)) == 2
        assert [r["category"] for r in rows(team=org.line1.pk, category="cost")] == ["cost"]
        assert len(rows(date_after=today.isoformat())) == 2
        assert len(rows(date_before=(today - timedelta(days=1)).isoformat())) == 1
        assert rows(status="red")[0]["note"] == "Overtime"

    @pytest.mark.parametrize("payload,field", [
        ({"status": "red"}, "note"),
        ({"status": "red", "note": "  "}, "note"),
        ({"date": "future"}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"category": "morale"}, "category"),
        ({"status": "purple"}, "status"),
        ({"category": "people"}, "category"),
        ({"team": 999999}, "team"),
    ])
    def test_bad_input(self, org, api, payload, field):
        body = {"team": org.line1.pk, "date": timezone.localdate().isoformat(),
                "category": "safety", "status": "green", **payload}
        if body["date"] == "future":
            body["date"] = (timezone.localdate() + timedelta(days=1)).isoformat()
        response = api.as_user(org.lead).post("/api/v1/sqdc-days/", body, format="json")
        assert response.status_code == 400, response.json()
        assert field in response.json()["errors"]
        assert not SqdcDay.objects.exists()


class TestDisplayLinkApi:
    def test_create_list_revoke(self, org, api, client):
        lead = api.as_user(org.lead)
        response = lead.post("/api/v1/display-links/", {"team": org.line1.pk,
                                                        "label": "Canteen TV"}, format="json")
        assert response.status_code == 201
        url = response.json()["url"]
        assert "/boards/line1/wall/?key=" in url
        link_id = response.json()["id"]
        listed = lead.get("/api/v1/display-links/").json()["results"]
        assert [x["id"] for x in listed] == [link_id] and "url" not in listed[0]
        assert listed[0]["state"] == "active"
        path = url.split("testserver", 1)[1]
        assert client.get(path).status_code == 200
        revoked = lead.post(f"/api/v1/display-links/{link_id}/revoke/")
        assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
        assert client.get(path).status_code == 403

    def test_others_see_and_do_nothing(self, org, api, display_link):
        link, _ = display_link()
        for who in ("member", "other", "supervisor", "executive"):
            client = api.as_user(getattr(org, who))
            assert client.get("/api/v1/display-links/").json()["results"] == []
            assert client.post("/api/v1/display-links/", {"team": org.line1.pk, "label": "TV"},
                               format="json").status_code == 403
            assert client.post(f"/api/v1/display-links/{link.pk}/revoke/").status_code == 404
        assert DisplayLink.objects.count() == 1

    def test_bad_input(self, org, api):
        lead = api.as_user(org.lead)
        past = (timezone.now() - timedelta(days=1)).isoformat()
        response = lead.post("/api/v1/display-links/", {"team": org.line1.pk, "label": "TV",
                                                        "expires_at": past}, format="json")
        assert response.status_code == 400 and "expires_at" in response.json()["errors"]
        response = lead.post("/api/v1/display-links/", {"team": org.line1.pk, "label": ""},
                             format="json")
        assert response.status_code == 400 and "label" in response.json()["errors"]


# --------------------------------------------------------------------------- permission matrix

ROLES = ["member", "lead", "other", "executive", "admin"]


def _matrix_cases(org, idea, huddle):
    line1 = org.line1.pk
    today = timezone.localdate().isoformat()
    return [
        # (method, url, payload, {role: expected status})
        ("get", f"/api/v1/boards/{line1}/", None,
         dict.fromkeys(ROLES, 200)),
        ("post", f"/api/v1/boards/{line1}/", {"idea": idea.pk, "to": "parked",
                                              "version": idea.version},
         {"member": 403, "lead": 200, "other": 403, "executive": 403, "admin": 200}),
        ("patch", f"/api/v1/boards/{line1}/settings/", {"wip_new": 5},
         {"member": 403, "lead": 200, "other": 403, "executive": 403, "admin": 200}),
        ("get", f"/api/v1/huddles/{huddle.pk}/", None,
         {"member": 200, "lead": 200, "other": 404, "executive": 200, "admin": 200}),
        ("post", f"/api/v1/huddles/{huddle.pk}/attendance/", {"user": org.member.pk},
         {"member": 200, "lead": 200, "other": 404, "executive": 403, "admin": 200}),
        ("post", "/api/v1/sqdc-days/", {"team": line1, "date": today, "category": "safety",
                                        "status": "green"},
         {"member": 201, "lead": 201, "other": 403, "executive": 403, "admin": 201}),
        ("post", "/api/v1/display-links/", {"team": line1, "label": "TV"},
         {"member": 403, "lead": 201, "other": 403, "executive": 403, "admin": 201}),
    ]


@pytest.mark.parametrize("case", range(7))
@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix(org, card, api, case, role):
    idea = card()
    huddle = services.huddle_start(team=org.line1, actor=org.lead)
    method, url, payload, expected = _matrix_cases(org, idea, huddle)[case]
    client = api.as_user(getattr(org, role))
    response = getattr(client, method)(url, payload, format="json") if payload else \
        getattr(client, method)(url)
    assert response.status_code == expected[role], (role, url, response.content[:300])


def test_html_permission_matrix(org, card, client, display_link):
    """Pages × roles (and a display link): who gets what."""
    from django.test import Client

    huddle = services.huddle_start(team=org.line1, actor=org.lead)
    _, key = display_link()
    pages = {
        "/boards/line1/": {"member": 200, "lead": 200, "other": 200, "executive": 200,
                           "admin": 200, "link": 302},
        "/boards/line1/wall/": dict.fromkeys(["member", "lead", "other", "executive", "admin"],
                                             200) | {"link": 200},
        "/boards/line1/settings/": {"member": 403, "lead": 200, "other": 403, "executive": 403,
                                    "admin": 200, "link": 302},
        "/boards/sup/tier/": {"member": 403, "lead": 403, "other": 403, "executive": 200,
                              "admin": 200, "link": 302},
        "/boards/line1/huddles/": {"member": 200, "lead": 200, "other": 403, "executive": 200,
                                   "admin": 200, "link": 302},
        f"/boards/line1/huddles/{huddle.pk}/": {"member": 200, "lead": 200, "other": 403,
                                                "executive": 200, "admin": 200, "link": 302},
        "/boards/line1/sqdc/": dict.fromkeys(["member", "lead", "other", "executive", "admin"],
                                             200) | {"link": 302},
    }
    for url, expected in pages.items():
        for role, status in expected.items():
            c = Client()
            if role == "link":
                response = c.get(url, {"key": key})
            else:
                c.force_login(getattr(org, role), backend="org.backends.UsernameOrEmailBackend")
                response = c.get(url)
            assert response.status_code == status, (url, role, response.status_code)


# --------------------------------------------------------------------------- query counts


_count = partial(count_queries, warm=True)  # the forced user caches its team ids


def test_board_api_query_count_is_constant(org, cards, api):
    client = api.as_user(org.lead)
    services.huddle_start(team=org.line1, actor=org.lead)
    cards(10)
    ten = _count(client, f"/api/v1/boards/{org.line1.pk}/")
    cards(290)
    assert ten == _count(client, f"/api/v1/boards/{org.line1.pk}/")


def test_list_endpoints_query_counts_are_constant(org, card, api):
    client = api.as_user(org.supervisor)
    today = timezone.localdate()

    def add(n, offset):
        for i in range(offset, offset + n):
            day = today - timedelta(days=i)
            start = timezone.now() - timedelta(days=i)
            h = Huddle.objects.create(team=org.line1, date=day, started_at=start,
                                      ended_at=start + timedelta(minutes=10))
            h.attendees.add(org.member, org.lead)
            h.discussed.add(card())
            SqdcDay.objects.create(team=org.line1, date=day, category="safety",
                                   status="green")

    add(10, 0)
    huddles_10 = _count(client, "/api/v1/huddles/", {"page_size": 200})
    sqdc_10 = _count(client, "/api/v1/sqdc-days/", {"page_size": 200})
    add(90, 10)
    assert huddles_10 == _count(client, "/api/v1/huddles/", {"page_size": 200})
    assert sqdc_10 == _count(client, "/api/v1/sqdc-days/", {"page_size": 200})
