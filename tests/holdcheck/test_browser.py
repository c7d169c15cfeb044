""""Did it hold?" in a real browser: a lead finds the check on My work, answers "slipped" with a
note, and the item is back in progress; asked again after a second done, the second slip
proposes a systemic issue the lead opens."""

from datetime import timedelta

import pytest
from django.utils import timezone

from holdcheck.models import HoldCheck
from ideas import services
from ideas.models import Idea
from tests.conftest import browser_login

from .conftest import asked, done_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_answers_did_it_hold(org, new_page):
    idea = done_item(org, owner=org.lead, title="Label the bins")
    check = asked(idea)

    page = new_page()
    browser_login(page, "lead")
    panel = page.get_by_test_id("home-hold-checks")
    panel.wait_for()
    panel.get_by_role("link", name=f"#{idea.pk} Label the bins").click()
    page.wait_for_url(f"**/hold-checks/{check.pk}/")
    form = page.get_by_test_id("hold-check-form")
    form.get_by_label("Slipped").check()
    form.get_by_role("button", name="Save the answer").click()
    # A slip needs a note: the form says so and nothing is saved.
    assert "Say what did not hold" in page.get_by_test_id("hold-check-form").inner_text()
    page.get_by_label("What you see now").fill("Labels peeled off within two weeks.")
    page.get_by_role("button", name="Save the answer").click()
    page.wait_for_url(f"**/ideas/{idea.pk}/")
    assert "back in progress" in page.content()
    assert "Slipped" in page.get_by_test_id("hold-check-panel").inner_text()
    idea.refresh_from_db()
    assert idea.status == Idea.Status.IN_PROGRESS

    # Done again, asked again weeks later: the second slip proposes a systemic issue.
    services.idea_transition(idea_id=idea.pk, to="done", actor=org.lead,
                             learning="Engraved labels this time, not stickers.")
    Idea.objects.filter(pk=idea.pk).update(done_at=timezone.now() - timedelta(days=31))
    idea.refresh_from_db()
    second = asked(idea)
    page.goto(f"/hold-checks/{second.pk}/")
    page.get_by_label("Slipped").check()
    page.get_by_label("What you see now").fill("Engraved labels hidden by new bins.")
    page.get_by_role("button", name="Save the answer").click()
    page.wait_for_url(f"**/ideas/{idea.pk}/")
    assert "systemic issue is proposed" in page.content()
    page.goto("/")
    page.get_by_test_id("hold-proposal").get_by_role("link").click()
    proposal = page.get_by_test_id("hold-open-systemic")
    assert proposal.get_by_label("Title").input_value() == "Keeps slipping: Label the bins"
    proposal.get_by_role("button", name="Open the systemic issue").click()
    page.wait_for_url("**/systemic-issues/*/")
    second.refresh_from_db()
    assert second.outcome == HoldCheck.Outcome.SYSTEMIC_OPENED
    assert "Label the bins" in page.content()
