"""Strategy inside the other pages: the idea form, the idea page, cards and rows, the list
filter, a team's board, and the check before a team is deactivated."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from ideas.models import Idea
from ideas.registry import board_panels, card_badges, form_extensions, idea_panels, list_filters
from org.registry import home_panels, open_work_reasons
from strategy import hooks
from tests.factories import IdeaFactory

from .conftest import link, make_deployment, make_kpi, make_priority

pytestmark = pytest.mark.django_db


def test_every_hook_is_registered():
    assert hooks.priority_form_extension in form_extensions()
    assert hooks.idea_panel in idea_panels()
    assert hooks.board_panel in board_panels()
    assert hooks.linked_priority_filter in list_filters()
    assert hooks.home_answer_panel in home_panels() and hooks.home_review_panel in home_panels()


def _idea_form_data(org, **extra):
    return {"kind": "problem", "title": "Offcuts pile up at the saw", "category": "cost",
            "team": org.line1.pk, "description": "Every shift", **extra}


def test_idea_form_offers_active_priorities_with_why_now(org, strat, constraint, client_as):
    make_priority(strat.goal, org.plant, title="Closed one", status="closed",
                  closed_on=strat.today)
    constraint("No new headcount")
    constraint("Support only", team=org.support)
    html = client_as(org.member).get(reverse("ideas:new")).content.decode()
    assert 'data-testid="priority-picker"' in html
    assert "Cut scrap" in html and "Scrap doubled since the new supplier." in html
    assert "Closed one" not in html
    assert "No new headcount" in html and "Support only" not in html  # constraints of the team


def test_new_idea_links_to_the_chosen_priority(org, strat, client_as):
    r = client_as(org.member).post(reverse("ideas:new"),
                                   _idea_form_data(org, priorities=[strat.priority.pk]))
    assert r.status_code == 302
    idea = Idea.objects.get(title="Offcuts pile up at the saw")
    assert list(idea.priorities.all()) == [strat.priority]
    assert idea.priority_links.get().linked_by == org.member


def test_a_closed_priority_cannot_be_picked(org, strat, client_as):
    closed = make_priority(strat.goal, org.plant, title="Closed one", status="closed",
                           closed_on=strat.today)
    r = client_as(org.member).post(reverse("ideas:new"),
                                   _idea_form_data(org, priorities=[closed.pk]))
    assert r.status_code == 400
    assert "is not an active priority" in r.content.decode()
    assert not Idea.objects.filter(title="Offcuts pile up at the saw").exists()


def test_editing_keeps_links_to_closed_priorities(org, strat, client_as):
    idea = IdeaFactory(team=org.line1, reporter=org.member, title="Old link")
    old = make_priority(strat.goal, org.plant, title="Closed one", status="closed",
                        closed_on=strat.today)
    link(old, idea)
    link(strat.priority, idea)
    client = client_as(org.member)
    page = client.get(reverse("ideas:edit", args=[idea.pk])).content.decode()
    assert "checked" in page  # the current open link is ticked
    data = _idea_form_data(org, title="Old link")
    data.update({"priority": "normal", "level": "team", "version": idea.version})
    r = client.post(reverse("ideas:edit", args=[idea.pk]), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert list(idea.priorities.all()) == [old]  # unticked the open one, kept the closed one


def test_idea_page_panel_shows_priorities_and_why_now(org, strat, constraint, client_as):
    idea = IdeaFactory(team=org.line1, reporter=org.member)
    link(strat.priority, idea)
    constraint("Plant: no overtime", team=org.plant)
    html = client_as(org.member).get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert 'data-testid="strategy-idea-panel"' in html
    assert "Scrap doubled since the new supplier." in html and "Plant: no overtime" in html


def test_idea_panel_is_absent_when_there_is_nothing_to_say(org):
    idea = IdeaFactory(team=org.line1, reporter=org.member)
    request = RequestFactory().get("/")
    request.user = org.member
    assert hooks.idea_panel(request, idea) is None


def test_card_badges_cost_one_query(org, strat):
    second = make_priority(strat.goal, org.plant, title="Safety walk")
    ideas = [IdeaFactory(team=org.line1, reporter=org.member) for _ in range(30)]
    for idea in ideas[:10]:
        link(strat.priority, idea)
    link(second, ideas[0])
    with CaptureQueriesContext(connection) as q:
        badges = hooks.strategy_badges(ideas)
    assert len(q) == 1
    assert set(badges) == {i.pk for i in ideas[:10]}
    assert badges[ideas[1].pk][0]["label"] == "★ Cut scrap"
    assert "Scrap doubled" in badges[ideas[1].pk][0]["title"]
    assert badges[ideas[0].pk][0]["label"] == "★ 2 priorities"
    assert card_badges([ideas[1]])[ideas[1].pk][0]["css"].startswith("chip-brand")


def test_list_filter_linked_priority(org, strat, client_as):
    linked = IdeaFactory(team=org.line1, reporter=org.member, title="Linked item")
    IdeaFactory(team=org.line1, reporter=org.member, title="Loose item")
    link(strat.priority, linked)
    qs = Idea.objects.all()
    f = hooks.linked_priority_filter
    assert list(f.apply(qs, str(strat.priority.pk))) == [linked]
    assert list(f.apply(qs, "some")) == [linked]
    assert [i.title for i in f.apply(qs, "none")] == ["Loose item"]
    assert f.apply(qs, "garbage").count() == 2
    assert (str(strat.priority.pk), "Cut scrap") in f.choices(org.member)
    html = client_as(org.member).get(
        reverse("ideas:list") + f"?linked_priority={strat.priority.pk}").content.decode()
    assert "Linked item" in html and "Loose item" not in html


def test_board_panel_shows_constraints_that_apply_to_the_team(org, strat, constraint):
    constraint("Org-wide")
    constraint("Plant subtree", team=org.plant)
    constraint("Support subtree", team=org.support)
    constraint("Lifted", end=strat.today - timedelta(days=1))
    make_deployment(strat.priority, org.line1, state="accepted", by=org.executive)
    request = RequestFactory().get("/")
    request.user = org.member
    panel = hooks.board_panel(request, org.line1)
    statements = [c.statement for c in panel["context"]["constraints"]]
    assert sorted(statements) == ["Org-wide", "Plant subtree"]
    assert [d.priority for d in panel["context"]["deployments"]] == [strat.priority]
    assert hooks.board_panel(request, org.maint)["context"]["deployments"] == []


def test_board_page_shows_the_panel(org, strat, constraint, client_as):
    constraint("Reduce overhead 12% without increasing headcount", team=org.sup)
    try:
        url = reverse("huddles:board", args=[org.line1.slug])
    except NoReverseMatch:  # pragma: no cover - boards not built yet
        pytest.skip("boards are not built yet")
    html = client_as(org.member).get(url).content.decode()
    assert 'data-testid="strategy-board-panel"' in html
    assert "Reduce overhead 12% without increasing headcount" in html


def test_owning_active_priorities_blocks_deactivating_a_team(org, strat):
    make_kpi(strat.priority, org.maint, name="Second KPI")  # joins must not double-count
    reasons = open_work_reasons(org.plant)
    assert any("owns 1 active strategic priority" in r for r in reasons)
    assert any("records 1 KPI" in r for r in open_work_reasons(org.sup))
    assert not any("strategic" in r for r in open_work_reasons(org.line2))
