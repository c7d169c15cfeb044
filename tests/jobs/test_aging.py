"""ideas.tasks.flag_aging_items on hand-built data: exact flags and nudges, reruns, duplicate
deliveries, clearing on activity, keyset batches."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from ideas import jobs, services
from ideas.models import Idea
from ideas.tasks import flag_aging_items
from org.models import Notification
from tests.factories import MembershipFactory, UserFactory

from .conftest import notes

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(org, item):
    """Tier 1 (line1, line2) ages after 10 days, tier 2 (sup) after 14."""
    return {
        "owned": item(org.line1, 11, owner=org.member, title="Owned and idle"),
        "unowned": item(org.line1, 10.5, title="Nobody owns it"),
        "fresh": item(org.line1, 9, owner=org.member),
        "done": item(org.line1, 40, status=Idea.Status.DONE),
        "parked": item(org.line1, 40, status=Idea.Status.PARKED),
        "waiting": item(org.line1, 40, waiting_on_team=org.sup),
        "tier2_young": item(org.sup, 12),  # idle 12 days, but tier 2 waits 14
        "tier2_old": item(org.sup, 15, status=Idea.Status.IN_PROGRESS),
    }


def flagged_titles():
    return set(Idea.objects.filter(aging_flagged_at__isnull=False).values_list("pk", flat=True))


def test_flags_exactly_the_idle_open_items_and_nudges_owner_or_leads(org, cases, now):
    result = jobs.flag_aging_items(now=now)

    assert flagged_titles() == {cases["owned"].pk, cases["unowned"].pk, cases["tier2_old"].pk}
    assert result["flagged"] == 3
    assert result["notified"] == 3
    stamp = now.isoformat()
    assert notes("aging") == sorted([
        ("member", f"idea:{cases['owned'].pk}:aging:{stamp}"),  # the owner
        ("lead", f"idea:{cases['unowned'].pk}:aging:{stamp}"),  # unowned: line1's lead
        ("supervisor", f"idea:{cases['tier2_old'].pk}:aging:{stamp}"),  # sup's lead
    ])
    note = Notification.objects.get(recipient=org.member)
    assert note.url == f"/ideas/{cases['owned'].pk}/"
    assert note.text == "No activity for over 10 days: Owned and idle"
    assert note.target == cases["owned"]
    assert Idea.objects.get(pk=cases["owned"].pk).aging_flagged_at == now


def test_rerun_and_duplicate_delivery_say_nothing_twice(org, cases, now):
    jobs.flag_aging_items(now=now)
    before = notes()
    # The next hourly run, and the same message delivered twice by the broker.
    second = jobs.flag_aging_items(now=now + timedelta(hours=1))
    flag_aging_items.apply()
    flag_aging_items.apply()
    assert second["flagged"] == 0 and second["notified"] == 0
    assert notes() == before
    # The flag keeps its first timestamp: the event it was notified under.
    assert Idea.objects.get(pk=cases["owned"].pk).aging_flagged_at == now


def test_the_same_run_delivered_twice_concurrently_adds_no_duplicate(org, cases, now):
    """Two deliveries computing the same flag timestamp: the unique ledger keeps one."""
    jobs.flag_aging_items(now=now)
    Idea.objects.update(aging_flagged_at=None)  # as if the second delivery flagged again
    jobs.flag_aging_items(now=now)
    assert Notification.objects.filter(verb="aging").count() == 3


def test_activity_clears_the_flag_and_a_new_idle_spell_is_a_new_flag(org, cases, now):
    jobs.flag_aging_items(now=now)
    owned = cases["owned"]
    # A comment (through the service) is activity: the flag clears at once.
    services.comment_create(idea_id=owned.pk, actor=org.lead, text="Any news on this?")
    owned.refresh_from_db()
    assert owned.aging_flagged_at is None

    # Activity that bypassed the services (an import) is cleared by the job itself.
    unowned = cases["unowned"]
    Idea.objects.filter(pk=unowned.pk).update(last_activity_at=now)
    # And an item that started waiting on an escalation is not aging any more.
    Idea.objects.filter(pk=cases["tier2_old"].pk).update(waiting_on_team=org.plant)
    later = now + timedelta(hours=1)
    result = jobs.flag_aging_items(now=later)
    assert result["cleared"] == 2
    assert flagged_titles() == set()

    # Eleven quiet days later the owned item ages again: a new flag, a new nudge.
    much_later = now + timedelta(days=11, hours=2)
    jobs.flag_aging_items(now=much_later)
    assert Idea.objects.get(pk=owned.pk).aging_flagged_at == much_later
    keys = [k for user, k in notes("aging") if k.startswith(f"idea:{owned.pk}:")]
    assert keys == sorted([f"idea:{owned.pk}:aging:{now.isoformat()}",
                           f"idea:{owned.pk}:aging:{much_later.isoformat()}"])


def test_closing_an_item_or_raising_the_threshold_clears_its_flag(org, cases, now):
    jobs.flag_aging_items(now=now)
    Idea.objects.filter(pk=cases["owned"].pk).update(status=Idea.Status.DONE)
    org.tiers[2].aging_threshold_days = 30
    org.tiers[2].save()
    jobs.flag_aging_items(now=now + timedelta(minutes=5))
    assert flagged_titles() == {cases["unowned"].pk}


def test_unowned_item_of_a_team_with_two_leads_nudges_both(org, item, now):
    second_lead = UserFactory(username="lead2")
    MembershipFactory(user=second_lead, team=org.line1, role="lead")
    idea = item(org.line1, 20)
    jobs.flag_aging_items(now=now)
    assert notes("aging") == [("lead", f"idea:{idea.pk}:aging:{now.isoformat()}"),
                              ("lead2", f"idea:{idea.pk}:aging:{now.isoformat()}")]


def test_an_owner_who_left_is_replaced_by_the_leads(org, item, now):
    leaver = UserFactory(username="leaver", is_active=False)
    MembershipFactory(user=leaver, team=org.line1)
    idea = item(org.line1, 20, owner=leaver)
    jobs.flag_aging_items(now=now)
    assert notes("aging") == [("lead", f"idea:{idea.pk}:aging:{now.isoformat()}")]


def test_keyset_batches_cover_every_row_even_with_equal_timestamps(org, item, now):
    """Seven items idle since the very same instant, batches of two: every one flagged once."""
    same = now - timedelta(days=20)
    ids = []
    for _ in range(7):
        idea = item(org.line2, 0)
        Idea.objects.filter(pk=idea.pk).update(last_activity_at=same)
        ids.append(idea.pk)
    fresh = item(org.line2, 1)
    result = jobs.flag_aging_items(now=now, batch_size=2)
    assert result["flagged"] == 7
    assert result["batches"] == 4
    assert flagged_titles() == set(ids)
    assert fresh.pk not in flagged_titles()
    # line2 has no lead: nobody to nudge for these unowned items, and no error either.
    assert result["notified"] == 0


def test_the_email_goes_out_after_commit_for_people_who_opted_in(org, item, now,
                                                                django_capture_on_commit_callbacks):
    org.lead.email_notifications = False
    org.lead.save()
    item(org.line1, 20, owner=org.member, title="Broken guard")
    item(org.line1, 20, title="Unowned: the lead opted out of e-mail")
    with django_capture_on_commit_callbacks(execute=True):
        jobs.flag_aging_items(now=now)
    assert Notification.objects.filter(verb="aging").count() == 2
    assert [m.to for m in mail.outbox] == [["member@example.test"]]
    assert "Broken guard" in mail.outbox[0].subject


def test_run_job_command_runs_it_once_by_name(org, cases, capsys):
    call_command("run_job", "flag_aging_items")
    out = capsys.readouterr().out
    assert '"flagged": 3' in out
    call_command("run_job", "flag_aging_items")
    assert '"flagged": 0' in capsys.readouterr().out
    assert Notification.objects.filter(verb="aging").count() == 3


def test_setting_the_flag_is_a_hot_update_that_writes_no_index(org, item, now):
    """The speed of the scan over a million items rests on this (see README, Measured): the
    flag column carries no index and the table keeps room on its pages, so PostgreSQL updates
    the flagged rows in place (HOT) without touching any of the table's indexes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'ideas_idea'")
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'ideas_idea'")
        options = cursor.fetchone()[0]
    assert not [d for d in indexes if "aging_flagged_at" in d]
    assert "fillfactor=85" in options
    ids = [item(org.line1, 20, title=f"Idle {n}").pk for n in range(5)]

    def hot_updates() -> tuple[int, int]:
        with connection.cursor() as cursor:  # this transaction's own counters
            cursor.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables "
                           "WHERE relname = 'ideas_idea'")
            return cursor.fetchone()

    before = hot_updates()
    assert jobs.flag_aging_items(now=now)["flagged"] == 5
    after = hot_updates()
    assert after[0] - before[0] == 5
    assert after[1] - before[1] == 5  # every one of them HOT
    assert set(Idea.objects.filter(aging_flagged_at=now).values_list("pk", flat=True)) == set(ids)


def test_nudge_texts_survive_the_bulk_copy_exactly(org, item, now):
    """Nudges reach the notification table through COPY: tabs, newlines, backslashes and
    quotes in a title come out as they went in."""
    title = 'Guard \\ broken\tagain "twice"\nsee N\\A'
    idea = item(org.line1, 20, owner=org.member, title=title)
    jobs.flag_aging_items(now=now)
    note = Notification.objects.get(recipient=org.member, verb="aging")
    assert note.text == f"No activity for over 10 days: {title}"
    assert note.target == idea
