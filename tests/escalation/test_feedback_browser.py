"""Real Chromium: the team that escalated says whether the answer helped. A front-line member
finds the decision on the item, says it didn't help with a note; the lead who answered hears
it and sees the verdict on the escalation page."""

import re

import pytest
from playwright.sync_api import expect

from escalation import services
from escalation.models import AnswerFeedback
from ideas import services as idea_services
from org.models import Notification
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_team_rates_an_escalations_answer(org, new_page):
    idea = idea_services.idea_create(actor=org.member, team=org.line1, category="delivery",
                                     title="Bins for brackets run empty at noon")
    esc = services.escalation_raise(idea_id=idea.pk, actor=org.member, reason="resources",
                                    ask="A second milk run at 11:00.")
    services.escalation_return(escalation_id=esc.pk, actor=org.supervisor,
                               decision="Count the bins yourselves for two weeks first.")

    member = new_page()
    browser_login(member, "member")
    member.goto(f"/ideas/{idea.pk}/")
    panel = member.get_by_test_id("escalation-panel")
    expect(panel.get_by_test_id("escalation-decision")).to_contain_text("Count the bins")
    panel.get_by_test_id("rate-answer").click()
    expect(member).to_have_url(re.compile(rf"/escalations/{esc.pk}/feedback/$"))
    form = member.get_by_test_id("answer-form")
    form.get_by_test_id("answer-save").click()  # no verdict chosen: refused in place
    expect(form).to_contain_text("Say whether the answer helped.")
    expect(member.get_by_test_id("answer-form")).to_be_visible()
    member.get_by_test_id("answer-not_helped").click()
    member.locator("#id_answer_note").fill("We counted last month already: the bins run "
                                           "empty because the run comes at 12:30.")
    member.get_by_test_id("answer-save").click()

    expect(member).to_have_url(re.compile(rf"/escalations/{esc.pk}/#answer-feedback$"))
    verdict = member.get_by_test_id("answer-feedback")
    expect(verdict.get_by_test_id("answer-rating")).to_have_text("Didn't help")
    expect(verdict.get_by_test_id("answer-note")).to_contain_text("run comes at 12:30")
    feedback = AnswerFeedback.objects.get()
    assert (feedback.escalation_id, feedback.rating, feedback.team) == (
        esc.pk, "not_helped", org.line1)

    # The lead who answered is told, and sees the verdict (no form: it is not theirs).
    told = Notification.objects.get(recipient=org.supervisor, text__contains="didn't help")
    assert told.url == f"/escalations/{esc.pk}/"
    supervisor = new_page()
    browser_login(supervisor, "supervisor")
    supervisor.goto(told.url)
    verdict = supervisor.get_by_test_id("answer-feedback")
    expect(verdict.get_by_test_id("answer-rating")).to_have_text("Didn't help")
    expect(verdict.get_by_test_id("answer-form")).to_have_count(0)

    # The team changes its mind: the latest verdict counts.
    member.get_by_test_id("answer-partly").click()
    member.get_by_test_id("answer-save").click()
    expect(member.get_by_test_id("answer-rating")).to_have_text("Partly helped")
    assert AnswerFeedback.objects.get().rating == "partly"
