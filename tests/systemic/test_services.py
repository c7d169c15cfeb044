"""Systemic issues: who opens and links, private items never leak, trigram suggestions on
hand-built texts, persistence per month, the tracking item."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.errors import DomainError, Forbidden
from ideas.models import Idea, IdeaEvent
from systemic import selectors as sel
from systemic import services as svc
from systemic.models import SystemicIssue, SystemicLink
from systemic.permissions import can_create_systemic_issue, can_link_problem

pytestmark = pytest.mark.django_db


def _aged(idea, days):
    Idea.objects.filter(pk=idea.pk).update(created_at=timezone.now() - timedelta(days=days))
    idea.refresh_from_db()
    return idea


# ---------------------------------------------------------------- create, edit


@pytest.mark.parametrize("who, allowed", [
    ("member", False), ("other", False), ("lead", True), ("supervisor", True),
    ("manager", True), ("executive", True), ("admin", True),
])
def test_who_opens_systemic_issues(org, who, allowed):
    user = getattr(org, who)
    assert can_create_systemic_issue(user) is allowed
    owner = {"lead": org.line1, "supervisor": org.sup, "manager": org.plant}.get(who, org.sup)
    kwargs = dict(actor=user, title="Air leaks", statement="Everywhere.", category="cost",
                  owner_team=owner)
    if allowed:
        assert svc.systemic_issue_create(**kwargs).created_by == user
    else:
        with pytest.raises(Forbidden):
            svc.systemic_issue_create(**kwargs)


def test_a_lead_opens_issues_only_for_teams_they_lead(org):
    with pytest.raises(Forbidden, match="team you lead"):
        svc.systemic_issue_create(actor=org.lead, title="X", statement="Y", category="cost",
                                  owner_team=org.line2)
    # Executives set any owner team.
    assert svc.systemic_issue_create(actor=org.executive, title="X", statement="Y",
                                     category="cost", owner_team=org.line2)


@pytest.mark.parametrize("fields, field", [
    ({"title": "  "}, "title"), ({"title": "x" * 201}, "title"), ({"statement": ""}, "statement"),
    ({"category": "vibes"}, "category"),
])
def test_bad_issue_input(org, fields, field):
    kwargs = dict(actor=org.supervisor, title="Air leaks", statement="Hiss.", category="cost",
                  owner_team=org.sup) | fields
    with pytest.raises(DomainError) as exc:
        svc.systemic_issue_create(**kwargs)
    assert exc.value.field == field
    assert not SystemicIssue.objects.exists()


def test_edit_status_by_owner_leads_only(org, issue):
    svc.systemic_issue_update(issue_id=issue.pk, actor=org.supervisor, status="monitoring")
    assert SystemicIssue.objects.get().status == "monitoring"
    for user in (org.lead, org.member):
        with pytest.raises(Forbidden):
            svc.systemic_issue_update(issue_id=issue.pk, actor=user, status="resolved")
    with pytest.raises(DomainError, match="Choose open"):
        svc.systemic_issue_update(issue_id=issue.pk, actor=org.executive, status="gone")
    assert issue.history.count() == 2


# ---------------------------------------------------------------- linking


def test_link_across_teams_in_one_action(org, issue, make_idea):
    a = make_idea(title="Out of brackets at station 4", category="delivery")
    b = make_idea(title="Bracket shortage stops line 2", category="delivery", team=org.line2,
                  actor=org.other)
    links = svc.systemic_link(issue_id=issue.pk, idea_ids=[a.pk, b.pk, a.pk],
                              actor=org.supervisor)
    assert len(links) == 2
    assert set(issue.problems.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert IdeaEvent.objects.filter(verb="systemic_linked").count() == 2
    # Linking again adds nothing.
    assert svc.systemic_link(issue_id=issue.pk, idea_ids=[a.pk], actor=org.supervisor) == []


def test_a_lead_links_their_own_teams_problems_only(org, issue, make_idea):
    mine = make_idea(category="delivery")
    theirs = make_idea(category="delivery", team=org.line2, actor=org.other)
    assert can_link_problem(org.lead, issue, mine)
    assert not can_link_problem(org.lead, issue, theirs)
    with pytest.raises(Forbidden):
        svc.systemic_link(issue_id=issue.pk, idea_ids=[mine.pk, theirs.pk], actor=org.lead)
    assert not SystemicLink.objects.exists()  # all or nothing
    svc.systemic_link(issue_id=issue.pk, idea_ids=[mine.pk], actor=org.lead)
    with pytest.raises(Forbidden):
        svc.systemic_link(issue_id=issue.pk, idea_ids=[mine.pk], actor=org.member)


def test_linking_an_invisible_private_item_is_refused_without_saying_what_it_is(
        org, issue, make_idea):
    secret = make_idea(title="Secret supplier dispute", category="delivery", team=org.line2,
                       actor=org.other, is_private=True)
    with pytest.raises(DomainError) as exc:
        svc.systemic_link(issue_id=issue.pk, idea_ids=[secret.pk], actor=org.supervisor)
    assert exc.value.code == "not_found" and "Secret" not in exc.value.message
    assert not SystemicLink.objects.exists()


@pytest.mark.parametrize("ids", [[], ["x"], list(range(1, 103))])
def test_bad_link_input(org, issue, ids):
    with pytest.raises(DomainError):
        svc.systemic_link(issue_id=issue.pk, idea_ids=ids, actor=org.supervisor)


def test_a_linked_private_item_shows_as_private_item_to_others(org, issue, make_idea):
    secret = make_idea(title="Secret bracket dispute", category="delivery", is_private=True)
    public = make_idea(title="Bracket bin empty", category="delivery", team=org.line2,
                       actor=org.other)
    # Line 1's lead sees the private item and links it to the issue everyone can see.
    svc.systemic_link(issue_id=issue.pk, idea_ids=[secret.pk], actor=org.lead)
    svc.systemic_link(issue_id=issue.pk, idea_ids=[public.pk], actor=org.supervisor)

    rows = sel.linked_problems(org.other, issue)
    assert len(rows) == 2
    hidden = [r for r in rows if r.hidden]
    assert len(hidden) == 1 and hidden[0].idea is None
    # Counts: all problems, but only the teams the viewer can see.
    listed = sel.systemic_issue_list(org.other).get(pk=issue.pk)
    assert (listed.problem_count, listed.team_count) == (2, 1)
    mine = sel.systemic_issue_list(org.member).get(pk=issue.pk)
    assert (mine.problem_count, mine.team_count) == (2, 2)
    # The link event sits on the item's own timeline, which outsiders cannot read.
    assert IdeaEvent.objects.filter(idea=secret, verb="systemic_linked").exists()


def test_unlink(org, issue, make_idea):
    idea = make_idea(category="delivery")
    svc.systemic_link(issue_id=issue.pk, idea_ids=[idea.pk], actor=org.lead)
    with pytest.raises(Forbidden):
        svc.systemic_unlink(issue_id=issue.pk, idea_id=idea.pk, actor=org.member)
    svc.systemic_unlink(issue_id=issue.pk, idea_id=idea.pk, actor=org.lead)  # who linked it
    assert not SystemicLink.objects.exists()
    with pytest.raises(DomainError):
        svc.systemic_unlink(issue_id=issue.pk, idea_id=idea.pk, actor=org.supervisor)


def test_tracking_item_is_created_once(org, issue):
    with pytest.raises(Forbidden):
        svc.systemic_issue_track(issue_id=issue.pk, actor=org.lead)
    idea = svc.systemic_issue_track(issue_id=issue.pk, actor=org.supervisor)
    assert (idea.team, idea.level, idea.category) == (org.sup, "system", "delivery")
    assert svc.systemic_issue_track(issue_id=issue.pk, actor=org.executive) == idea
    assert SystemicIssue.objects.get().tracking_idea == idea


# ---------------------------------------------------------------- suggestions

TEXTS = [
    # (title, team, category, kind, status, age in days)
    ("Conveyor 3 jams at the merge", "line1", "delivery", "problem", "new", 5),
    ("Conveyor jams at the merge point", "line2", "delivery", "problem", "in_progress", 20),
    ("Conveyor 4 jammed at merge again", "line2", "delivery", "problem", "done", 30),
    ("Conveyor jams at the merge", "line1", "delivery", "problem", "done", 200),  # old, closed
    ("Conveyor 3 jams at the merge", "line1", "quality", "problem", "new", 3),  # category
    ("Conveyor jams at the merge", "line1", "delivery", "idea", "new", 3),  # an idea
    ("Coffee machine out of order", "line2", "delivery", "problem", "new", 2),  # not similar
]


@pytest.fixture
def texts(org):
    teams = {"line1": (org.line1, org.member), "line2": (org.line2, org.other)}
    made = {}
    for i, (title, team, category, kind, status, age) in enumerate(TEXTS):
        t, actor = teams[team]
        idea = Idea.objects.create(
            title=title, team=t, reporter=actor, category=category, kind=kind, status=status,
            last_activity_at=timezone.now(), status_changed_at=timezone.now())
        made[i] = _aged(idea, age)
    return made


def test_suggestions_find_similar_open_and_recent_problems_of_the_category(org, texts):
    found = sel.suggestions(org.supervisor, text="Conveyor jams at the merge",
                            category="delivery")
    assert [i.pk for i in found.items][:1] == [texts[0].pk]
    assert {i.pk for i in found.items} == {texts[0].pk, texts[1].pk, texts[2].pk}
    assert all(i.similarity > 0.3 for i in found.items)
    assert found.teams == 2 and found.systemic


def test_suggestions_recur_within_90_days_in_one_team(org, texts):
    Idea.objects.filter(pk__in=[texts[1].pk, texts[2].pk]).update(team=org.line1)
    found = sel.suggestions(org.supervisor, text="Conveyor jams at the merge",
                            category="delivery")
    assert found.teams == 1 and found.recurring and found.systemic


def test_a_single_match_is_not_systemic(org, texts):
    found = sel.suggestions(org.supervisor, text="Coffee machine out of order",
                            category="delivery")
    assert [i.pk for i in found.items] == [texts[6].pk]
    assert not found.systemic


def test_suggestions_skip_linked_and_invisible_items(org, texts):
    Idea.objects.filter(pk=texts[1].pk).update(is_private=True)
    issue = svc.systemic_issue_create(actor=org.lead, title="Conveyor jams at the merge",
                                      statement="Again.", category="delivery",
                                      owner_team=org.line1, problems=[texts[0].pk])
    found = sel.suggestions(org.lead, text=issue.title, category="delivery", issue=issue)
    # #0 is linked already; #1 is Line 2's private item, which Line 1's lead cannot see.
    assert [i.pk for i in found.items] == [texts[2].pk]
    # The pattern still counts the linked problem: two teams.
    assert found.teams == 2


def test_an_issue_never_suggests_its_own_tracking_item(org, texts):
    issue = svc.systemic_issue_create(actor=org.lead, title="Conveyor jams at the merge",
                                      statement="Again.", category="delivery",
                                      owner_team=org.line1, problems=[texts[0].pk])
    tracking = svc.systemic_issue_track(issue_id=issue.pk, actor=org.lead)
    Idea.objects.filter(pk=tracking.pk).update(kind=Idea.Kind.PROBLEM, category="delivery",
                                                title="Conveyor jams at the merge")
    found = sel.suggestions(org.lead, text=issue.title, category="delivery", issue=issue)
    assert tracking.pk not in {i.pk for i in found.items}
    assert {i.pk for i in found.items} == {texts[1].pk, texts[2].pk}


def test_suggestions_are_one_query_over_the_trigram_index(org, texts,
                                                          django_assert_num_queries):
    with django_assert_num_queries(2):  # the user's teams, the suggestion query
        sel.suggestions(org.supervisor, text="Conveyor jams", category="delivery")


def test_the_planner_uses_the_trigram_index(org, texts):
    from django.db import connection

    qs = (Idea.objects.filter(title__trigram_similar="Conveyor jams at the merge")
          .only("pk").order_by())
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "idea_title_trgm" in plan


def test_empty_text_suggests_nothing(org, texts):
    assert sel.suggestions(org.supervisor, text="   ").items == []


# ---------------------------------------------------------------- persistence


def test_persistence_counts_problems_per_month_and_the_trend(org, issue, make_idea):
    today = timezone.localdate()
    ideas = [make_idea(title=f"Bracket short {i}", category="delivery") for i in range(6)]
    # Two problems five months ago, three four months ago, one this month: falling.
    for idea, days in zip(ideas, [150, 152, 120, 121, 122, 0], strict=True):
        _aged(idea, days)
    svc.systemic_link(issue_id=issue.pk, idea_ids=[i.pk for i in ideas], actor=org.supervisor)
    series = sel.persistence([issue.pk], 12, today=today)[issue.pk]
    assert len(series) == 12 and series[-1]["month"] == date(today.year, today.month, 1)
    assert sum(p["count"] for p in series) == 6
    by_month = {p["month"]: p["count"] for p in series}
    for idea in ideas:
        month = timezone.localtime(idea.created_at).date().replace(day=1)
        assert by_month[month] >= 1
    assert series[-1]["count"] == 1
    assert sel.trend_of(series) == "falling"


@pytest.mark.parametrize("counts, trend", [
    ([0, 0, 0, 1, 1, 1], "rising"), ([3, 2, 1, 0, 0, 1], "falling"), ([1, 1, 1, 1, 1, 1],
                                                                      "steady"),
])
def test_trend_of(counts, trend):
    assert sel.trend_of([{"count": c} for c in counts]) == trend


def test_top_systemic_issues_orders_by_recent_problems(org, issue, make_idea):
    other = svc.systemic_issue_create(actor=org.executive, title="Air leaks",
                                      statement="Hiss.", category="cost", owner_team=org.plant)
    svc.systemic_link(issue_id=other.pk, actor=org.executive, idea_ids=[
        make_idea(title=f"Leak {i}", category="cost").pk for i in range(2)])
    svc.systemic_link(issue_id=issue.pk, actor=org.supervisor, idea_ids=[
        make_idea(title="Short", category="delivery").pk])
    top = sel.top_systemic_issues(org.executive)
    assert [i.pk for i in top] == [other.pk, issue.pk]
    assert top[0].series[-1]["count"] == 2
