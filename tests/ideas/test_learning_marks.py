"""Learning checkable beyond its length: the structured note (expected / happened / next time)
and marks by other teams' leads or the CoE that the learning was reused or useful — services,
pages, API, who may mark (a roles × endpoints matrix), and the library's order."""

import pytest
from django.utils import timezone

from core.errors import DomainError, Forbidden
from ideas import services
from ideas.models import Idea, LearningMark
from org.models import Membership, User
from standards.models import CentreOfExcellence
from tests.factories import IdeaFactory, MembershipFactory, UserFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

PARTS = {"learning_expected": "Half the scrap", "learning_happened": "A third less scrap",
         "learning_next_time": "Measure a week first"}


def _done(org, title="Torque drift", team=None, learning="Calibrate warm", parts=None,
          private=False):
    team = team or org.line1
    idea = services.idea_create(actor=org.member if team == org.line1 else org.other,
                                team=team, title=title, category="quality", is_private=private)
    lead = org.lead if team == org.line1 else org.admin
    services.idea_transition(idea_id=idea.pk, to="in_progress", actor=lead)
    return services.idea_transition(idea_id=idea.pk, to="done", actor=lead, learning=learning,
                                    learning_parts=parts)


@pytest.fixture
def coe(org):
    """The CoE is the Support team; ``coe.user`` a plain member of it."""
    CentreOfExcellence.objects.create(team=org.support)
    user = UserFactory(username="olga")
    MembershipFactory(user=user, team=org.support, role=Membership.Role.MEMBER)
    return user


# ---------------------------------------------------------------- the structured note


def test_the_three_parts_alone_close_an_item_and_make_its_note(org):
    idea = _done(org, learning="", parts=PARTS)
    assert (idea.learning_expected, idea.learning_happened, idea.learning_next_time) == (
        PARTS["learning_expected"], PARTS["learning_happened"], PARTS["learning_next_time"])
    assert idea.learning == ("Expected: Half the scrap\nHappened: A third less scrap\n"
                             "Next time: Measure a week first")


def test_no_note_at_all_still_refuses_done(org):
    with pytest.raises(DomainError) as exc:
        _done(org, learning="  ", parts={"learning_expected": " "})
    assert exc.value.field == "learning"
    assert Idea.objects.get(title="Torque drift").status == Idea.Status.IN_PROGRESS


def test_the_item_page_closes_with_a_structured_note(org, client_as):
    idea = services.idea_create(actor=org.member, team=org.line1, title="Page", category="cost")
    services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
    client = client_as(org.lead)
    assert 'data-testid="learning-parts"' in client.get(f"/ideas/{idea.pk}/").content.decode()
    response = client.post(f"/ideas/{idea.pk}/transition/", {"to": "done", **PARTS})
    assert response.status_code == 302
    page = client.get(f"/ideas/{idea.pk}/").content.decode()
    assert 'data-testid="learning-structured"' in page and "Measure a week first" in page


def test_the_api_closes_with_a_structured_note_and_shows_it(org, api):
    idea = services.idea_create(actor=org.member, team=org.line1, title="Api", category="cost")
    services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
    client = api.as_user(org.lead)
    response = client.post(f"/api/v1/ideas/{idea.pk}/transition/",
                           {"to": "done", **PARTS}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["learning_next_time"] == "Measure a week first"
    assert body["learning_marks"] == 0
    too_long = client.post(f"/api/v1/ideas/{idea.pk}/transition/",
                           {"to": "in_progress", "reason": "x",
                            "learning_expected": "x" * 5001}, format="json")
    assert too_long.status_code == 400
    assert "learning_expected" in too_long.json()["errors"]


# ---------------------------------------------------------------- marks: the service


def test_another_teams_lead_marks_reused_once_and_takes_it_back(org):
    idea = _done(org)
    mark = services.learning_mark(idea_id=idea.pk, kind="reused", actor=org.supervisor,
                                  note="Used on line 3")
    assert (mark.team, mark.kind, mark.marked_by) == (org.sup, "reused", org.supervisor)
    again = services.learning_mark(idea_id=idea.pk, kind="reused", actor=org.supervisor)
    assert again.pk == mark.pk
    assert Idea.objects.get(pk=idea.pk).learning_marks == 1
    services.learning_mark(idea_id=idea.pk, kind="useful", actor=org.supervisor)
    assert Idea.objects.get(pk=idea.pk).learning_marks == 2
    services.learning_unmark(idea_id=idea.pk, kind="reused", actor=org.supervisor)
    services.learning_unmark(idea_id=idea.pk, kind="reused", actor=org.supervisor)  # no-op
    assert Idea.objects.get(pk=idea.pk).learning_marks == 1
    assert list(LearningMark.objects.values_list("kind", flat=True)) == ["useful"]
    assert idea.events.filter(verb="learning_marked").count() == 2


@pytest.mark.parametrize("who, kind", [
    ("lead", "reused"),  # the item's own team
    ("lead", "useful"),
    ("member", "reused"),  # not a lead
    ("other", "useful"),
    ("admin", "reused"),  # admins lead no team
])
def test_who_may_not_mark(org, who, kind):
    idea = _done(org)
    with pytest.raises(Forbidden):
        services.learning_mark(idea_id=idea.pk, kind=kind, actor=getattr(org, who))
    assert Idea.objects.get(pk=idea.pk).learning_marks == 0


def test_the_coe_marks_useful_but_not_reused(org, coe):
    idea = _done(org)
    mark = services.learning_mark(idea_id=idea.pk, kind="useful", actor=coe)
    assert mark.team == org.support
    with pytest.raises(Forbidden):
        services.learning_mark(idea_id=idea.pk, kind="reused", actor=coe)


def test_only_done_learning_is_marked_and_a_lead_of_several_says_which_team(org):
    open_item = services.idea_create(actor=org.member, team=org.line1, title="Open",
                                     category="cost")
    with pytest.raises(Forbidden):
        services.learning_mark(idea_id=open_item.pk, kind="useful", actor=org.supervisor)
    idea = _done(org)
    MembershipFactory(user=org.supervisor, team=org.maint, role=Membership.Role.LEAD)
    sup = User.objects.get(pk=org.supervisor.pk)  # a fresh user: no cached teams
    with pytest.raises(DomainError) as exc:
        services.learning_mark(idea_id=idea.pk, kind="reused", actor=sup)
    assert exc.value.field == "team"
    with pytest.raises(DomainError):
        services.learning_mark(idea_id=idea.pk, kind="reused", actor=sup, team_id=org.line1.pk)
    mark = services.learning_mark(idea_id=idea.pk, kind="reused", actor=sup,
                                  team_id=org.maint.pk)
    assert mark.team == org.maint


# ---------------------------------------------------------------- marks: pages and API


@pytest.mark.parametrize("who, page_status, api_status", [
    ("member", 403, 403), ("lead", 403, 403), ("other", 404, 404),
    ("supervisor", 302, 201), ("manager", 302, 201), ("executive", 302, 201),
    ("admin", 403, 403), ("coe", 302, 201), ("outsider", 404, 404),
])
def test_roles_by_endpoints(org, coe, client_as, api, who, page_status, api_status):
    """A private line1 item: its team sees it but may not mark it; the leads above see it
    through its escalation chain; an outsider gets 404 everywhere."""
    idea = _done(org, private=True)
    idea.shared_with_teams.add(org.sup, org.plant, org.exec, org.support)
    users = {"coe": coe, "outsider": UserFactory(username="outsider")}
    user = users.get(who) or getattr(org, who)
    page = client_as(user).post(f"/ideas/{idea.pk}/learning-marks/", {"kind": "useful"})
    assert page.status_code == page_status
    LearningMark.objects.all().delete()
    client = api.as_user(user)
    url = f"/api/v1/ideas/{idea.pk}/learning-marks/"
    response = client.post(url, {"kind": "useful"}, format="json")
    assert response.status_code == api_status
    assert client.get(url).status_code == (404 if who in ("outsider", "other") else 200)
    delete = client.delete(f"{url}?kind=useful")
    assert delete.status_code == {201: 204, 403: 403, 404: 404}[api_status]


def test_bad_input_is_a_400_with_field_errors(org, api, client_as):
    idea = _done(org)
    client = api.as_user(org.supervisor)
    url = f"/api/v1/ideas/{idea.pk}/learning-marks/"
    bad = client.post(url, {"kind": "loved"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]
    bad = client.post(url, {"kind": "useful", "team": "x"}, format="json")
    assert bad.status_code == 400 and "team" in bad.json()["errors"]
    bad = client.post(url, {"kind": "useful", "team": org.line2.pk}, format="json")
    assert bad.status_code == 400 and "team" in bad.json()["errors"]
    page = client_as(org.supervisor).post(f"/ideas/{idea.pk}/learning-marks/",
                                          {"kind": "loved"})
    assert page.status_code == 400
    assert not LearningMark.objects.exists()


def test_marking_from_the_library_returns_to_it_and_the_library_sorts_by_marks(
        org, client_as):
    older = _done(org, title="Older, reused")
    newer = _done(org, title="Newer, unmarked")
    client = client_as(org.supervisor)
    library = client.get("/learning/").content.decode()
    assert f'data-testid="mark-reused-{org.sup.pk}"' in library
    response = client.post(f"/ideas/{older.pk}/learning-marks/",
                           {"kind": "reused", "next": "/learning/?team="})
    assert response.status_code == 302 and response["Location"] == "/learning/?team="
    evil = client.post(f"/ideas/{older.pk}/learning-marks/",
                       {"kind": "useful", "next": "https://evil.example/"})
    assert evil["Location"] == f"/ideas/{older.pk}/"
    rows = client.get("/learning/").context["rows"]
    assert [i.pk for i in rows] == [older.pk, newer.pk]
    assert [i.pk for i in client.get("/learning/", {"sort": "newest"}).context["rows"]] == [
        newer.pk, older.pk]
    page = client.get("/learning/").content.decode()
    assert "Reused by 1 team" in page and f'data-testid="unmark-reused-{org.sup.pk}"' in page


def test_the_library_runs_the_same_queries_for_10_and_100_marked_lessons(org, client_as):
    client = client_as(org.supervisor)
    now = timezone.now()

    def add(n):
        ideas = IdeaFactory.create_batch(n, team=org.line1, reporter=org.member, status="done",
                                         learning="Learned", learning_by=org.lead, done_at=now)
        LearningMark.objects.bulk_create(LearningMark(idea=i, team=org.line2, kind="reused")
                                         for i in ideas)

    add(10)
    small = count_queries(client, "/learning/", warm=True)
    add(90)
    assert count_queries(client, "/learning/", warm=True) == small
