"""Anonymous means anonymous everywhere: an item's life (raised on the page with a photo,
edited and commented on by its reporter, worked, escalated, decided, closed) then every page,
CSV, API answer, admin page, notification, e-mail and history row is searched for the
reporter's name, username, e-mail, id and reference."""

import json
import re

import pytest
from django.core import mail

from escalation import services as escalation_services
from ideas import services
from ideas.models import Comment, Idea, IdeaEvent
from org.models import Notification
from tests.factories import MembershipFactory, UserFactory

NEEDLES = ("quentin", "zebedee")


@pytest.fixture
def story(org, client_as, png, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # notifications run
        whistle = UserFactory(username="quentin.zebedee", display_name="Quentin Zebedee",
                              email="quentin.zebedee@example.test")
        MembershipFactory(user=whistle, team=org.line1)
        client = client_as(whistle)
        # raised from the quick form, through the request middleware that names history rows
        response = client.post("/ideas/new/", {
            "title": "Oil on the floor by press 4", "category": "safety", "team": org.line1.pk,
            "description": "Someone will slip.", "anonymous": "on",
            "file": png("quentin-zebedee.png")})
        assert response.status_code == 302, response.content[:500]
        idea = Idea.objects.get()
        assert client.post(f"/ideas/{idea.pk}/edit/", {
            "title": "Oil on the floor by press 4 (again)", "category": "safety",
            "team": org.line1.pk, "kind": "problem", "description": "Someone will slip.",
        }).status_code == 302
        assert client.post(f"/ideas/{idea.pk}/comments/",
                           {"text": "It is there every Monday"}).status_code in (200, 302)
        client.logout()
        # the team works it: comments, owner, escalation and its decision, done with learning
        services.comment_create(idea_id=idea.pk, actor=org.lead, text="Thanks, @member look")
        services.idea_assign(idea_id=idea.pk, owner=org.member, actor=org.lead)
        services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
        esc = escalation_services.escalation_raise(idea_id=idea.pk, actor=org.lead,
                                                   reason="resources", ask="Drip tray for press 4")
        escalation_services.escalation_resolve(escalation_id=esc.pk, actor=org.supervisor,
                                               decision="Tray ordered")
        services.idea_transition(idea_id=idea.pk, to="done", actor=org.lead,
                                 learning="Leaks show first on Mondays after the weekend stop.")
    idea.refresh_from_db()
    assert idea.reporter_id is None and idea.is_anonymous and "(again)" in idea.title
    assert Comment.objects.filter(idea=idea, author__isnull=True).count() == 1
    return whistle, idea, esc


# People pickers (owner, filters) list the team's members, the reporter among them: a roster
# says nothing about who raised what, so option lists are left out of the search.
OPTIONS = re.compile(r"<option\b[^>]*>[^<]*</option>", re.IGNORECASE)


def _assert_clean(text: str, where: str, whistle, idea) -> None:
    low = OPTIONS.sub("", text).lower()
    for needle in NEEDLES:
        assert needle not in low, f"{needle!r} leaks on {where}"
    assert whistle.email not in low, where
    assert idea.reporter_ref not in low, f"the reference leaks on {where}"


def _user_ids(data, key=None):
    """Every id the JSON names as a person (user objects and id lists of people)."""
    if isinstance(data, dict):
        if "username" in data and "id" in data:
            yield data["id"]
        for k, value in data.items():
            yield from _user_ids(value, k)
    elif isinstance(data, list):
        if key in ("watchers", "mentions"):
            yield from (v for v in data if isinstance(v, int))
        for value in data:
            yield from _user_ids(value, key)


def _pages(org, idea, esc):
    return [
        f"/ideas/{idea.pk}/", "/ideas/", "/ideas/?q=oil", "/ideas/?status=closed",
        "/ideas/export.csv", "/ideas/export.csv?q=oil", f"/boards/{org.line1.slug}/",
        f"/boards/{org.line1.slug}/wall/", f"/boards/{org.sup.slug}/", "/", "/learning/",
        "/escalations/", f"/escalations/{esc.pk}/", f"/scorecards/teams/{org.line1.slug}/",
        "/scorecards/items/?scope=team:line1&metric=submitted",
        "/scorecards/items/?scope=team:line1&metric=submitted&export=csv",
        "/notifications/",
    ]


def _body(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("who", ["lead", "member", "supervisor", "executive", "admin"])
def test_no_page_names_the_reporter(story, org, client_as, who):
    whistle, idea, esc = story
    client = client_as(getattr(org, who))
    seen = 0
    for url in _pages(org, idea, esc):
        response = client.get(url)
        if response.status_code != 200:
            assert response.status_code in (403, 404), (url, response.status_code)
            continue
        body = _body(response)
        seen += "Oil on the floor" in body
        _assert_clean(body, f"{url} as {who}", whistle, idea)
    assert seen >= 3  # the item itself was on the pages searched


@pytest.mark.parametrize("who", ["lead", "supervisor", "admin"])
def test_no_api_answer_names_the_reporter(story, org, api, who):
    whistle, idea, esc = story
    client = api.as_user(getattr(org, who))
    urls = [
        "/api/v1/ideas/", f"/api/v1/ideas/{idea.pk}/", f"/api/v1/ideas/{idea.pk}/comments/",
        "/api/v1/ideas/?q=oil", f"/api/v1/boards/{org.line1.pk}/", "/api/v1/notifications/",
        f"/api/v1/escalations/{esc.pk}/", "/api/v1/escalations/",
        f"/api/v1/scorecards/teams/{org.line1.pk}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        _assert_clean(body, f"{url} as {who}", whistle, idea)
        assert whistle.pk not in set(_user_ids(json.loads(body))), f"{url} names the id"
    detail = client.get(f"/api/v1/ideas/{idea.pk}/").json()
    assert detail["reporter"] is None and detail["is_anonymous"] is True
    assert detail["attachments"][0]["uploaded_by"] is None


def test_no_admin_page_names_the_reporter(story, org, client_as):
    whistle, idea, esc = story
    client = client_as(org.admin)
    history_id = idea.history.order_by("history_id").first().history_id
    comment = Comment.objects.filter(author__isnull=True).get()
    urls = [
        f"/admin/ideas/idea/{idea.pk}/change/", f"/admin/ideas/idea/{idea.pk}/history/",
        f"/admin/ideas/idea/{idea.pk}/history/{history_id}/", "/admin/ideas/idea/",
        "/admin/ideas/idea/?is_anonymous__exact=1", "/admin/ideas/comment/",
        f"/admin/ideas/comment/{comment.pk}/change/", "/admin/ideas/attachment/",
        "/admin/org/notification/", f"/admin/escalation/escalation/{esc.pk}/change/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        _assert_clean(response.content.decode(), url, whistle, idea)
    # the admin's search by the reporter's name finds nothing
    found = client.get("/admin/ideas/idea/", {"q": "zebedee"}).content.decode()
    assert f"/admin/ideas/idea/{idea.pk}/change/" not in found


def test_no_row_names_the_reporter(story, org):
    whistle, idea, esc = story
    assert not idea.history.filter(history_user=whistle).exists()
    assert not idea.history.filter(reporter=whistle).exists()
    assert idea.history.filter(history_user__isnull=True).exists()  # the reporter's saves
    assert not IdeaEvent.objects.filter(actor=whistle).exists()
    assert IdeaEvent.objects.filter(idea=idea, data__anonymous=True).count() >= 3
    assert not Comment.objects.filter(author=whistle).exists()
    assert not idea.attachments.filter(uploaded_by=whistle).exists()
    assert not idea.watchers.filter(pk=whistle.pk).exists()
    assert not Notification.objects.filter(recipient=whistle).exists()
    assert Notification.objects.filter(target_id=idea.pk).exists()  # others were told
    for row in Notification.objects.all():
        _assert_clean(row.text + row.email_body, f"notification {row.pk}", whistle, idea)


def test_no_email_names_or_reaches_the_reporter(story, org):
    whistle, idea, esc = story
    from org.outbox import notification_emails_send
    notification_emails_send()
    assert mail.outbox, "the team's notifications were e-mailed"
    for message in mail.outbox:
        assert whistle.email not in message.to
        text = message.subject + message.body + "".join(
            str(alt[0]) for alt in getattr(message, "alternatives", []))
        _assert_clean(text, f"e-mail to {message.to}", whistle, idea)


def test_the_reporter_still_sees_and_follows_it(story, client_as):
    whistle, idea, esc = story
    client = client_as(whistle)
    home = client.get("/").content.decode()
    assert f"/ideas/{idea.pk}/" in home  # done, but on My work for 30 days
    page = client.get(f"/ideas/{idea.pk}/").content.decode()
    assert 'data-testid="anonymous-mine"' in page and "Tray ordered" in page
