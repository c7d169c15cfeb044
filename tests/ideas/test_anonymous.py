"""Speak up safely: raising an item without one's name — the rule, the switch, the refusals,
and the reporter who still follows their own item."""

import hashlib

import pytest

from ideas import services
from ideas.anonymity import is_reporter, reporter_ref
from ideas.models import Comment, Idea, IdeaEvent
from ideas.permissions import can_edit, can_view
from org.models import Notification, OrganisationSettings
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def whistle(org):
    """A person on Line 1 whose name the tests look for in every output."""
    user = UserFactory(username="quentin.zebedee", display_name="Quentin Zebedee",
                       email="quentin.zebedee@example.test")
    MembershipFactory(user=user, team=org.line1)
    return user


def raise_anonymously(actor, team, **kw):
    kw.setdefault("title", "Oil on the floor by press 4")
    kw.setdefault("category", Idea.Category.SAFETY)
    return services.idea_create(actor=actor, team=team, anonymous=True, **kw)


def switch(on: bool) -> None:
    settings = OrganisationSettings.load()
    settings.anonymous_raising = on
    settings.save()


class TestTheRule:
    def test_an_anonymous_item_stores_no_reporter_only_a_one_way_reference(self, org, whistle):
        idea = raise_anonymously(whistle, org.line1)
        idea.refresh_from_db()
        assert idea.is_anonymous and idea.reporter_id is None
        assert idea.reporter_ref == reporter_ref(whistle)
        assert len(idea.reporter_ref) == 64
        assert idea.reporter_ref != hashlib.sha256(str(whistle.pk).encode()).hexdigest()
        assert reporter_ref(whistle) != reporter_ref(org.member)
        assert list(idea.watchers.all()) == []
        assert all(h.history_user_id is None and h.reporter_id is None
                   for h in idea.history.all())
        event = IdeaEvent.objects.get(idea=idea, verb="created")
        assert event.actor_id is None and event.data == {"anonymous": True}
        assert "anonymously" in event.text

    def test_the_reference_is_keyed_and_survives_a_key_rotation(self, org, whistle, settings):
        idea = raise_anonymously(whistle, org.line1)
        old = settings.SECRET_KEY
        settings.SECRET_KEY = "a-new-secret-key-for-the-rotation-test-0123456789"
        assert reporter_ref(whistle) != idea.reporter_ref  # keyed: unguessable without it
        settings.SECRET_KEY_FALLBACKS = [old]
        assert is_reporter(whistle, idea)
        from ideas.visibility import ideas_visible_to
        idea.is_private = True
        idea.save()
        assert ideas_visible_to(whistle).filter(pk=idea.pk).exists()

    def test_the_reporter_is_recognised_nobody_else(self, org, whistle):
        idea = raise_anonymously(whistle, org.line1)
        assert is_reporter(whistle, idea)
        for user in (org.member, org.lead, org.admin):
            assert not is_reporter(user, idea)

    def test_the_reporter_follows_a_private_anonymous_item_of_another_team(self, org, whistle):
        idea = raise_anonymously(whistle, org.line2, is_private=True)
        assert can_view(whistle, idea) and can_edit(whistle, idea)
        assert not can_view(org.member, idea)
        from ideas.selectors import home_ideas
        from ideas.visibility import ideas_visible_to
        assert ideas_visible_to(whistle).filter(pk=idea.pk).exists()
        assert not ideas_visible_to(org.member).filter(pk=idea.pk).exists()
        assert [i.pk for i in home_ideas(whistle)["reported"]] == [idea.pk]
        assert home_ideas(org.member)["reported"] == []

    def test_a_closed_anonymous_item_stays_on_my_work_for_its_reporter(self, org, whistle):
        from ideas.selectors import home_ideas
        idea = raise_anonymously(whistle, org.line1)
        services.idea_transition(idea_id=idea.pk, to="declined", actor=org.lead,
                                 reason="Already fixed")
        assert [i.pk for i in home_ideas(whistle)["reported"]] == [idea.pk]

    def test_edits_and_comments_of_the_reporter_name_nobody(self, org, whistle, png):
        idea = raise_anonymously(whistle, org.line1)
        services.idea_update(idea_id=idea.pk, actor=whistle, title="Oil by press 4, again")
        comment = services.comment_create(idea_id=idea.pk, actor=whistle,
                                          text="It is there every Monday")
        services.attachment_add(idea_id=idea.pk, actor=whistle, upload=png("quentin.png"))
        assert comment.author_id is None
        attachment = idea.attachments.get()
        assert attachment.uploaded_by_id is None and "quentin" not in attachment.original_name
        assert not IdeaEvent.objects.filter(idea=idea, actor=whistle).exists()
        assert not idea.history.filter(history_user=whistle).exists()
        assert not idea.watchers.filter(pk=whistle.pk).exists()

    def test_other_peoples_acts_keep_their_names(self, org, whistle):
        idea = raise_anonymously(whistle, org.line1)
        services.comment_create(idea_id=idea.pk, actor=org.lead, text="On it")
        assert Comment.objects.get(idea=idea).author == org.lead
        services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
        assert IdeaEvent.objects.filter(idea=idea, actor=org.lead, verb="status").exists()
        assert idea.history.filter(history_user=org.lead).exists()

    def test_no_notification_is_addressed_to_the_reporter(self, org, whistle):
        idea = raise_anonymously(whistle, org.line1)
        services.comment_create(idea_id=idea.pk, actor=org.lead, text="Thanks, looking")
        services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
        assert not Notification.objects.filter(recipient=whistle).exists()

    def test_the_reporter_cannot_watch(self, org, whistle):
        from core.errors import DomainError
        idea = raise_anonymously(whistle, org.line1)
        with pytest.raises(DomainError) as exc:
            services.idea_watch(idea=idea, user=whistle)
        assert exc.value.field == "watch"
        assert not idea.watchers.exists()


class TestRefusals:
    def test_switched_off_by_the_organisation(self, org, whistle):
        from core.errors import DomainError
        switch(False)
        with pytest.raises(DomainError) as exc:
            raise_anonymously(whistle, org.line1)
        assert exc.value.field == "anonymous"
        assert not Idea.objects.exists()

    @pytest.mark.parametrize("field", ["title", "description", "root_cause"])
    def test_an_anonymous_item_cannot_mention_anyone(self, org, whistle, field):
        from core.errors import DomainError
        kw = {"title": "Near miss", field: "Ask @lead about it"}
        with pytest.raises(DomainError) as exc:
            raise_anonymously(whistle, org.line1, **kw)
        assert exc.value.field == field
        assert not Idea.objects.exists()

    def test_an_anonymous_item_cannot_name_an_owner(self, org):
        from core.errors import DomainError
        with pytest.raises(DomainError) as exc:
            raise_anonymously(org.lead, org.line1, owner=org.member)
        assert exc.value.field == "owner"

    def test_the_reporters_edit_cannot_mention_anyone_a_leads_can(self, org, whistle):
        from core.errors import DomainError
        idea = raise_anonymously(whistle, org.line1)
        with pytest.raises(DomainError) as exc:
            services.idea_update(idea_id=idea.pk, actor=whistle, description="@lead knows")
        assert exc.value.field == "description"
        services.idea_update(idea_id=idea.pk, actor=org.lead, description="@member fixes it")
        idea.refresh_from_db()
        assert idea.description == "@member fixes it"

    def test_switching_it_off_keeps_existing_items_anonymous(self, org, whistle):
        idea = raise_anonymously(whistle, org.line1)
        switch(False)
        idea.refresh_from_db()
        assert idea.is_anonymous and idea.reporter_id is None and is_reporter(whistle, idea)

    def test_the_reporters_comment_cannot_mention_anyone(self, org, whistle):
        from core.errors import DomainError
        idea = raise_anonymously(whistle, org.line1)
        with pytest.raises(DomainError) as exc:
            services.comment_create(idea_id=idea.pk, actor=whistle, text="@lead saw it too")
        assert exc.value.field == "text"
        assert not Comment.objects.exists()
        assert not Notification.objects.filter(recipient=org.lead, verb="mention").exists()


class TestApi:
    def payload(self, org, **kw):
        return {"title": "Guard missing on saw", "category": "safety", "team": org.line1.pk,
                "anonymous": True, **kw}

    def test_create_anonymously(self, org, api, whistle):
        response = api.as_user(whistle).post("/api/v1/ideas/", self.payload(org), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["reporter"] is None and body["is_anonymous"] is True
        assert body["raised_by_me"] is True and body["watchers"] == []
        other = api.as_user(org.lead).get(f"/api/v1/ideas/{body['id']}/").json()
        assert other["reporter"] is None and other["raised_by_me"] is False

    def test_refused_with_a_field_error_when_switched_off(self, org, api, whistle):
        switch(False)
        response = api.as_user(whistle).post("/api/v1/ideas/", self.payload(org), format="json")
        assert response.status_code == 400
        assert "anonymous" in response.json()["errors"]
        assert not Idea.objects.exists()

    def test_mention_and_owner_are_field_errors(self, org, api):
        client = api.as_user(org.lead)
        response = client.post("/api/v1/ideas/", self.payload(org, description="@member did it"),
                               format="json")
        assert response.status_code == 400 and "description" in response.json()["errors"]
        response = client.post("/api/v1/ideas/", self.payload(org, owner=org.member.pk),
                               format="json")
        assert response.status_code == 400 and "owner" in response.json()["errors"]
        assert not Idea.objects.exists()

    def test_anonymity_cannot_be_set_afterwards(self, org, api, make_idea):
        idea = make_idea()
        response = api.as_user(org.member).patch(f"/api/v1/ideas/{idea.pk}/",
                                                 {"anonymous": True}, format="json")
        assert response.status_code == 400 and "anonymous" in response.json()["errors"]
        idea.refresh_from_db()
        assert idea.reporter == org.member and not idea.is_anonymous

    def test_reporter_me_filter_finds_the_anonymous_item_for_its_reporter_only(
            self, org, api, whistle):
        idea = raise_anonymously(whistle, org.line1)
        mine = api.as_user(whistle).get("/api/v1/ideas/", {"reporter": "me"}).json()
        assert [row["id"] for row in mine["results"]] == [idea.pk]
        by_id = api.as_user(org.lead).get("/api/v1/ideas/", {"reporter": whistle.pk}).json()
        assert by_id["results"] == []


class TestPages:
    def test_the_quick_form_offers_it_and_creates_an_anonymous_item(self, org, client_as,
                                                                   whistle):
        client = client_as(whistle)
        form = client.get("/ideas/new/").content.decode()
        assert 'name="anonymous"' in form and "data-anonymous-hint" in form
        assert 'name="anonymous" checked' not in form  # suggested, never pre-selected
        response = client.post("/ideas/new/", {
            "title": "Bullying on night shift", "category": "people", "team": org.line1.pk,
            "anonymous": "on"})
        assert response.status_code == 302
        idea = Idea.objects.get()
        assert idea.is_anonymous and idea.reporter_id is None
        page = client.get(f"/ideas/{idea.pk}/").content.decode()
        assert 'data-testid="anonymous-mine"' in page and "logged anonymously" in page
        assert 'data-testid="watch"' not in page

    def test_not_offered_when_switched_off_and_a_stale_form_is_refused(self, org, client_as,
                                                                      whistle):
        switch(False)
        client = client_as(whistle)
        assert 'name="anonymous"' not in client.get("/ideas/new/").content.decode()
        response = client.post("/ideas/new/", {
            "title": "Bullying on night shift", "category": "people", "team": org.line1.pk,
            "anonymous": "on"})
        assert response.status_code == 400
        assert "does not offer anonymous raising" in response.content.decode()
        assert not Idea.objects.exists()

    def test_watching_is_refused_to_the_reporter_with_a_message(self, org, client_as, whistle):
        idea = raise_anonymously(whistle, org.line1)
        client = client_as(whistle)
        response = client.post(f"/ideas/{idea.pk}/watch/", {"watch": "1"}, follow=True)
        assert response.status_code == 200
        assert "Watching it would show your name" in response.content.decode()
        htmx = client.post(f"/ideas/{idea.pk}/watch/", {"watch": "1"}, HTTP_HX_REQUEST="true")
        assert htmx.status_code == 200 and "My work" in htmx.content.decode()
        assert not idea.watchers.exists()

    def test_the_reporter_finds_it_on_my_work(self, org, client_as, whistle):
        idea = raise_anonymously(whistle, org.line2, is_private=True)
        home = client_as(whistle).get("/").content.decode()
        assert f"/ideas/{idea.pk}/" in home
        assert client_as(org.member).get(f"/ideas/{idea.pk}/").status_code == 404


def test_participation_counts_the_item_without_the_person(org, whistle):
    from datetime import timedelta

    from django.utils import timezone

    from scorecards.compute.sql import participants
    now = timezone.now()
    raise_anonymously(whistle, org.line1)
    services.idea_create(actor=org.member, team=org.line1, title="Named", category="cost")
    people = participants(now - timedelta(hours=1), now + timedelta(hours=1))
    assert org.member.pk in people and whistle.pk not in people
    assert Idea.objects.filter(created_at__gte=now - timedelta(hours=1)).count() == 2
