import pytest
from django.db import transaction

from org.models import Notification
from org.notifications import notification_mark_read, notify


def _say(org, key="event-1", **kw):
    notify(recipients=kw.pop("recipients", [org.member, org.lead]), verb="test",
           text="Something happened", event_key=key, url="/", **kw)


@pytest.mark.django_db(transaction=True)
class TestNotify:
    def test_once_per_event_and_recipient(self, org, mailoutbox):
        _say(org)
        _say(org)  # a rerun or a duplicate delivery of the same event
        assert Notification.objects.filter(event_key="event-1").count() == 2
        assert sorted(m.to[0] for m in mailoutbox) == ["lead@example.test", "member@example.test"]
        assert set(Notification.objects.values_list("email_state", "email_attempts")) == {
            (Notification.EmailState.SENT, 1)}

    def test_actor_is_not_told_of_their_own_act(self, org):
        _say(org, actor=org.member)
        assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["lead"]

    def test_email_opt_out_keeps_in_app(self, org, mailoutbox):
        org.member.email_notifications = False
        org.member.save()
        _say(org)
        assert Notification.objects.get(recipient=org.member).email_state == (
            Notification.EmailState.NOT_WANTED)
        assert [m.to[0] for m in mailoutbox] == ["lead@example.test"]

    def test_nothing_is_said_about_a_rolled_back_change(self, org, mailoutbox):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                _say(org)
                raise RuntimeError("the change failed")
        assert Notification.objects.count() == 0 and mailoutbox == []

    def test_inactive_people_are_skipped(self, org):
        org.lead.is_active = False
        org.lead.save()
        _say(org)
        assert list(Notification.objects.values_list("recipient__username", flat=True)) == [
            "member"]


@pytest.mark.django_db(transaction=True)
def test_badge_list_and_mark_read(client_as, org):
    _say(org)
    _say(org, key="event-2")
    client = client_as(org.member)
    badge = client.get("/notifications/badge/", HTTP_HX_REQUEST="true")
    assert b">2<" in badge.content
    page = client.get("/notifications/")
    assert page.content.count(b"Something happened") == 2
    first = Notification.objects.filter(recipient=org.member).first()
    client.post(f"/notifications/{first.pk}/read/")
    assert Notification.objects.filter(recipient=org.member, read_at__isnull=True).count() == 1
    client.post("/notifications/read/")
    assert not Notification.objects.filter(recipient=org.member, read_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_cannot_read_someone_elses(client_as, org):
    _say(org, recipients=[org.lead])
    theirs = Notification.objects.get(recipient=org.lead)
    response = client_as(org.member).post(f"/notifications/{theirs.pk}/read/")
    assert response.status_code == 404
    assert notification_mark_read(user=org.member, notification_id=theirs.pk) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
