"""The triggers announce every change a board shows, whichever path makes it, with the teams
whose boards it touches — and nothing for writes no screen shows."""

import pytest
from django.db import connection
from django.utils import timezone

from escalation import services as escalation_services
from huddles import services as huddle_services
from huddles.models import BoardSettings, DisplayLink
from ideas.models import Idea
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _one(found):
    assert len(found) == 1, found
    return found[0]


def test_a_new_idea_announces_its_team(org, listener):
    IdeaFactory(team=org.line1, reporter=org.member)
    assert _one(listener.teams()) == ("b", {org.line1.pk})


def test_a_bulk_update_is_one_notification_with_every_team(org, listener):
    IdeaFactory(team=org.line1, reporter=org.member)
    IdeaFactory(team=org.line2, reporter=org.other)
    listener.payloads()
    with connection.cursor() as cur:  # as the aging scan does: one UPDATE, no ORM save
        cur.execute("UPDATE ideas_idea SET aging_flagged_at = now()")
    assert _one(listener.teams()) == ("b", {org.line1.pk, org.line2.pk})


def test_an_update_touching_nothing_says_nothing(org, listener):
    Idea.objects.filter(title="no such item").update(title="x")
    assert listener.teams() == []


def test_moving_an_idea_away_announces_both_boards(org, listener):
    idea = IdeaFactory(team=org.line1, reporter=org.member)
    listener.payloads()
    Idea.objects.filter(pk=idea.pk).update(team=org.line2)
    assert _one(listener.teams()) == ("b", {org.line1.pk, org.line2.pk})


def test_an_acknowledged_escalation_is_announced_on_both_boards(org, listener):
    idea = IdeaFactory(team=org.line1, reporter=org.member, title="Guard is loose")
    escalation = escalation_services.escalation_raise(
        idea_id=idea.pk, reason="resources", ask="A new guard, please", actor=org.lead)
    listener.payloads()
    escalation_services.escalation_acknowledge(escalation_id=escalation.pk,
                                               actor=org.supervisor)
    kind, teams = _one(listener.teams())
    assert kind == "b" and {org.line1.pk, org.sup.pk} <= teams


def test_sqdc_letter_and_huddle_notes(org, listener):
    huddle_services.sqdc_set(team=org.line1, day=timezone.localdate(), category="safety",
                             status="green", actor=org.member)
    assert {t for _, ids in listener.teams() for t in ids} == {org.line1.pk}


def test_display_links_are_announced_as_link_changes_but_a_screen_loading_is_not(
        org, listener):
    link, _ = huddle_services.display_link_create(team=org.line1, actor=org.lead, label="TV")
    assert listener.teams() == [("l", {org.line1.pk})]
    huddle_services.display_link_seen(link.pk)
    assert listener.teams() == []
    DisplayLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    assert listener.teams() == [("l", {org.line1.pk})]


def test_board_settings_from_anywhere(org, listener):
    BoardSettings.objects.update_or_create(team=org.line2, defaults={"refresh_seconds": 90})
    assert {t for _, ids in listener.teams() for t in ids} == {org.line2.pk}


def test_too_many_teams_for_one_notification_say_all(org, listener):
    with connection.cursor() as cur:
        cur.execute("SELECT tierline_board_notify("
                    "ARRAY(SELECT generate_series(1, 3000))::bigint[], 'b')")
    assert listener.teams() == [("b", {"*"})]


def test_nothing_is_announced_before_the_commit(org, listener):
    from django.db import transaction

    with transaction.atomic():
        IdeaFactory(team=org.line1, reporter=org.member)
        assert listener.teams(wait=0.2) == []
    assert listener.teams() == [("b", {org.line1.pk})]
