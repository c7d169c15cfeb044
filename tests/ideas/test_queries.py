"""Constant query counts: list page, item page, list endpoint, learning, My work — at 10 and
at 100 items (with comments, attachments, labels and events), the counts must be equal."""

import pytest
from django.utils import timezone

from ideas.anonymity import reporter_ref
from ideas.models import Attachment, Comment, Idea, IdeaEvent, Label
from tests.factories import IdeaFactory
from tests.queries import count_queries


def _seed(org, n: int) -> list[Idea]:
    now = timezone.now()
    labels = [Label.objects.get_or_create(name=f"label-{i}")[0] for i in range(3)]
    ideas = []
    for i in range(n):
        team = org.line1 if i % 2 else org.line2
        reporter = org.member if i % 3 else org.other
        anonymous = i % 4 == 3  # raised without a name: only the reference leads back
        idea = IdeaFactory(team=team, reporter=None if anonymous else reporter,
                           is_anonymous=anonymous,
                           reporter_ref=reporter_ref(reporter) if anonymous else "",
                           owner=org.lead if team == org.line1 and i % 4 == 1 else None,
                           status="done" if i % 5 == 0 else "new",
                           learning=f"Learned {i}" if i % 5 == 0 else "",
                           learning_by=org.lead if i % 5 == 0 else None,
                           done_at=now if i % 5 == 0 else None,
                           is_private=i % 7 == 0, aging_flagged_at=now if i % 6 == 0 else None)
        ideas.append(idea)
    Comment.objects.bulk_create(Comment(idea=idea, author=org.lead, text=f"c{j}")
                                for idea in ideas for j in range(2))
    Attachment.objects.bulk_create(
        Attachment(idea=idea, uploaded_by=org.member, file="ideas/x.png",
                   thumbnail="ideas/thumbs/x.jpg", original_name="x.png",
                   content_type="image/png", kind="image", size=100) for idea in ideas)
    IdeaEvent.objects.bulk_create(IdeaEvent(idea=idea, actor=org.lead, verb="edited", text="e")
                                  for idea in ideas)
    Idea.labels.through.objects.bulk_create(
        Idea.labels.through(idea_id=idea.pk, label_id=label.pk)
        for idea in ideas for label in labels[: (idea.pk % 3) + 1])
    Idea.watchers.through.objects.bulk_create(
        Idea.watchers.through(idea_id=idea.pk, user_id=org.member.pk) for idea in ideas)
    Idea.shared_with_teams.through.objects.bulk_create(
        Idea.shared_with_teams.through(idea_id=idea.pk, team_id=org.sup.pk)
        for idea in ideas[::9])
    return ideas





LIST_URLS = [
    ("/ideas/", {"page_size": 100}),
    ("/ideas/", {"page_size": 100, "q": "problem", "sort": "priority", "status": "open"}),
    ("/ideas/", {"page_size": 100, "escalated": "on", "mine": "on", "label": "label-0"}),
    ("/ideas/export.csv", {}),
    ("/ideas/", {"page_size": 100, "reporter": "me"}),
    ("/api/v1/ideas/", {"page_size": 100}),
    ("/api/v1/ideas/", {"page_size": 100, "q": "problem", "aging": "true"}),
    ("/learning/", {}),
    ("/", {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["member", "admin"])
@pytest.mark.parametrize("url,params", LIST_URLS)
def test_lists_are_constant(org, client_as, api, role, url, params):
    user = getattr(org, role)
    client = api.as_user(user) if url.startswith("/api/") else client_as(user)
    _seed(org, 10)
    # The API client keeps one user object, which caches its teams after the first request.
    client.get(url, params)
    small = count_queries(client, url, params)
    _seed(org, 90)
    large = count_queries(client, url, params)
    assert small == large, f"{url}: {small} queries at 10 items, {large} at 100"


@pytest.mark.django_db
def test_item_page_is_constant(org, client_as):
    client = client_as(org.lead)
    ideas = _seed(org, 1)
    idea = ideas[0]
    Idea.objects.filter(pk=idea.pk).update(team=org.line1, is_private=True)  # lead's team
    small = count_queries(client, f"/ideas/{idea.pk}/")
    Comment.objects.bulk_create(Comment(idea=idea, author=org.member, text=f"more {j}")
                                for j in range(100))
    Attachment.objects.bulk_create(
        Attachment(idea=idea, uploaded_by=org.lead, file="ideas/y.pdf", original_name="y.pdf",
                   content_type="application/pdf", kind="pdf", size=100) for _ in range(30))
    IdeaEvent.objects.bulk_create(IdeaEvent(idea=idea, actor=org.member, verb="edited", text="x")
                                  for _ in range(100))
    idea.watchers.add(org.lead, org.other, org.supervisor)
    large = count_queries(client, f"/ideas/{idea.pk}/")
    assert small == large


@pytest.mark.django_db
def test_api_detail_is_constant(org, api):
    ideas = _seed(org, 1)
    Idea.objects.filter(pk=ideas[0].pk).update(team=org.line1)
    api.as_user(org.lead)
    api.get(f"/api/v1/ideas/{ideas[0].pk}/")  # the user object caches its teams
    small = count_queries(api, f"/api/v1/ideas/{ideas[0].pk}/")
    small_comments = count_queries(api, f"/api/v1/ideas/{ideas[0].pk}/comments/")
    Comment.objects.bulk_create(Comment(idea=ideas[0], author=org.member, text=f"m{j}")
                                for j in range(40))
    Attachment.objects.bulk_create(
        Attachment(idea=ideas[0], uploaded_by=org.lead, file="ideas/y.pdf", original_name="y",
                   content_type="application/pdf", kind="pdf", size=1) for _ in range(20))
    assert count_queries(api, f"/api/v1/ideas/{ideas[0].pk}/") == small
    assert count_queries(api, f"/api/v1/ideas/{ideas[0].pk}/comments/") == small_comments
