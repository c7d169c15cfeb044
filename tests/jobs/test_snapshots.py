"""scorecards.tasks.snapshot_scorecards: one snapshot per scope and day, replaced on a rerun;
the backfill command."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from scorecards.models import Snapshot
from scorecards.services import snapshot_take
from scorecards.tasks import snapshot_scorecards
from tests.scorecards.conftest import make_item

pytestmark = pytest.mark.django_db

SCOPES = 7 + 4 + 1  # teams, tiers, the organisation


def test_one_snapshot_per_scope_and_day_with_the_three_windows(org, world):
    assert snapshot_take(day=world.day, now=world.now) == SCOPES
    assert Snapshot.objects.count() == SCOPES
    org_snap = Snapshot.objects.get(scope="org", scope_id=0, date=world.day)
    # the organisation's snapshot also keeps the executive scorecard's figures
    assert set(org_snap.metrics) == {"week", "month", "quarter", "executive"}
    # Week D-6…D: B, C, F, G; month D-29…D adds A, D, H; the quarter adds E (D-30).
    assert org_snap.metrics["week"]["submitted"] == 4
    assert org_snap.metrics["month"]["submitted"] == 7
    assert org_snap.metrics["quarter"]["submitted"] == 8
    team = Snapshot.objects.get(scope="team", scope_id=org.line1.pk, date=world.day)
    assert team.metrics["month"]["cycle_time_median"] == 4.0
    assert Snapshot.objects.get(scope="tier", scope_id=1, date=world.day) \
        .metrics["month"]["members"] == 4


def test_rerunning_a_day_replaces_it_and_never_duplicates(org, world):
    snapshot_take(day=world.day, now=world.now)
    make_item(org.line2, created=world.at(0), reporter=org.other)
    snapshot_take(day=world.day, now=world.now)
    snapshot_take(day=world.day, now=world.now)
    assert Snapshot.objects.count() == SCOPES
    assert Snapshot.objects.get(scope="org", date=world.day).metrics["month"]["submitted"] == 8


def test_the_nightly_task_snapshots_the_day_that_ended(org, world):
    snapshot_scorecards.apply()
    snapshot_scorecards.apply()  # a duplicate delivery
    assert set(Snapshot.objects.values_list("date", flat=True)) == {world.day}
    assert Snapshot.objects.count() == SCOPES


def test_backfill_command_takes_a_range(org, world, capsys):
    call_command("snapshot_scorecards", "--from", str(world.day - timedelta(days=2)),
                 "--to", str(world.day))
    assert "36 snapshots for 3 days" in capsys.readouterr().out
    call_command("snapshot_scorecards", "--from", str(world.day - timedelta(days=2)),
                 "--to", str(world.day))
    assert Snapshot.objects.count() == 3 * SCOPES
    assert sorted(set(Snapshot.objects.values_list("date", flat=True))) == [
        world.day - timedelta(days=2), world.day - timedelta(days=1), world.day]


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-03-02", "--to", "2026-03-01"], "must not be after"),
    (["--from", "2010-01-01", "--to", "2020-01-01"], "at most"),
    (["--date", "yesterday"], "must be a date"),
    (["--date", "2026-01-01", "--from", "2025-12-01"], "either --date or --from"),
])
def test_backfill_command_refuses_bad_ranges(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("snapshot_scorecards", *args)


def test_a_day_that_has_not_begun_cannot_be_snapshotted(org, world):
    from core.errors import DomainError

    with pytest.raises(DomainError):
        snapshot_take(day=world.day + timedelta(days=2), now=world.now)
