"""The "did it hold?" pages: who sees and answers, errors on the form, My work, the item page,
the learning library, query counts."""

import pytest

from holdcheck import services as svc
from holdcheck.models import HoldCheck
from tests.queries import count_queries

from .conftest import asked, done_item

pytestmark = pytest.mark.django_db


def test_the_owner_answers_from_the_page(org, client_as):
    idea = done_item(org)
    check = asked(idea)
    client = client_as(org.member)
    page = client.get(f"/hold-checks/{check.pk}/")
    assert page.status_code == 200 and b'data-testid="hold-check-form"' in page.content
    response = client.post(f"/hold-checks/{check.pk}/", {"answer": "partly",
                                                         "note": "Two bins lost labels."})
    assert response.status_code == 302 and response["Location"] == f"/ideas/{idea.pk}/"
    check.refresh_from_db()
    assert (check.answer, check.note) == ("partly", "Two bins lost labels.")
    item = client.get(f"/ideas/{idea.pk}/").content.decode()
    assert 'data-testid="hold-check-panel"' in item and "Partly held" in item


def test_bad_answers_are_form_errors(org, client_as):
    check = asked(done_item(org))
    client = client_as(org.lead)
    response = client.post(f"/hold-checks/{check.pk}/", {"answer": "slipped"})
    assert response.status_code == 400 and b"Say what did not hold" in response.content
    response = client.post(f"/hold-checks/{check.pk}/", {"answer": ""})
    assert response.status_code == 400
    check.refresh_from_db()
    assert check.answer == ""


@pytest.mark.parametrize("who, get, post", [
    ("member", 200, 302), ("lead", 200, 302), ("admin", 200, 302),
    ("other", 200, 403), ("executive", 200, 403),
])
def test_roles(org, client_as, who, get, post):
    check = asked(done_item(org))
    client = client_as(getattr(org, who))
    page = client.get(f"/hold-checks/{check.pk}/")
    assert page.status_code == get
    assert (b'data-testid="hold-check-form"' in page.content) == (post == 302)
    assert client.post(f"/hold-checks/{check.pk}/", {"answer": "held"}).status_code == post


def test_a_private_items_check_is_a_404_to_outsiders(org, client_as):
    check = asked(done_item(org, is_private=True))
    assert client_as(org.other).get(f"/hold-checks/{check.pk}/").status_code == 404
    assert client_as(org.other).post(f"/hold-checks/{check.pk}/",
                                     {"answer": "held"}).status_code == 404


def test_answered_twice_is_a_409(org, client_as):
    check = asked(done_item(org))
    client = client_as(org.member)
    client.post(f"/hold-checks/{check.pk}/", {"answer": "held"})
    assert client.post(f"/hold-checks/{check.pk}/", {"answer": "held"}).status_code == 409


def test_my_work_lists_the_checks_waiting_on_me(org, client_as):
    check = asked(done_item(org))
    home = client_as(org.member).get("/").content.decode()
    assert 'data-testid="home-hold-checks"' in home and f"/hold-checks/{check.pk}/" in home
    assert 'data-testid="home-hold-checks"' not in client_as(org.other).get("/").content.decode()
    svc.hold_check_answer(check_id=check.pk, actor=org.member, answer="held")
    assert 'data-testid="home-hold-checks"' not in client_as(org.member).get("/").content.decode()


def test_the_learning_library_shows_the_held_share(org, client_as):
    answers = ["held", "held", "held", "partly", "slipped"]
    for i, answer in enumerate(answers):
        check = asked(done_item(org, title=f"Change {i}"))
        svc.hold_check_answer(check_id=check.pk, actor=org.lead, answer=answer,
                              note="" if answer == "held" else "Some came back.")
    page = client_as(org.other).get("/learning/").content.decode()
    assert 'data-testid="learning-held"' in page
    assert "<strong>60%</strong>" in page
    assert "3 held, 1 partly, 1 slipped of 5 checked" in page


def test_a_lead_opens_the_proposed_systemic_issue_from_the_page(org, client_as):
    idea = done_item(org)
    check = asked(idea)
    check.answer, check.outcome = "slipped", HoldCheck.Outcome.SYSTEMIC_PROPOSED
    check.note, check.answered_by = "Again.", org.member
    check.save()
    assert client_as(org.member).post(f"/hold-checks/{check.pk}/systemic/", {
        "title": "x", "statement": "y"}).status_code == 403
    client = client_as(org.lead)
    assert b'data-testid="hold-open-systemic"' in client.get(f"/hold-checks/{check.pk}/").content
    response = client.post(f"/hold-checks/{check.pk}/systemic/", {"title": "", "statement": ""})
    assert response.status_code == 400
    response = client.post(f"/hold-checks/{check.pk}/systemic/", {
        "title": "Bins keep losing labels", "statement": "Twice now."})
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.systemic_issue.title == "Bins keep losing labels"


@pytest.mark.parametrize("url", ["/hold-checks/", "/"])
def test_lists_run_a_constant_number_of_queries(org, client_as, url):
    client = client_as(org.lead)

    def make(n):
        for i in range(n):
            done_item(org, title=f"Change {HoldCheck.objects.count()}-{i}")
        from holdcheck.jobs import ask_hold_checks
        ask_hold_checks()

    make(10)
    few = count_queries(client, url, warm=True)
    make(90)
    assert count_queries(client, url, warm=True) == few
