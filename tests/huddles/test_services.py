"""The huddles services: board settings, moves, SQDC letters, huddles and display links."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from huddles import services
from huddles.models import BoardSettings, DisplayLink, Huddle, SqdcDay
from huddles.selectors.sessions import huddles_held_vs_scheduled
from huddles.selectors.version import board_state_for_link
from ideas.models import IdeaEvent
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- settings


class TestBoardSettings:
    def test_lead_sets_limits_and_they_are_stored(self, org):
        settings = services.board_settings_update(
            team=org.line1, actor=org.lead, wip_new=5, wip_in_progress=3,
            done_window_days=7, refresh_seconds=15)
        settings.refresh_from_db()
        assert (settings.wip_new, settings.wip_in_progress, settings.done_window_days,
                settings.refresh_seconds) == (5, 3, 7, 15)
        assert settings.updated_by == org.lead

    @pytest.mark.parametrize("value", [-1, 0, 10**9, "many", 2.5])
    def test_absurd_wip_limits_refused(self, org, value):
        with pytest.raises(DomainError) as exc:
            services.board_settings_update(team=org.line1, actor=org.lead, wip_new=value)
        assert exc.value.field == "wip_new"
        assert not BoardSettings.objects.filter(team=org.line1, wip_new__isnull=False).exists()

    def test_empty_limit_means_none(self, org):
        services.board_settings_update(team=org.line1, actor=org.lead, wip_new=4)
        settings = services.board_settings_update(team=org.line1, actor=org.lead, wip_new="")
        assert settings.wip_new is None

    @pytest.mark.parametrize("field,value", [("done_window_days", 0), ("done_window_days", 91),
                                             ("refresh_seconds", 1), ("refresh_seconds", 10**6)])
    def test_ranges(self, org, field, value):
        with pytest.raises(DomainError) as exc:
            services.board_settings_update(team=org.line1, actor=org.lead, **{field: value})
        assert exc.value.field == field

    def test_database_refuses_out_of_range_too(self, org):
        with pytest.raises(IntegrityError), transaction.atomic():
            BoardSettings.objects.create(team=org.line1, wip_new=-1)

    @pytest.mark.parametrize("who", ["member", "other", "supervisor", "executive"])
    def test_only_leads_and_admins(self, org, who):
        with pytest.raises(Forbidden):
            services.board_settings_update(team=org.line1, actor=getattr(org, who), wip_new=3)
        services.board_settings_update(team=org.line1, actor=org.admin, wip_new=3)

    def test_people_letter_is_for_admins(self, org):
        with pytest.raises(Forbidden):
            services.board_settings_update(team=org.line1, actor=org.lead, people_enabled=True)
        assert services.board_settings_update(team=org.line1, actor=org.admin,
                                              people_enabled=True).people_enabled

    def test_unknown_setting_refused(self, org):
        with pytest.raises(DomainError, match="Unknown"):
            services.board_settings_update(team=org.line1, actor=org.lead, colour="pink")


# --------------------------------------------------------------------------- moves


class TestMoves:
    def test_lead_moves_a_card(self, org, card):
        idea = card()
        moved = services.board_move(team=org.line1, idea_id=idea.pk, to="in_progress",
                                    actor=org.lead, version=idea.version)
        assert moved.status == "in_progress" and moved.version == idea.version + 1
        assert IdeaEvent.objects.filter(idea=idea, verb="status").exists()

    def test_a_card_of_another_teams_board(self, org, card):
        idea = card(team=org.line2, reporter=org.other)
        with pytest.raises(DomainError) as exc:
            services.board_move(team=org.line1, idea_id=idea.pk, to="in_progress",
                                actor=org.lead, version=1)
        assert exc.value.field == "idea" and exc.value.status_code == 400
        idea.refresh_from_db()
        assert idea.status == "new"

    def test_an_invisible_private_card_is_not_on_the_board(self, org, card):
        idea = card(team=org.line2, reporter=org.other, is_private=True)
        with pytest.raises(DomainError, match="not on the board"):
            services.board_move(team=org.line2, idea_id=idea.pk, to="in_progress",
                                actor=org.lead, version=1)

    def test_workflow_forbids(self, org, card):
        idea = card()
        with pytest.raises(Conflict) as exc:
            services.board_move(team=org.line1, idea_id=idea.pk, to="done", actor=org.lead,
                                version=idea.version, learning="x")
        assert "in_progress" in exc.value.extra["allowed"]

    def test_unknown_status(self, org, card):
        idea = card()
        with pytest.raises(DomainError) as exc:
            services.board_move(team=org.line1, idea_id=idea.pk, to="waiting", actor=org.lead,
                                version=idea.version)
        assert exc.value.field == "to"

    def test_stale_version_is_a_conflict(self, org, card):
        idea = card()
        services.board_move(team=org.line1, idea_id=idea.pk, to="in_progress", actor=org.lead,
                            version=idea.version)
        with pytest.raises(Conflict) as exc:
            services.board_move(team=org.line1, idea_id=idea.pk, to="parked", actor=org.lead,
                                version=idea.version)
        assert exc.value.status_code == 409 and exc.value.extra["status"] == "in_progress"

    @pytest.mark.parametrize("version", [None, "", "abc"])
    def test_version_is_required(self, org, card, version):
        idea = card()
        with pytest.raises(DomainError) as exc:
            services.board_move(team=org.line1, idea_id=idea.pk, to="in_progress",
                                actor=org.lead, version=version)
        assert exc.value.field == "version"

    def test_done_needs_learning_and_decline_a_reason(self, org, card):
        idea = card(status="in_progress")
        with pytest.raises(DomainError) as exc:
            services.board_move(team=org.line1, idea_id=idea.pk, to="done", actor=org.lead,
                                version=idea.version)
        assert exc.value.field == "learning"
        with pytest.raises(DomainError) as exc:
            services.board_move(team=org.line1, idea_id=idea.pk, to="declined", actor=org.lead,
                                version=idea.version)
        assert exc.value.field == "reason"
        done = services.board_move(team=org.line1, idea_id=idea.pk, to="done", actor=org.lead,
                                   version=idea.version, learning="Torque drifts with heat")
        assert done.learning == "Torque drifts with heat"

    def test_same_rules_as_idea_pages_member_may_not(self, org, card):
        idea = card()
        with pytest.raises(Forbidden):
            services.board_move(team=org.line1, idea_id=idea.pk, to="in_progress",
                                actor=org.member, version=idea.version)
        owned = card(owner=org.member)
        assert services.board_move(team=org.line1, idea_id=owned.pk, to="in_progress",
                                   actor=org.member, version=owned.version).status == \
            "in_progress"


# --------------------------------------------------------------------------- SQDC


class TestSqdc:
    today = date(2026, 3, 11)  # a Wednesday

    def test_member_sets_today(self, org):
        row = services.sqdc_set(team=org.line1, day=self.today, category="safety",
                                status="green", actor=org.member, today=self.today)
        assert (row.status, row.set_by) == ("green", org.member)
        again = services.sqdc_set(team=org.line1, day=self.today, category="safety",
                                  status="amber", actor=org.member, today=self.today)
        assert again.pk == row.pk and again.status == "amber"
        assert SqdcDay.objects.count() == 1

    def test_red_requires_a_note(self, org):
        with pytest.raises(DomainError) as exc:
            services.sqdc_set(team=org.line1, day=self.today, category="safety", status="red",
                              note="   ", actor=org.member, today=self.today)
        assert exc.value.field == "note"
        assert not SqdcDay.objects.exists()
        row = services.sqdc_set(team=org.line1, day=self.today, category="safety",
                                status="red", note="Slip near press 4", actor=org.member,
                                today=self.today)
        assert row.note == "Slip near press 4"

    def test_red_keeps_an_existing_note(self, org):
        services.sqdc_set(team=org.line1, day=self.today, category="quality", status="amber",
                          note="Scrap up", actor=org.member, today=self.today)
        row = services.sqdc_set(team=org.line1, day=self.today, category="quality",
                                status="red", actor=org.member, today=self.today)
        assert row.status == "red" and row.note == "Scrap up"

    def test_database_refuses_red_without_note(self, org):
        with pytest.raises(IntegrityError), transaction.atomic():
            SqdcDay.objects.create(team=org.line1, date=self.today, category="cost",
                                   status="red", note="")

    def test_no_future_dates(self, org):
        with pytest.raises(DomainError) as exc:
            services.sqdc_set(team=org.line1, day=self.today + timedelta(days=1),
                              category="safety", status="green", actor=org.lead,
                              today=self.today)
        assert exc.value.field == "date"

    def test_members_do_not_correct_the_past_leads_do(self, org):
        yesterday = self.today - timedelta(days=1)
        with pytest.raises(Forbidden):
            services.sqdc_set(team=org.line1, day=yesterday, category="safety",
                              status="green", actor=org.member, today=self.today)
        assert services.sqdc_set(team=org.line1, day=yesterday, category="safety",
                                 status="green", actor=org.lead, today=self.today)

    @pytest.mark.parametrize("who", ["other", "supervisor", "executive"])
    def test_outsiders_may_not(self, org, who):
        with pytest.raises(Forbidden):
            services.sqdc_set(team=org.line1, day=self.today, category="safety",
                              status="green", actor=getattr(org, who), today=self.today)

    def test_people_letter_only_when_enabled(self, org):
        with pytest.raises(DomainError) as exc:
            services.sqdc_set(team=org.line1, day=self.today, category="people",
                              status="green", actor=org.member, today=self.today)
        assert exc.value.field == "category"
        services.board_settings_update(team=org.line1, actor=org.admin, people_enabled=True)
        assert services.sqdc_set(team=org.line1, day=self.today, category="people",
                                 status="green", actor=org.member, today=self.today)

    @pytest.mark.parametrize("field,kw", [("category", {"category": "morale"}),
                                          ("status", {"status": "blue"})])
    def test_unknown_values(self, org, field, kw):
        args = {"category": "safety", "status": "green", **kw}
        with pytest.raises(DomainError) as exc:
            services.sqdc_set(team=org.line1, day=self.today, actor=org.member,
                              today=self.today, **args)
        assert exc.value.field == field

    def test_setting_a_letter_changes_the_board_version(self, org, display_link):
        link, key = display_link()
        before = board_state_for_link(link.token_hash)
        services.sqdc_set(team=org.line1, day=timezone.localdate(), category="safety",
                          status="green", actor=org.member)
        after = board_state_for_link(link.token_hash)
        assert before.board_changed != after.board_changed


# --------------------------------------------------------------------------- huddles


class TestHuddles:
    def test_start_tick_discuss_end(self, org, card):
        idea = card()
        huddle = services.huddle_start(team=org.line1, actor=org.lead)
        assert huddle.is_open and list(huddle.attendees.all()) == [org.lead]
        services.huddle_set_attendance(huddle_id=huddle.pk, actor=org.lead,
                                       user_id=org.member.pk, present=True)
        services.huddle_update(huddle_id=huddle.pk, actor=org.member, notes="  Press 4 guard ",
                               guests="Quality engineer, , Safety rep ")
        services.huddle_mark_discussed(huddle_id=huddle.pk, actor=org.lead, idea_id=idea.pk)
        services.huddle_mark_discussed(huddle_id=huddle.pk, actor=org.lead, idea_id=idea.pk)
        ended = services.huddle_end(huddle_id=huddle.pk, actor=org.lead,
                                    now=huddle.started_at + timedelta(minutes=12, seconds=20))
        assert ended.duration_minutes == 12 and ended.ended_by == org.lead
        huddle.refresh_from_db()
        assert set(huddle.attendees.all()) == {org.lead, org.member}
        assert huddle.notes == "Press 4 guard"
        assert huddle.guest_list == ["Quality engineer", "Safety rep"]
        assert list(huddle.discussed.all()) == [idea]
        assert IdeaEvent.objects.filter(idea=idea, verb="discussed").count() == 1

    def test_second_open_huddle_same_day(self, org):
        services.huddle_start(team=org.line1, actor=org.lead)
        with pytest.raises(Conflict):
            services.huddle_start(team=org.line1, actor=org.member)
        assert Huddle.objects.filter(team=org.line1).count() == 1

    def test_database_allows_one_open_huddle_per_day(self, org):
        now = timezone.now()
        Huddle.objects.create(team=org.line1, date=now.date(), started_at=now)
        with pytest.raises(IntegrityError), transaction.atomic():
            Huddle.objects.create(team=org.line1, date=now.date(), started_at=now)

    def test_after_ending_another_may_start(self, org):
        first = services.huddle_start(team=org.line1, actor=org.lead)
        services.huddle_end(huddle_id=first.pk, actor=org.lead)
        second = services.huddle_start(team=org.line1, actor=org.lead)
        assert second.pk != first.pk

    def test_end_twice(self, org):
        huddle = services.huddle_start(team=org.line1, actor=org.lead)
        services.huddle_end(huddle_id=huddle.pk, actor=org.lead)
        with pytest.raises(Conflict):
            services.huddle_end(huddle_id=huddle.pk, actor=org.lead)

    @pytest.mark.parametrize("who", ["other", "supervisor", "executive"])
    def test_outsiders_do_not_run_it(self, org, who):
        with pytest.raises(Forbidden):
            services.huddle_start(team=org.line1, actor=getattr(org, who))
        huddle = services.huddle_start(team=org.line1, actor=org.member)
        with pytest.raises(Forbidden):
            services.huddle_update(huddle_id=huddle.pk, actor=getattr(org, who), notes="x")

    def test_only_members_are_ticked(self, org):
        huddle = services.huddle_start(team=org.line1, actor=org.lead)
        for user_id in (org.other.pk, "x", 999999):
            with pytest.raises(DomainError) as exc:
                services.huddle_set_attendance(huddle_id=huddle.pk, actor=org.lead,
                                               user_id=user_id, present=True)
            assert exc.value.field == "user"

    def test_discussed_item_must_be_on_the_board(self, org, card):
        huddle = services.huddle_start(team=org.line1, actor=org.lead)
        elsewhere = card(team=org.line2, reporter=org.other)
        with pytest.raises(DomainError):
            services.huddle_mark_discussed(huddle_id=huddle.pk, actor=org.lead,
                                           idea_id=elsewhere.pk)
        escalated_here = card(team=org.line2, reporter=org.other, waiting_on_team=org.line1)
        services.huddle_mark_discussed(huddle_id=huddle.pk, actor=org.lead,
                                       idea_id=escalated_here.pk)
        assert huddle.discussed.filter(pk=escalated_here.pk).exists()

    def test_ended_huddle_corrected_by_leads_only(self, org):
        huddle = services.huddle_start(team=org.line1, actor=org.member)
        services.huddle_end(huddle_id=huddle.pk, actor=org.member)
        with pytest.raises(Forbidden):
            services.huddle_update(huddle_id=huddle.pk, actor=org.member, notes="late note")
        services.huddle_update(huddle_id=huddle.pk, actor=org.lead, notes="late note")

    def test_held_vs_scheduled(self, org):
        # Mon 2 … Sun 15 March 2026: 10 weekdays scheduled.
        huddle_time = org.line1.tier.huddle_time  # 08:00
        tz = timezone.get_current_timezone()

        def held(day, minutes_late):
            start = datetime.combine(day, huddle_time, tzinfo=tz) + timedelta(
                minutes=minutes_late)
            Huddle.objects.create(team=org.line1, date=day, started_at=start,
                                  ended_at=start + timedelta(minutes=12))

        held(date(2026, 3, 2), 0)
        held(date(2026, 3, 3), 25)  # late
        held(date(2026, 3, 3), 40)  # a second one the same day counts once
        held(date(2026, 3, 4), -3)
        held(date(2026, 3, 7), 0)  # a Saturday
        held(date(2026, 3, 20), 0)  # outside the range
        stats = huddles_held_vs_scheduled([org.line1, org.line2.pk], date(2026, 3, 2),
                                          date(2026, 3, 15))
        assert stats[org.line1.pk].scheduled == 10
        assert (stats[org.line1.pk].held, stats[org.line1.pk].on_time,
                stats[org.line1.pk].extra) == (3, 2, 1)
        assert stats[org.line1.pk].rate == pytest.approx(0.3)
        assert stats[org.line2.pk].held == 0 and stats[org.line2.pk].rate == 0
        assert huddles_held_vs_scheduled([org.line1], date(2026, 3, 7),
                                         date(2026, 3, 8))[org.line1.pk].rate is None

    def test_held_vs_scheduled_query_count(self, org, django_assert_num_queries):
        with django_assert_num_queries(2):
            huddles_held_vs_scheduled([org.line1, org.line2, org.sup], date(2026, 1, 1),
                                      date(2026, 3, 31))


# --------------------------------------------------------------------------- display links


class TestDisplayLinks:
    def test_only_a_hash_is_stored(self, org):
        link, key = services.display_link_create(team=org.line1, actor=org.lead,
                                                 label="Hall TV")
        token = key.split(":")[0]
        assert token not in link.token_hash and len(link.token_hash) == 64
        assert services.display_key_hash(key) == link.token_hash
        assert DisplayLink.objects.filter(token_hash=link.token_hash).count() == 1

    @pytest.mark.parametrize("mangle", [
        lambda k: k[:-1] + ("A" if k[-1] != "A" else "B"),  # signature tampered
        lambda k: "x" + k,  # token tampered
        lambda k: k.split(":")[0],  # signature removed
        lambda k: "",
        lambda k: "a" * 500,
    ])
    def test_tampered_keys_are_refused_before_the_database(self, org, mangle,
                                                           django_assert_num_queries):
        link, key = services.display_link_create(team=org.line1, actor=org.lead, label="TV")
        with django_assert_num_queries(0):
            assert services.display_key_hash(mangle(key)) is None

    @pytest.mark.parametrize("who", ["member", "other", "supervisor", "executive"])
    def test_only_leads_make_and_revoke(self, org, who):
        with pytest.raises(Forbidden):
            services.display_link_create(team=org.line1, actor=getattr(org, who), label="TV")
        link, _ = services.display_link_create(team=org.line1, actor=org.lead, label="TV")
        with pytest.raises(Forbidden):
            services.display_link_revoke(link_id=link.pk, actor=getattr(org, who))

    def test_bad_input(self, org):
        with pytest.raises(DomainError) as exc:
            services.display_link_create(team=org.line1, actor=org.lead, label="  ")
        assert exc.value.field == "label"
        with pytest.raises(DomainError) as exc:
            services.display_link_create(team=org.line1, actor=org.lead, label="TV",
                                         expires_at=timezone.now() - timedelta(minutes=1))
        assert exc.value.field == "expires_at"

    def test_revoke_is_idempotent(self, org):
        link, _ = services.display_link_create(team=org.line1, actor=org.lead, label="TV")
        first = services.display_link_revoke(link_id=link.pk, actor=org.lead).revoked_at
        assert services.display_link_revoke(link_id=link.pk, actor=org.admin).revoked_at == \
            first


def test_board_touch_creates_settings_when_missing(org):
    services.board_touch(org.line2.pk)
    assert BoardSettings.objects.filter(team=org.line2).exists()


def test_new_member_can_start_huddle(org):
    newcomer = UserFactory()
    MembershipFactory(user=newcomer, team=org.line2)
    huddle = services.huddle_start(team=org.line2, actor=newcomer,
                                   now=timezone.make_aware(datetime.combine(date(2026, 3, 2),
                                                                            time(8, 1))))
    assert huddle.date == date(2026, 3, 2)
