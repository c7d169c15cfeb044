"""org.tasks.send_digests: one e-mail per opted-in person with something to say, once a day."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ideas.models import Idea
from org import digests
from org.models import Notification
from org.outbox import EMAIL_LEASE, notification_emails_claim, notification_emails_send
from org.tasks import send_digests
from tests.org.test_email_outbox import FlakyBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(org, item, escalation, now):
    """member owns an aging item; line1's lead leads a team with an unowned aging item;
    supervisor's team (sup) has an escalation waiting; other reported an item that got a
    decision this morning. Nothing for the manager or the executive."""
    owned = item(org.line1, 12, owner=org.member, title="Leaking valve",
                 aging_flagged_at=now - timedelta(hours=2))
    unowned = item(org.line1, 15, title="Unowned squeak", aging_flagged_at=now)
    waiting = item(org.line1, 1, title="Needs a new jig", waiting_on_team=org.sup)
    esc = escalation(waiting, org.sup, raised_hours_ago=3)
    decided = item(org.line2, 1, reporter=org.other, title="Second forklift",
                   decision_note="Approved within budget.",
                   decision_at=now - timedelta(hours=3))
    old_decision = item(org.line2, 1, reporter=org.other, title="Old news",
                        decision_note="Declined.", decision_at=now - timedelta(days=3))
    return {"owned": owned, "unowned": unowned, "esc": esc, "decided": decided,
            "old": old_decision}


@pytest.fixture
def mail_server(settings):
    """A mail server that drops the connection for the first ``mail_server.failures`` sends."""
    settings.MAILERS = {"default": {"BACKEND": "tests.org.test_email_outbox.FlakyBackend"}}
    FlakyBackend.failures, FlakyBackend.refused, FlakyBackend.calls = 0, set(), 0
    return FlakyBackend


def by_recipient():
    return {m.to[0].split("@")[0]: m for m in mail.outbox}


def test_one_digest_per_person_with_news_and_nothing_for_the_others(org, news, now):
    sent = digests.send_digests(now=now)
    assert sent == 4
    mails = by_recipient()
    assert set(mails) == {"member", "lead", "supervisor", "other"}
    member = mails["member"]
    assert member.subject == "[Tierline] Morning digest: 1 aging item."
    assert f"#{news['owned'].pk} Leaking valve — Line 1, no activity for 12 days" in member.body
    assert f"/ideas/{news['owned'].pk}/" in member.body
    lead = mails["lead"]
    assert lead.subject == "[Tierline] Morning digest: 1 aging item."
    assert "Unowned squeak" in lead.body and "Leaking valve" not in lead.body
    supervisor = mails["supervisor"]
    assert supervisor.subject == "[Tierline] Morning digest: 1 escalation awaiting your team."
    assert f"/escalations/{news['esc'].pk}/" in supervisor.body
    assert "waiting for acknowledgement" in supervisor.body
    other = mails["other"]
    assert other.subject == "[Tierline] Morning digest: 1 decision on your items."
    assert "Second forklift: Approved within budget." in other.body
    assert "Old news" not in other.body


def test_a_second_run_the_same_day_sends_nothing(org, news, now):
    assert digests.send_digests(now=now) == 4
    # Ten minutes later, but still the same day when the suite runs just before midnight.
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=0)
    assert digests.send_digests(now=min(now + timedelta(minutes=10), end_of_day)) == 0
    send_digests.apply()
    assert len(mail.outbox) == 4
    # The record of the day's digest is a quiet (already read) notification.
    record = Notification.objects.get(recipient=org.member, verb="digest")
    assert record.event_key == f"digest:{timezone.localdate(now).isoformat()}"
    assert record.read_at is not None and record.emailed_at is not None
    assert record.email_state == Notification.EmailState.SENT


def test_people_who_opted_out_or_have_no_address_get_nothing(org, news, now):
    org.member.daily_digest = False
    org.member.save()
    org.lead.email = ""
    org.lead.save()
    digests.send_digests(now=now)
    assert set(by_recipient()) == {"supervisor", "other"}


def test_nothing_to_say_means_no_mail_at_all(org, now):
    assert digests.send_digests(now=now) == 0
    assert mail.outbox == []
    assert not Notification.objects.filter(verb="digest").exists()


def test_a_closed_item_is_not_aging_news(org, news, now):
    Idea.objects.filter(pk=news["owned"].pk).update(status=Idea.Status.DONE)
    digests.send_digests(now=now)
    assert "member" not in by_recipient()


def test_a_failed_send_is_kept_and_retried_by_the_sweep_with_the_same_text(org, news, now,
                                                                           mail_server):
    mail_server.failures = 2  # the mail server drops the first two sends
    assert digests.send_digests(now=now) == 2
    failed = Notification.objects.filter(verb="digest", emailed_at__isnull=True)
    assert failed.count() == 2
    for record in failed:
        assert record.email_state == Notification.EmailState.PENDING
        assert record.email_attempts == 1 and "SMTPServerDisconnected" in record.email_last_error
        assert record.email_next_attempt_at > now
    # A second run the same day (a redelivered task) sends nothing, not even the failed ones …
    assert digests.send_digests(now=now + timedelta(seconds=10)) == 0
    # … the sweep sends them after the backoff, once, with the text the first attempt had.
    assert notification_emails_send(now=now + timedelta(minutes=2)) == 2
    assert notification_emails_send(now=now + timedelta(hours=1)) == 0
    assert digests.send_digests(now=now + timedelta(seconds=20)) == 0
    assert len(mail.outbox) == 4
    mails = by_recipient()
    assert set(mails) == {"member", "lead", "supervisor", "other"}
    assert mails["member"].subject == "[Tierline] Morning digest: 1 aging item."
    assert "Leaking valve" in mails["member"].body
    assert not Notification.objects.filter(verb="digest").exclude(
        email_state=Notification.EmailState.SENT).exists()


def test_a_digest_whose_worker_died_mid_send_goes_out_after_the_lease(org, news, now,
                                                                      monkeypatch):
    # The job records the digests, then its worker is killed before anything is sent.
    monkeypatch.setattr(digests, "notification_emails_send", lambda **kw: 0)
    digests.send_digests(now=now)
    monkeypatch.undo()
    notification_emails_claim(now=now)
    assert mail.outbox == []
    assert digests.send_digests(now=now) == 0  # a redelivery the same day: the claim holds
    assert notification_emails_send(now=now + EMAIL_LEASE + timedelta(seconds=1)) == 4
    assert set(by_recipient()) == {"member", "lead", "supervisor", "other"}
    assert len(mail.outbox) == 4
