"""POST /api/v1/ideas/{id}/hold-check/: roles × actions, bad input, conflicts, privacy."""

import pytest

from holdcheck.models import HoldCheck
from ideas.models import Idea

from .conftest import asked, done_item

pytestmark = pytest.mark.django_db


def url(idea) -> str:
    return f"/api/v1/ideas/{idea.pk}/hold-check/"


@pytest.mark.parametrize("who, get, post", [
    ("member", 200, 200),      # the owner
    ("lead", 200, 200),        # the team's lead
    ("admin", 200, 200),
    ("other", 200, 403),       # another team sees a public item but does not answer
    ("supervisor", 200, 403),
    ("executive", 200, 403),
])
def test_roles(org, api, who, get, post):
    idea = done_item(org)
    asked(idea)
    client = api.as_user(getattr(org, who))
    assert client.get(url(idea)).status_code == get
    response = client.post(url(idea), {"answer": "held"}, format="json")
    assert response.status_code == post, response.content
    if post == 200:
        assert response.json()["answer"] == "held"
        assert response.json()["answered_by"] == who
    else:
        assert HoldCheck.objects.get(idea=idea).answer == ""


def test_anonymous_is_refused(org, client):
    idea = done_item(org)
    asked(idea)
    assert client.post(url(idea), {"answer": "held"}).status_code in (401, 403)


def test_a_private_item_is_a_404_to_outsiders(org, api):
    idea = done_item(org, is_private=True)
    asked(idea)
    for user in (org.other, org.executive):
        client = api.as_user(user)
        assert client.get(url(idea)).status_code == 404
        assert client.post(url(idea), {"answer": "held"}, format="json").status_code == 404


def test_bad_input_is_a_400_with_field_errors_and_saves_nothing(org, api):
    idea = done_item(org)
    asked(idea)
    client = api.as_user(org.member)
    response = client.post(url(idea), {"answer": "maybe"}, format="json")
    assert response.status_code == 400 and "answer" in response.json()["errors"]
    response = client.post(url(idea), {"answer": "slipped"}, format="json")
    assert response.status_code == 400 and "note" in response.json()["errors"]
    response = client.post(url(idea), {"answer": "held", "note": "x" * 2001}, format="json")
    assert response.status_code == 400 and "note" in response.json()["errors"]
    assert HoldCheck.objects.get(idea=idea).answer == ""


def test_twice_is_a_409_and_no_check_is_a_404(org, api):
    idea = done_item(org)
    asked(idea)
    client = api.as_user(org.member)
    assert client.post(url(idea), {"answer": "held"}, format="json").status_code == 200
    response = client.post(url(idea), {"answer": "slipped", "note": "x"}, format="json")
    assert response.status_code == 409
    fresh = done_item(org, days_ago=2, title="Just done")
    assert client.get(url(fresh)).status_code == 404


def test_slipped_through_the_api_reopens(org, api):
    idea = done_item(org)
    asked(idea)
    response = api.as_user(org.lead).post(url(idea), {"answer": "slipped", "note": "Back."},
                                          format="json")
    assert response.status_code == 200 and response.json()["outcome"] == "reopened"
    idea.refresh_from_db()
    assert idea.status == Idea.Status.IN_PROGRESS
