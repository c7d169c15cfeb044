"""The notification e-mail outbox: every e-mail is a row that is pending until it is sent, retried
with backoff when the mail server fails, given up as failed (visible in /healthz and the admin)
after the last attempt, and never sent twice by a duplicate task."""

import copy
import smtplib
import time
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from org import outbox as services
from org.models import Notification
from org.notifications import Note, notify, notify_many
from org.outbox import (
    EMAIL_LEASE,
    email_retry_delay,
    notification_emails_claim,
    notification_emails_send,
)
from org.tasks import send_due_emails, send_notification_emails
from tests.factories import IdeaFactory

State = Notification.EmailState
MINUTE = timedelta(minutes=1)


class FlakyBackend(BaseEmailBackend):
    """A mail backend that drops the connection for the first ``failures`` sends and refuses the
    addresses in ``refused``; what it accepts lands in ``mail.outbox`` like the locmem backend.
    Class attributes: every connection the service opens shares them."""

    failures = 0
    refused: set[str] = set()
    calls = 0

    def send_messages(self, messages):
        count = 0
        for message in messages:
            type(self).calls += 1
            if type(self).failures > 0:
                type(self).failures -= 1
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            refused = set(message.to) & type(self).refused
            if refused:
                raise smtplib.SMTPRecipientsRefused(
                    {addr: (550, b"No such user") for addr in refused})
            mail.outbox.append(copy.deepcopy(message))
            count += 1
        return count


@pytest.fixture
def flaky(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyBackend"}}
    FlakyBackend.failures, FlakyBackend.refused, FlakyBackend.calls = 0, set(), 0
    return FlakyBackend


@pytest.fixture
def say(org, django_capture_on_commit_callbacks):
    """``say(recipients, key)``: one notification per recipient, committed, its e-mail task run
    (eagerly) as after a real commit."""

    def _say(recipients=None, key="event-1"):
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=recipients or [org.member], verb="test", text="Something happened",
                   event_key=key, url="/ideas/1/")
        return list(Notification.objects.filter(event_key=key).order_by("recipient__username"))

    return _say


@pytest.fixture
def broker_down(monkeypatch):
    def _raise(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_notification_emails, "apply_async", _raise)


def _reload(n: Notification) -> Notification:
    n.refresh_from_db()
    return n


def _sent_to() -> list[str]:
    return sorted(addr for m in mail.outbox for addr in m.to)


# ------------------------------------------------------------------ the state at creation


@pytest.mark.django_db
def test_the_email_state_is_decided_when_the_notification_is_created(org, say, broker_down):
    org.lead.email_notifications = False
    org.lead.save()
    org.other.email = ""
    org.other.save()
    rows = {n.recipient.username: n for n in say([org.member, org.lead, org.other])}
    assert rows["member"].email_state == State.PENDING
    assert rows["member"].email_next_attempt_at is not None
    assert rows["lead"].email_state == State.NOT_WANTED
    assert rows["other"].email_state == State.NOT_WANTED
    assert rows["lead"].email_next_attempt_at is None


@pytest.mark.django_db
def test_notify_many_decides_it_in_its_one_insert(org, broker_down,
                                                  django_capture_on_commit_callbacks):
    org.lead.email_notifications = False
    org.lead.save()
    with django_capture_on_commit_callbacks(execute=True):
        made = notify_many([Note(org.member.pk, "aging", "Idle item", "aging:1"),
                            Note(org.lead.pk, "aging", "Idle item", "aging:1")])
    assert made == 2
    states = dict(Notification.objects.values_list("recipient__username", "email_state"))
    assert states == {"member": State.PENDING, "lead": State.NOT_WANTED}
    assert mail.outbox == []  # the broker was down: nothing went out yet …
    assert notification_emails_send(now=timezone.now()) == 1  # … the sweep sends it
    assert _sent_to() == ["member@example.test"]


@pytest.mark.django_db
def test_sent_at_once_when_the_task_runs(org, say, settings):
    [n] = say()
    n = _reload(n)
    assert n.email_state == State.SENT and n.emailed_at is not None
    assert n.email_attempts == 1 and n.email_next_attempt_at is None
    assert _sent_to() == ["member@example.test"]
    assert mail.outbox[0].subject == "[Tierline] Something happened"
    assert f"{settings.TIERLINE_BASE_URL}/ideas/1/" in mail.outbox[0].body


# ------------------------------------------------------------------ failure and retry


@pytest.mark.django_db
def test_a_failed_send_stays_pending_and_the_sweep_sends_it_once_after_the_backoff(
        org, say, flaky):
    flaky.failures = 1
    before = timezone.now()
    [n] = say()
    n = _reload(n)
    assert mail.outbox == []
    assert n.email_state == State.PENDING
    assert n.email_attempts == 1
    assert n.email_last_error.startswith("SMTPServerDisconnected: Connection unexpectedly")
    assert n.email_next_attempt_at >= before + email_retry_delay(1)
    assert n.emailed_at is None

    now = timezone.now()
    assert notification_emails_send(now=now) == 0  # not due yet: nothing is tried
    assert flaky.calls == 1
    later = n.email_next_attempt_at + timedelta(seconds=1)
    assert notification_emails_send(now=later) == 1
    assert notification_emails_send(now=later + timedelta(hours=3)) == 0
    assert _sent_to() == ["member@example.test"]
    n = _reload(n)
    assert n.email_state == State.SENT and n.emailed_at == later and n.email_attempts == 2


def test_the_backoff_doubles_up_to_an_hour():
    assert [email_retry_delay(a) / MINUTE for a in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


@pytest.mark.django_db
def test_after_the_last_attempt_it_is_failed_and_the_admin_can_retry_it(
        org, say, flaky, settings, client_as, django_capture_on_commit_callbacks):
    settings.TIERLINE_EMAIL_MAX_ATTEMPTS = 3
    flaky.failures = 1000
    [n] = say()  # attempt 1
    now = timezone.now()
    for _ in range(5):  # attempts 2 and 3, then nothing more is tried
        now += timedelta(hours=1)
        notification_emails_send(now=now)
    n = _reload(n)
    assert flaky.calls == 3 and mail.outbox == []
    assert n.email_state == State.FAILED and n.email_attempts == 3
    assert n.email_next_attempt_at is None and "SMTPServerDisconnected" in n.email_last_error

    admin = client_as(org.admin)
    listed = admin.get("/admin/org/notification/", {"email_state__exact": State.FAILED})
    assert listed.status_code == 200
    assert f"/admin/org/notification/{n.pk}/change/" in listed.content.decode()
    assert "Retry e-mail now" in listed.content.decode()
    flaky.failures = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/admin/org/notification/", {
            "action": "retry_email", "_selected_action": [n.pk]}, follow=True)
    assert "1 e-mail(s) will be sent again now." in response.content.decode()
    n = _reload(n)
    # Pending again, due now, with a fresh count, and sent by the task queued after commit.
    assert n.email_state == State.SENT and n.email_attempts == 1
    assert _sent_to() == ["member@example.test"]
    hidden = admin.get("/admin/org/notification/", {"email_state__exact": State.FAILED})
    assert f"/admin/org/notification/{n.pk}/change/" not in hidden.content.decode()


@pytest.mark.django_db
def test_the_retry_action_makes_a_failed_email_pending_and_due_now(org, say, broker_down):
    [n] = say()
    Notification.objects.filter(pk=n.pk).update(email_state=State.FAILED, email_attempts=8,
                                                email_next_attempt_at=None)
    [sent] = say(key="event-2")
    Notification.objects.filter(pk=sent.pk).update(email_state=State.SENT)
    now = timezone.now()
    assert services.notification_email_retry(notification_ids=[n.pk, sent.pk],
                                             actor=org.admin, now=now) == 1
    n, sent = _reload(n), _reload(sent)
    assert (n.email_state, n.email_attempts, n.email_next_attempt_at) == (State.PENDING, 0, now)
    assert sent.email_state == State.SENT  # only failed ones are retried


@pytest.mark.django_db
def test_one_bad_address_does_not_stop_the_others(org, say, flaky):
    flaky.refused = {"lead@example.test"}
    rows = {n.recipient.username: _reload(n) for n in say([org.member, org.lead, org.other])}
    assert _sent_to() == ["member@example.test", "other@example.test"]
    assert rows["lead"].email_state == State.PENDING
    assert rows["lead"].email_last_error.startswith("SMTPRecipientsRefused")
    assert rows["member"].email_state == rows["other"].email_state == State.SENT


@pytest.mark.django_db
def test_any_error_of_the_backend_is_caught_per_message(org, say, flaky, monkeypatch):
    def explode(self, messages):
        raise TimeoutError("timed out")

    monkeypatch.setattr(FlakyBackend, "send_messages", explode)
    [n] = say()
    n = _reload(n)
    assert n.email_state == State.PENDING and n.email_last_error == "TimeoutError: timed out"


class FakeSMTP:
    """Stands in for smtplib.SMTP under Django's real SMTP backend: drops the connection when
    sending to a refused address, and counts connections opened and closed."""

    refused = "lead@example.test"
    opened: list["FakeSMTP"] = []

    def __init__(self, host, port, **kwargs):
        self.closed = False
        FakeSMTP.opened.append(self)

    def sendmail(self, from_addr, to_addrs, msg):
        assert not self.closed, "sent over a closed connection"
        if self.refused in to_addrs:
            self.closed = True
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.append(to_addrs)

    def quit(self):
        if self.closed:
            raise smtplib.SMTPServerDisconnected("please run connect() first")
        self.closed = True

    def close(self):
        self.closed = True


@pytest.mark.django_db
def test_the_real_smtp_backend_reconnects_after_a_dropped_connection(org, say, broker_down,
                                                                     settings, monkeypatch):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "smtp.invalid", "port": 25}}}
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(FakeSMTP, "opened", [])
    rows = say([org.member, org.lead, org.other])
    assert notification_emails_send(now=timezone.now()) == 2
    assert sorted(to for [to] in mail.outbox) == ["member@example.test", "other@example.test"]
    states = {n.recipient.username: _reload(n).email_state for n in rows}
    assert states == {"lead": State.PENDING, "member": State.SENT, "other": State.SENT}
    # One connection for the batch, one more after the drop; every one closed at the end.
    assert len(FakeSMTP.opened) == 2 and all(c.closed for c in FakeSMTP.opened)


@pytest.mark.django_db
def test_someone_who_opts_out_before_the_retry_is_not_mailed(org, say, flaky):
    flaky.failures = 1
    [n] = say()
    org.member.email_notifications = False
    org.member.save()
    assert notification_emails_send(now=timezone.now() + timedelta(hours=1)) == 0
    assert _reload(n).email_state == State.NOT_WANTED and mail.outbox == []


# ------------------------------------------------------------------ duplicates and lost workers


@pytest.mark.django_db
def test_a_second_delivery_of_the_task_sends_nothing_twice(org, say):
    rows = say([org.member, org.lead])
    ids = [n.pk for n in rows]
    assert len(mail.outbox) == 2
    assert send_notification_emails.apply(args=[ids]).get() == 0
    assert send_due_emails.apply().get() == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_claimed_row_is_not_sent_by_another_worker_during_the_lease(org, say, broker_down):
    [n] = say()
    now = timezone.now()
    rows, lease_until = notification_emails_claim(now=now)
    assert [r.pk for r in rows] == [n.pk] and lease_until == now + EMAIL_LEASE
    assert notification_emails_send(notification_ids=[n.pk], now=now) == 0
    assert notification_emails_send(now=now + EMAIL_LEASE - timedelta(seconds=1)) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_worker_killed_mid_send_is_retried_after_the_lease(org, say, broker_down):
    [n] = say()
    now = timezone.now()
    notification_emails_claim(now=now)  # … and the worker is killed before it records anything
    n = _reload(n)
    assert n.email_state == State.PENDING and n.email_attempts == 1
    assert n.email_next_attempt_at == now + EMAIL_LEASE
    assert notification_emails_send(now=now + 2 * MINUTE) == 0
    after = now + EMAIL_LEASE + timedelta(seconds=1)
    assert notification_emails_send(now=after) == 1
    assert notification_emails_send(now=after + EMAIL_LEASE * 2) == 0
    assert _sent_to() == ["member@example.test"]
    n = _reload(n)
    assert n.email_state == State.SENT and n.email_attempts == 2


@pytest.mark.django_db
def test_a_worker_lost_on_the_last_attempt_leaves_it_failed(org, say, broker_down, settings):
    settings.TIERLINE_EMAIL_MAX_ATTEMPTS = 1
    [n] = say()
    now = timezone.now()
    notification_emails_claim(now=now)
    assert notification_emails_send(now=now + EMAIL_LEASE + MINUTE) == 0
    n = _reload(n)
    assert n.email_state == State.FAILED and "never reported back" in n.email_last_error
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_worker_that_overran_its_lease_records_nothing_over_the_next_one(
        org, say, broker_down, flaky):
    [n] = say()
    now = timezone.now()
    stale_rows, stale_lease = notification_emails_claim(now=now)
    later = now + EMAIL_LEASE + MINUTE
    assert notification_emails_send(now=later) == 1  # the next worker took it and sent it
    # The first worker wakes up, its send fails, and it records the failure: nothing changes.
    flaky.failures = 1
    services._emails_deliver(stale_rows, now=now, lease_until=stale_lease,
                             deadline=time.monotonic() + 60)
    n = _reload(n)
    assert flaky.calls == 2
    assert n.email_state == State.SENT and n.emailed_at == later and n.email_last_error == ""


@pytest.mark.django_db
def test_the_sweep_hands_back_what_it_cannot_send_within_its_lease(org, say, broker_down):
    rows = say([org.member, org.lead, org.other])
    now = timezone.now()
    claimed, lease_until = notification_emails_claim(now=now)
    assert len(claimed) == 3
    # A deadline already past: nothing is sent, every row is due again, its attempt uncounted.
    assert services._emails_deliver(claimed, now=now, lease_until=lease_until,
                                    deadline=time.monotonic() - 1) == 0
    for n in rows:
        n = _reload(n)
        assert (n.email_state, n.email_attempts, n.email_next_attempt_at) == (
            State.PENDING, 0, now)
    assert notification_emails_send(now=now) == 3


# ------------------------------------------------------------------ the broker


@pytest.mark.django_db(transaction=True)
def test_the_broker_down_at_delay_time_does_not_break_the_request(org, client_as, broker_down):
    idea = IdeaFactory(team=org.line1, reporter=org.member, title="Guard missing")
    response = client_as(org.lead).post(f"/ideas/{idea.pk}/comments/",
                                        {"text": "Fixed it, please check"})
    assert response.status_code == 302
    n = Notification.objects.get(recipient=org.member, verb="comment")
    assert n.email_state == State.PENDING and mail.outbox == []
    assert send_due_emails.apply().get() == 1  # the sweep sends it later
    assert _sent_to() == ["member@example.test"]
    assert _reload(n).email_state == State.SENT


@pytest.mark.celery_worker
def test_the_sweep_sends_through_a_real_worker_once(org, celery_worker_real, broker_down):
    notify(recipients=[org.member, org.lead], verb="test", text="Through the worker",
           event_key="worker-1")
    assert Notification.objects.filter(event_key="worker-1",
                                       email_state=State.PENDING).count() == 2
    send_due_emails.delay()
    send_due_emails.delay()  # a duplicate delivery, or the next minute's run
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and Notification.objects.filter(
            event_key="worker-1", email_state=State.SENT).count() < 2:
        time.sleep(0.2)
    time.sleep(1)  # let the second run finish too
    assert Notification.objects.filter(event_key="worker-1",
                                       email_state=State.SENT).count() == 2
    assert sorted(addr for m in mail.outbox if m.subject == "[Tierline] Through the worker"
                  for addr in m.to) == ["lead@example.test", "member@example.test"]


@pytest.mark.django_db
def test_operators_run_the_sweep_by_name(org, say, broker_down, capsys):
    say()
    call_command("run_job", "send_due_emails")
    assert capsys.readouterr().out.strip() == "send_due_emails: 1"
    call_command("run_job", "send_due_emails")
    assert capsys.readouterr().out.strip() == "send_due_emails: 0"
    assert _sent_to() == ["member@example.test"]


# ------------------------------------------------------------------ the upgrade


@pytest.mark.django_db
def test_the_upgrade_marks_emailed_rows_sent_and_mails_no_old_notification(org, broker_down):
    migration = import_module("org.migrations.0003_notification_email_outbox")
    old_sent = Notification.objects.create(recipient=org.member, verb="x", text="Old, mailed",
                                           event_key="old-1", emailed_at=timezone.now())
    old_unsent = Notification.objects.create(recipient=org.lead, verb="x", text="Old",
                                             event_key="old-2")
    migration.mark_emailed_as_sent(apps, None)
    assert _reload(old_sent).email_state == State.SENT
    assert _reload(old_unsent).email_state == State.NOT_WANTED
    assert notification_emails_send(now=timezone.now() + timedelta(days=1)) == 0
    assert mail.outbox == []
