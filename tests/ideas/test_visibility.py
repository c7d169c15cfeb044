"""Who sees what: reporter / owning-team member / lead / other team / executive / admin ×
private / public — through every read path: selector, list page, search, CSV export, counts,
item page, API list, API detail, comments."""

import csv
import io

import pytest

from ideas import services
from ideas.permissions import can_view
from ideas.selectors import ideas_visible_to

ROLES = ["reporter", "member", "lead", "other_team", "executive", "admin"]
SEES_PRIVATE = {"reporter": True, "member": True, "lead": True, "other_team": False,
                "executive": False, "admin": True}


def _user(org, role):
    return {"reporter": org.other, "member": org.member, "lead": org.lead,
            "other_team": org.supervisor, "executive": org.executive, "admin": org.admin}[role]


@pytest.fixture
def items(org):
    """A private and a public item of Line 1, both reported by someone from Line 2."""
    private = services.idea_create(actor=org.other, team=org.line1, category="people",
                                   title="Zebraword bullying on night shift", is_private=True)
    public = services.idea_create(actor=org.other, team=org.line1, category="quality",
                                  title="Zebraword labels peel off")
    services.comment_create(idea_id=private.pk, actor=org.lead, text="Talking to HR")
    return {"private": private, "public": public}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["private", "public"])
def test_matrix(org, items, client_as, api, role, which):
    user = _user(org, role)
    idea = items[which]
    sees = which == "public" or SEES_PRIVATE[role]

    assert can_view(user, idea) is sees
    assert ideas_visible_to(user).filter(pk=idea.pk).exists() is sees

    client = client_as(user)
    page = client.get("/ideas/")
    assert (idea.title in page.content.decode()) is sees
    searched = client.get("/ideas/", {"q": "zebraword"}).content.decode()
    assert (idea.title in searched) is sees
    count = 2 if SEES_PRIVATE[role] else 1
    assert f"{count} item{'s' if count != 1 else ''}" in searched
    rows = list(csv.DictReader(io.StringIO(
        b"".join(client.get("/ideas/export.csv").streaming_content).decode())))
    assert (str(idea.pk) in {r["id"] for r in rows}) is sees
    assert client.get(f"/ideas/{idea.pk}/").status_code == (200 if sees else 404)
    learning = client.get("/learning/", {"q": "zebraword"})
    assert learning.status_code == 200

    api.as_user(user)
    listed = {r["id"] for r in api.get("/api/v1/ideas/").json()["results"]}
    assert (idea.pk in listed) is sees
    assert api.get(f"/api/v1/ideas/{idea.pk}/").status_code == (200 if sees else 404)
    assert api.get(f"/api/v1/ideas/{idea.pk}/comments/").status_code == (200 if sees else 404)
    assert api.post(f"/api/v1/ideas/{idea.pk}/comments/", {"text": "hi"},
                    format="json").status_code == (201 if sees else 404)


@pytest.mark.django_db
def test_outsider_guessing_a_private_id_learns_nothing(org, items, client_as, api):
    private = items["private"]
    missing = private.pk + 1000
    client = client_as(org.supervisor)
    for url in (f"/ideas/{private.pk}/", f"/ideas/{private.pk}/edit/"):
        hidden, absent = client.get(url), client.get(url.replace(str(private.pk), str(missing)))
        assert hidden.status_code == absent.status_code == 404
    for url in ("transition", "comments", "watch", "assign", "attachments"):
        assert client.post(f"/ideas/{private.pk}/{url}/", {"to": "in_progress",
                                                          "text": "x"}).status_code == 404
    api.as_user(org.supervisor)
    hidden = api.post(f"/api/v1/ideas/{private.pk}/transition/", {"to": "in_progress"},
                      format="json")
    absent = api.post(f"/api/v1/ideas/{missing}/transition/", {"to": "in_progress"},
                      format="json")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json() == absent.json()
    patched = api.patch(f"/api/v1/ideas/{private.pk}/", {"title": "x"}, format="json")
    assert patched.status_code == 404


@pytest.mark.django_db
def test_escalation_chain_sees_private_item(org, items, client_as):
    private = items["private"]
    services.idea_set_waiting(idea_id=private.pk, team=org.sup, actor=org.lead,
                              share_with=[org.sup])
    assert client_as(org.supervisor).get(f"/ideas/{private.pk}/").status_code == 200
    assert client_as(org.executive).get(f"/ideas/{private.pk}/").status_code == 404


@pytest.mark.django_db
def test_private_attachment_not_served_to_outsiders(org, items, client_as, png):
    private = items["private"]
    att = services.attachment_add(idea_id=private.pk, actor=org.member, upload=png())
    url = f"/ideas/{private.pk}/attachments/{att.pk}/"
    assert client_as(org.supervisor).get(url).status_code == 404
    assert client_as(org.supervisor).get(url + "thumb/").status_code == 404
    ok = client_as(org.lead).get(url)
    assert ok.status_code == 200 and ok["Content-Type"] == "image/png"
    assert ok["X-Content-Type-Options"] == "nosniff"
    # An attachment id taken from another item does not open through a visible item.
    public = items["public"]
    assert client_as(org.supervisor).get(
        f"/ideas/{public.pk}/attachments/{att.pk}/").status_code == 404


@pytest.mark.django_db
def test_home_panels_do_not_leak(org, items, client_as):
    body = client_as(org.supervisor).get("/").content.decode()
    assert items["private"].title not in body
    mine = client_as(org.other).get("/").content.decode()
    assert items["private"].title in mine  # the reporter sees what they reported
