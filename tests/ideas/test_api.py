"""/api/v1/ideas/ (+ comments, transition) and /api/v1/notifications/."""

import pytest

from ideas import services
from ideas.models import Comment, Idea
from org.models import Notification


def _create(api, user, **payload):
    body = {"title": "Pallet wrap tears", "category": "cost", "team": None, **payload}
    return api.as_user(user).post("/api/v1/ideas/", body, format="json")


@pytest.mark.django_db
class TestIdeas:
    def test_create_retrieve_update(self, org, api):
        created = _create(api, org.member, team=org.line1.pk, labels=["Wrap", "waste"],
                          estimated_money_per_year="1500.50", is_private=True)
        assert created.status_code == 201, created.json()
        data = created.json()
        assert data["reporter"]["username"] == "member" and data["status"] == "new"
        assert data["labels"] == ["waste", "wrap"] and data["is_private"] is True
        assert data["can_edit"] is True and data["allowed_transitions"] == []
        got = api.get(f"/api/v1/ideas/{data['id']}/").json()
        assert got["title"] == "Pallet wrap tears" and got["watchers"] == [org.member.pk]
        patched = api.patch(f"/api/v1/ideas/{data['id']}/", {"description": "Since Monday"},
                            format="json")
        assert patched.status_code == 200 and patched.json()["description"] == "Since Monday"
        put = api.put(f"/api/v1/ideas/{data['id']}/", {
            "title": "Pallet wrap tears at corners", "category": "quality",
            "team": org.line1.pk}, format="json")
        assert put.status_code == 200 and put.json()["category"] == "quality"

    def test_only_leads_set_an_owner_on_create(self, org, api):
        denied = _create(api, org.member, team=org.line1.pk, owner=org.lead.pk)
        assert denied.status_code == 403 and not Idea.objects.exists()
        ok = _create(api, org.lead, team=org.line1.pk, owner=org.member.pk)
        assert ok.status_code == 201 and ok.json()["owner"]["id"] == org.member.pk

    def test_lead_assigns_owner_through_update(self, org, api):
        idea = _create(api, org.member, team=org.line1.pk).json()
        denied = api.as_user(org.member).patch(f"/api/v1/ideas/{idea['id']}/",
                                               {"owner": org.member.pk}, format="json")
        assert denied.status_code == 403
        ok = api.as_user(org.lead).patch(f"/api/v1/ideas/{idea['id']}/",
                                         {"owner": org.member.pk}, format="json")
        assert ok.status_code == 200 and ok.json()["owner"]["id"] == org.member.pk

    @pytest.mark.parametrize("payload,field", [
        ({"title": "   "}, "title"),
        ({"title": "x" * 10_000}, "title"),
        ({"team": 999999}, "team"),
        ({"category": "morale"}, "category"),
        ({"estimated_money_per_year": "-1"}, "estimated_money_per_year"),
        ({"estimated_hours_per_year": "99999999"}, "estimated_hours_per_year"),
        ({"required_spend": "1e15"}, "required_spend"),
        ({"labels": ["x" * 41]}, "labels"),
        ({"owner": "OTHER"}, "owner"),
    ])
    def test_bad_input_is_400_with_field_errors(self, org, api, payload, field):
        if payload.get("owner") == "OTHER":
            payload = {"owner": org.other.pk}
        response = _create(api, org.lead, **{"team": org.line1.pk, **payload})
        assert response.status_code == 400, response.json()
        assert field in response.json()["errors"]
        assert not Idea.objects.exists()

    def test_inactive_team_refused(self, org, api):
        org.line2.active = False
        org.line2.save()
        response = _create(api, org.member, team=org.line2.pk)
        assert response.status_code == 400
        assert response.json()["errors"]["team"] == ["Choose an active team."]

    def test_html_stored_as_text_returned_as_text(self, org, api):
        evil = "<script>alert(1)</script>"
        data = _create(api, org.member, team=org.line1.pk, title=evil).json()
        assert data["title"] == evil  # JSON is not HTML; pages escape it (test_pages)

    def test_editing_someone_elses_item_is_403(self, org, api):
        idea = _create(api, org.member, team=org.line1.pk).json()
        response = api.as_user(org.other).patch(f"/api/v1/ideas/{idea['id']}/",
                                                {"title": "Mine now"}, format="json")
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert Idea.objects.get().title == "Pallet wrap tears"

    def test_stale_version_is_409(self, org, api):
        idea = _create(api, org.member, team=org.line1.pk).json()
        api.as_user(org.lead).patch(f"/api/v1/ideas/{idea['id']}/", {"title": "New title"},
                                    format="json")
        stale = api.patch(f"/api/v1/ideas/{idea['id']}/", {"title": "Other", "version": 1},
                          format="json")
        assert stale.status_code == 409

    def test_list_filters_search_and_validation(self, org, api):
        a = _create(api, org.member, team=org.line1.pk, title="Forklift horn broken",
                    category="safety").json()
        _create(api, org.other, team=org.line2.pk, title="Label printer")
        api.as_user(org.member)
        assert [r["id"] for r in api.get("/api/v1/ideas/?q=forklift").json()["results"]] == [a["id"]]
        assert [r["id"] for r in api.get("/api/v1/ideas/?category=safety&mine=true")
                .json()["results"]] == [a["id"]]
        assert len(api.get("/api/v1/ideas/?mine=false").json()["results"]) == 2
        assert len(api.get("/api/v1/ideas/?status=new,in_progress").json()["results"]) == 2
        bad = api.get("/api/v1/ideas/?status=launched&sort=bogus")
        assert bad.status_code == 400 and {"status", "sort"} <= set(bad.json()["errors"])


@pytest.mark.django_db
class TestTransition:
    @pytest.fixture
    def idea(self, org):
        return services.idea_create(actor=org.member, team=org.line1, title="Jam",
                                    category="delivery")

    def url(self, idea):
        return f"/api/v1/ideas/{idea.pk}/transition/"

    def test_200_and_done_with_impact(self, org, api, idea):
        api.as_user(org.lead)
        ok = api.post(self.url(idea), {"to": "in_progress", "version": 1}, format="json")
        assert ok.status_code == 200 and ok.json()["status"] == "in_progress"
        done = api.post(self.url(idea), {"to": "done", "learning": "Guides were worn",
                                         "actual_money_per_year": "2500",
                                         "actual_hours_per_year": "12.5"}, format="json")
        assert done.status_code == 200
        body = done.json()
        assert body["learning"] == "Guides were worn" and body["actual_money_per_year"] == "2500.00"
        assert body["learning_by"]["username"] == "lead"

    def test_400_field_errors(self, org, api, idea):
        api.as_user(org.lead)
        api.post(self.url(idea), {"to": "in_progress"}, format="json")
        no_learning = api.post(self.url(idea), {"to": "done", "learning": "  "}, format="json")
        assert no_learning.status_code == 400
        assert "learning" in no_learning.json()["errors"]
        no_reason = api.post(self.url(idea), {"to": "declined"}, format="json")
        assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
        unknown = api.post(self.url(idea), {"to": "launched"}, format="json")
        assert unknown.status_code == 400 and "to" in unknown.json()["errors"]
        absurd = api.post(self.url(idea), {"to": "done", "learning": "x",
                                           "actual_money_per_year": "-3"}, format="json")
        assert absurd.status_code == 400 and "actual_money_per_year" in absurd.json()["errors"]
        assert Idea.objects.get().status == "in_progress"

    def test_403_for_members(self, org, api, idea):
        response = api.as_user(org.member).post(self.url(idea), {"to": "in_progress"},
                                                format="json")
        assert response.status_code == 403

    def test_409_names_the_allowed(self, org, api, idea):
        response = api.as_user(org.lead).post(self.url(idea), {"to": "done", "learning": "x"},
                                              format="json")
        assert response.status_code == 409
        body = response.json()
        assert body["allowed"] == ["in_progress", "declined", "parked"]
        assert "Allowed: In progress, Declined, Parked" in body["detail"]

    def test_409_on_stale_version(self, org, api, idea):
        api.as_user(org.lead).post(self.url(idea), {"to": "parked"}, format="json")
        stale = api.post(self.url(idea), {"to": "in_progress", "reason": "x", "version": 1},
                         format="json")
        assert stale.status_code == 409 and stale.json()["status"] == "parked"


@pytest.mark.django_db
class TestComments:
    def test_list_and_create(self, org, api, django_capture_on_commit_callbacks):
        idea = services.idea_create(actor=org.member, team=org.line1, title="Jam",
                                    category="delivery")
        api.as_user(org.lead)
        with django_capture_on_commit_callbacks(execute=True):
            created = api.post(f"/api/v1/ideas/{idea.pk}/comments/",
                               {"text": "@supervisor FYI"}, format="json")
        assert created.status_code == 201
        assert created.json()["mentions"] == [org.supervisor.pk]
        assert Notification.objects.filter(recipient=org.supervisor, verb="mention").exists()
        listed = api.get(f"/api/v1/ideas/{idea.pk}/comments/").json()
        assert [c["text"] for c in listed["results"]] == ["@supervisor FYI"]
        blank = api.post(f"/api/v1/ideas/{idea.pk}/comments/", {"text": "  "}, format="json")
        assert blank.status_code == 400 and "text" in blank.json()["errors"]
        assert Comment.objects.count() == 1


@pytest.mark.django_db
class TestNotificationsApi:
    @pytest.fixture
    def notes(self, org, django_capture_on_commit_callbacks):
        idea = services.idea_create(actor=org.member, team=org.line1, title="Jam",
                                    category="delivery")
        with django_capture_on_commit_callbacks(execute=True):
            services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
            services.comment_create(idea_id=idea.pk, actor=org.lead, text="On it")
            services.comment_create(idea_id=idea.pk, actor=org.other, text="Me too @lead")
        return list(Notification.objects.filter(recipient=org.member))

    def test_list_only_own(self, org, api, notes):
        mine = api.as_user(org.member).get("/api/v1/notifications/").json()
        assert {n["id"] for n in mine["results"]} == {n.pk for n in notes}
        assert all(n["target_type"] == "ideas.idea" for n in mine["results"])
        theirs = api.as_user(org.lead).get("/api/v1/notifications/").json()["results"]
        assert not {n["id"] for n in theirs} & {n.pk for n in notes}
        assert api.as_user(org.lead).post(
            f"/api/v1/notifications/{notes[0].pk}/read/").status_code == 404

    def test_mark_read_and_all_read(self, org, api, notes):
        api.as_user(org.member)
        assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": len(notes)}
        one = api.post(f"/api/v1/notifications/{notes[0].pk}/read/")
        assert one.status_code == 200 and one.json()["is_read"] is True
        unread = api.get("/api/v1/notifications/?unread=true").json()["results"]
        assert len(unread) == len(notes) - 1
        everything = api.post("/api/v1/notifications/read-all/").json()
        assert everything == {"marked": len(notes) - 1, "unread": 0}

    def test_anonymous_refused(self, api, notes):
        assert api.get("/api/v1/notifications/").status_code in (401, 403)


ENDPOINTS = [
    ("get", "/api/v1/ideas/", None),
    ("get", "/api/v1/ideas/{id}/", None),
    ("patch", "/api/v1/ideas/{id}/", {"description": "More"}),
    ("post", "/api/v1/ideas/{id}/transition/", {"to": "in_progress"}),
    ("get", "/api/v1/ideas/{id}/comments/", None),
    ("post", "/api/v1/ideas/{id}/comments/", {"text": "Seen"}),
]
# Expected status for each role on a PUBLIC new item of Line 1 reported by "member".
MATRIX = {
    "member": [200, 200, 200, 403, 200, 201],
    "lead": [200, 200, 200, 200, 200, 201],
    "other": [200, 200, 403, 403, 200, 201],
    "supervisor": [200, 200, 403, 403, 200, 201],
    "executive": [200, 200, 403, 403, 200, 201],
    "admin": [200, 200, 200, 200, 200, 201],
}
# ... and on a PRIVATE one: outsiders get 404 everywhere (the list answers 200 without it).
PRIVATE_MATRIX = {**MATRIX, "other": [200, 404, 404, 404, 404, 404],
                  "supervisor": [200, 404, 404, 404, 404, 404],
                  "executive": [200, 404, 404, 404, 404, 404]}


@pytest.mark.django_db
@pytest.mark.parametrize("private", [False, True])
@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix(org, api, role, private):
    idea = services.idea_create(actor=org.member, team=org.line1, title="Jam", category="cost",
                                is_private=private)
    expected = (PRIVATE_MATRIX if private else MATRIX)[role]
    got = []
    for method, url, payload in ENDPOINTS:
        response = getattr(api.as_user(getattr(org, role)), method)(
            url.format(id=idea.pk), payload, format="json")
        got.append(response.status_code)
        if url == "/api/v1/ideas/":
            listed = {r["id"] for r in response.json()["results"]}
            assert (idea.pk in listed) is (expected[1] == 200)
    assert got == expected


@pytest.mark.django_db
def test_anonymous_gets_nothing(org, api):
    idea = services.idea_create(actor=org.member, team=org.line1, title="Jam", category="cost")
    for method, url, payload in ENDPOINTS:
        response = getattr(api, method)(url.format(id=idea.pk), payload, format="json")
        assert response.status_code in (401, 403)


@pytest.mark.django_db
def test_schema_describes_the_endpoints(org, api):
    schema = api.as_user(org.member).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/ideas/", "/api/v1/ideas/{id}/", "/api/v1/ideas/{id}/transition/",
                 "/api/v1/ideas/{id}/comments/", "/api/v1/notifications/",
                 "/api/v1/notifications/{id}/read/", "/api/v1/notifications/read-all/"):
        assert path in schema["paths"], path
