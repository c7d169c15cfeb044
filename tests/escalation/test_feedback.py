"""Support, not scrutiny: once an escalation is resolved or returned, the team that raised it
says whether the answer helped (helped / partly / didn't), with an optional note. The
service's rules, who may say it (pages and API), the deciders told of a "didn't help", the
figures per tier on hand-built data and the executive panel."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from escalation import services
from escalation.feedback import answer_feedback_give, returned_without_help
from escalation.models import AnswerFeedback, Escalation
from ideas.models import IdeaEvent
from org.models import Membership, Notification
from scorecards.compute import compute
from scorecards.selectors import executive_overview
from tests.escalation.conftest import build_escalations
from tests.factories import IdeaFactory, MembershipFactory, UserFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(org, make_idea, raise_):
    """An item of Line 1 escalated to Supervisors and resolved there by its lead."""
    esc = raise_(make_idea())
    services.escalation_resolve(escalation_id=esc.pk, actor=org.supervisor,
                                decision="Use the spare guard from press 2.")
    esc.refresh_from_db()
    return esc


# ---------------------------------------------------------------- the service


def test_the_raising_team_says_whether_the_answer_helped(org, resolved):
    feedback = answer_feedback_give(escalation_id=resolved.pk, actor=org.member,
                                    rating="partly", note="  The guard does not fit.  ")
    assert (feedback.rating, feedback.note, feedback.team, feedback.rated_by) == (
        "partly", "The guard does not fit.", org.line1, org.member)
    event = IdeaEvent.objects.get(verb="answer_rated")
    assert event.text == "Line 1 said the answer partly helped: The guard does not fit."
    # The team may change its mind: the latest verdict counts, one per step.
    answer_feedback_give(escalation_id=resolved.pk, actor=org.lead, rating="helped")
    feedback = AnswerFeedback.objects.get()
    assert (feedback.rating, feedback.note, feedback.rated_by) == ("helped", "", org.lead)


def test_nothing_to_rate_before_the_answer(org, make_idea, raise_):
    esc = raise_(make_idea())
    with pytest.raises(Conflict):
        answer_feedback_give(escalation_id=esc.pk, actor=org.member, rating="helped")
    services.escalation_acknowledge(escalation_id=esc.pk, actor=org.supervisor)
    with pytest.raises(Conflict):
        answer_feedback_give(escalation_id=esc.pk, actor=org.member, rating="helped")
    assert not AnswerFeedback.objects.exists()


def test_a_returned_answer_is_rated_too(org, make_idea, raise_):
    esc = raise_(make_idea())
    services.escalation_return(escalation_id=esc.pk, actor=org.supervisor,
                               decision="You can fix it yourselves.")
    answer_feedback_give(escalation_id=esc.pk, actor=org.member, rating="not_helped")
    assert AnswerFeedback.objects.get().rating == "not_helped"


@pytest.mark.parametrize("rating, note, field", [
    ("", "", "rating"), ("great", "", "rating"), ("helped", "x" * 2001, "note")])
def test_bad_verdicts_name_the_field(org, resolved, rating, note, field):
    with pytest.raises(DomainError) as exc:
        answer_feedback_give(escalation_id=resolved.pk, actor=org.member, rating=rating,
                             note=note)
    assert exc.value.field == field
    assert not AnswerFeedback.objects.exists()


def test_only_the_raising_team_rates_and_never_the_one_who_answered(org, resolved):
    for user in (org.other, org.manager, org.executive, org.admin, org.supervisor):
        with pytest.raises(Forbidden):
            answer_feedback_give(escalation_id=resolved.pk, actor=user, rating="helped")
    assert not AnswerFeedback.objects.exists()


def test_a_chain_is_rated_on_the_step_that_answered(org, make_idea, raise_):
    """Line 1 → Supervisors → Plant: Plant answers; Line 1 (whose problem it was) and the
    Supervisors (who passed it up) may say whether it helped; the step passed up is not
    rated."""
    first = raise_(make_idea())
    child = services.escalation_escalate_further(escalation_id=first.pk, actor=org.supervisor,
                                                 ask="Above our limit")
    services.escalation_resolve(escalation_id=child.pk, actor=org.manager, decision="Approved")
    with pytest.raises(Conflict):
        answer_feedback_give(escalation_id=first.pk, actor=org.member, rating="helped")
    with pytest.raises(Forbidden):
        answer_feedback_give(escalation_id=child.pk, actor=org.manager, rating="helped")
    assert answer_feedback_give(escalation_id=child.pk, actor=org.supervisor,
                                rating="partly").team == org.sup
    assert answer_feedback_give(escalation_id=child.pk, actor=org.member,
                                rating="helped").team == org.line1


# ---------------------------------------------------------------- the deciders hear it


def test_didnt_help_tells_the_deciders_once(org, resolved, django_capture_on_commit_callbacks):
    sup_lead2 = UserFactory(username="sup_lead2")
    MembershipFactory(user=sup_lead2, team=org.sup, role=Membership.Role.LEAD)
    with django_capture_on_commit_callbacks(execute=True):
        answer_feedback_give(escalation_id=resolved.pk, actor=org.member, rating="helped")
    assert not Notification.objects.filter(text__contains="didn't help").exists()
    with django_capture_on_commit_callbacks(execute=True):
        answer_feedback_give(escalation_id=resolved.pk, actor=org.member, rating="not_helped",
                             note="The spare guard was scrapped last year.")
    told = Notification.objects.filter(text__contains="didn't help")
    assert set(told.values_list("recipient__username", flat=True)) == {"supervisor",
                                                                       "sup_lead2"}
    assert "The spare guard was scrapped" in told.first().text
    assert told.first().url == f"/escalations/{resolved.pk}/"
    # The same verdict again says nothing new; a new note is a new verdict.
    with django_capture_on_commit_callbacks(execute=True):
        answer_feedback_give(escalation_id=resolved.pk, actor=org.lead, rating="not_helped",
                             note="The spare guard was scrapped last year.")
    assert told.count() == 2


# ---------------------------------------------------------------- who may: pages and API


ROLES = ["member", "lead", "other", "supervisor", "manager", "executive", "admin"]
# role → (page POST, API POST) on a public item of Line 1 resolved by the Supervisors' lead
MATRIX = {"member": (302, 200), "lead": (302, 200), "other": (403, 403),
          "supervisor": (403, 403), "manager": (403, 403), "executive": (403, 403),
          "admin": (403, 403)}


@pytest.mark.parametrize("role", ROLES)
def test_matrix(org, api, client_as, resolved, role):
    page, api_code = MATRIX[role]
    user = getattr(org, role)
    r = client_as(user).post(f"/escalations/{resolved.pk}/feedback/", {"rating": "helped"})
    assert r.status_code == page
    AnswerFeedback.objects.all().delete()
    r = api.as_user(user).post(f"/api/v1/escalations/{resolved.pk}/feedback/",
                               {"rating": "partly"}, format="json")
    assert r.status_code == api_code, r.json()
    assert AnswerFeedback.objects.exists() == (api_code == 200)


def test_private_items_stay_private(org, api, client_as, make_idea, raise_):
    esc = raise_(make_idea(is_private=True))
    services.escalation_return(escalation_id=esc.pk, actor=org.supervisor, decision="No")
    assert client_as(org.other).get(f"/escalations/{esc.pk}/feedback/").status_code == 404
    assert api.as_user(org.other).post(f"/api/v1/escalations/{esc.pk}/feedback/",
                                       {"rating": "helped"}, format="json").status_code == 404
    answer_feedback_give(escalation_id=esc.pk, actor=org.member, rating="not_helped")
    assert list(returned_without_help(org.executive, since=timezone.now() - timedelta(1))) == []
    assert list(returned_without_help(org.lead, since=timezone.now() - timedelta(1))) == [esc]


def test_anonymous_cannot_rate(org, client, resolved, api):
    assert client.post(f"/escalations/{resolved.pk}/feedback/",
                       {"rating": "helped"}).status_code == 302
    assert api.post(f"/api/v1/escalations/{resolved.pk}/feedback/",
                    {"rating": "helped"}, format="json").status_code in (401, 403)
    assert not AnswerFeedback.objects.exists()


def test_page_refusals_are_form_errors(org, client_as, make_idea, raise_, resolved):
    client = client_as(org.member)
    r = client.post(f"/escalations/{resolved.pk}/feedback/", {"rating": "maybe"})
    assert r.status_code == 400 and "Say whether the answer helped." in r.content.decode()
    open_one = raise_(make_idea(title="Another one"))
    r = client.post(f"/escalations/{open_one.pk}/feedback/", {"rating": "helped"})
    assert r.status_code == 409 and "Nothing has been answered yet" in r.content.decode()
    assert not AnswerFeedback.objects.exists()


def test_api_answers_in_the_error_shape(org, api, make_idea, raise_, resolved):
    client = api.as_user(org.member)
    r = client.post(f"/api/v1/escalations/{resolved.pk}/feedback/", {"rating": "wow"},
                    format="json")
    assert r.status_code == 400 and "rating" in r.json()["errors"]
    open_one = raise_(make_idea(title="Another one"))
    r = client.post(f"/api/v1/escalations/{open_one.pk}/feedback/", {"rating": "helped"},
                    format="json")
    assert r.status_code == 409
    r = client.post(f"/api/v1/escalations/{resolved.pk}/feedback/",
                    {"rating": "not_helped", "note": "Too late for this week"}, format="json")
    assert r.status_code == 200
    body = r.json()["feedback"]
    assert (body["rating"], body["note"], body["team"], body["rated_by"]["id"]) == (
        "not_helped", "Too late for this week", org.line1.pk, org.member.pk)


def test_the_escalation_page_shows_the_verdict_and_the_form(org, client_as, resolved):
    html = client_as(org.member).get(f"/escalations/{resolved.pk}/").content.decode()
    assert 'data-testid="answer-form"' in html
    html = client_as(org.supervisor).get(f"/escalations/{resolved.pk}/").content.decode()
    assert 'data-testid="answer-unrated"' in html and 'data-testid="answer-form"' not in html
    answer_feedback_give(escalation_id=resolved.pk, actor=org.member, rating="not_helped",
                         note="Scrapped")
    html = client_as(org.supervisor).get(f"/escalations/{resolved.pk}/").content.decode()
    assert "Didn&#x27;t help" in html and 'data-testid="answer-note">Scrapped' in html


def test_feedback_filter_and_constant_list(org, api):
    client = api.as_user(org.manager)
    url = "/api/v1/escalations/?page_size=100"
    client.get(url)

    def fill(n):
        made = build_escalations(org, n, states=["resolved", "returned"])
        for i, esc in enumerate(made):
            if i % 2:
                AnswerFeedback.objects.create(escalation=esc, rating="not_helped",
                                              team=org.sup, rated_by=org.supervisor)
        return made

    fill(10)
    small = count_queries(client, url)
    fill(90)
    large = count_queries(client, url)
    assert small == large
    rows = client.get("/api/v1/escalations/?feedback=not_helped&page_size=100").json()
    assert rows["count"] == 50 and all(r["feedback"]["rating"] == "not_helped"
                                       for r in rows["results"])
    unrated = Escalation.objects.filter(feedback__isnull=True).count()  # chains' steps too
    assert unrated == 70
    assert client.get("/api/v1/escalations/?feedback=none&page_size=1").json()["count"] == 70
    assert client.get("/api/v1/escalations/?feedback=meh").status_code == 400


# ---------------------------------------------------------------- figures and the panel


def _decided(org, *, to_team, from_team, state="resolved", rating=None, rated_days_ago=2,
             raised_hours=48, title="Item"):
    now = timezone.now()
    idea = IdeaFactory(team=from_team, reporter=org.member, title=title)
    esc = Escalation.objects.create(
        idea=idea, from_team=from_team, to_team=to_team, reason="resources", ask="Help",
        raised_by=org.member, raised_at=now - timedelta(days=4), state=state,
        acknowledged_at=now - timedelta(days=4) + timedelta(hours=4),
        resolved_at=now - timedelta(days=4) + timedelta(hours=raised_hours),
        resolved_by=org.supervisor, decision="Decided", due_ack_at=now, due_resolve_at=now)
    if rating:
        feedback = AnswerFeedback.objects.create(escalation=esc, rating=rating, team=from_team,
                                                 rated_by=org.member)
        AnswerFeedback.objects.filter(pk=feedback.pk).update(
            rated_at=now - timedelta(days=rated_days_ago))
    return esc


@pytest.fixture
def answers(org):
    """Answers by the Supervisors (tier 2): helped, helped, partly, returned not helped, one
    unrated, one helped rated 40 days ago (outside the month). Plant (tier 3): one helped."""
    sup = {"to_team": org.sup, "from_team": org.line1}
    _decided(org, rating="helped", **sup)
    _decided(org, rating="helped", **sup)
    _decided(org, rating="partly", **sup)
    _decided(org, rating="not_helped", state="returned", title="Scrap bins", **sup)
    _decided(org, **sup)
    _decided(org, rating="helped", rated_days_ago=40, **sup)
    _decided(org, rating="helped", to_team=org.plant, from_team=org.sup)


def test_figures_per_scope(org, answers):
    day = timezone.localdate()
    figures = compute(day - timedelta(days=29), day)
    sup, tier2, tier3 = figures[("team", org.sup.pk)], figures[("tier", 2)], figures[("tier", 3)]
    assert (sup["answers_rated"], sup["answers_helped"], sup["answers_partly"],
            sup["answers_not_helped"], sup["answers_helped_share"]) == (4, 2, 1, 1, 0.5)
    assert tier2["answers_helped_share"] == 0.5
    assert (tier3["answers_rated"], tier3["answers_helped_share"]) == (1, 1.0)
    org_figures = figures[("org", 0)]
    assert (org_figures["answers_rated"], org_figures["answers_helped_share"]) == (5, 0.6)
    assert figures[("tier", 1)]["answers_helped_share"] is None  # nothing sent to tier 1


def test_executive_panel_answers_curiosity_or_judgment(org, client_as, answers):
    panel = executive_overview(org.executive)["answers"]
    by_level = {r["level"]: r for r in panel["tiers"]}
    assert (by_level[2]["rated"], by_level[2]["helped"], by_level[2]["not_helped"],
            by_level[2]["share"]) == (4, 2, 1, 0.5)
    assert by_level[2]["ack_hours"] == 4.0 and by_level[2]["decide_days"] == 2.0
    assert (panel["rated"], panel["helped"], panel["share"]) == (5, 3, 0.6)
    assert [c["title"] for c in panel["cases"]] == ["Scrap bins"]
    html = client_as(org.executive).get("/").content.decode()
    assert 'data-testid="exec-answers"' in html and "Scrap bins" in html
    assert 'data-testid="answers-share">60%' in html


def test_the_share_per_tier_is_in_the_csv_and_the_api(org, client_as, api, answers):
    day = timezone.localdate()
    params = {"period": "custom", "from": (day - timedelta(days=29)).isoformat(),
              "to": day.isoformat()}
    response = client_as(org.executive).get("/scorecards/", {**params, "export": "table"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header = rows[0]  # labels may hold commas ("Over authority, never escalated")
    column = header.index("Answers that helped")
    tier2 = next(r for r in rows if r[0].startswith("Tier 2"))
    assert tier2[column] == "0.5"
    body = api.as_user(org.executive).get("/api/v1/scorecards/organisation/", params).json()
    assert (body["values"]["answers_rated"], body["values"]["answers_helped_share"]) == (5, 0.6)
    tiers = {r["id"]: r for r in body["rows"]}
    assert tiers[2]["values"]["answers_helped_share"] == 0.5
