import pytest

from tests.factories import MembershipFactory, TeamFactory
from tests.queries import count_queries


@pytest.mark.django_db
def test_home_shows_my_teams_with_tier_parent_and_leads(client_as, org):
    html = client_as(org.member).get("/").content.decode()
    assert "Line 1" in html and "Tier 1" in html and "Supervisors" in html
    assert "Lead" in html  # the lead's chip
    assert "Line 2" not in html


@pytest.mark.django_db
def test_home_for_someone_without_a_team(client_as, org):
    html = client_as(org.admin).get("/").content.decode()
    assert "not in a team yet" in html


@pytest.mark.django_db
def test_hierarchy_page_shows_the_tree_and_marks_mine(client_as, org):
    html = client_as(org.member).get("/teams/").content.decode()
    assert html.index("Executive") < html.index("Plant") < html.index("Supervisors") < html.index(
        "Line 1")
    assert 'class="node mine"' in html


@pytest.mark.django_db
def test_team_page(client_as, org):
    html = client_as(org.other).get("/teams/line1/").content.decode()
    assert "Executive" in html and "Plant" in html  # breadcrumb of ancestors
    assert client_as(org.other).get("/teams/nope/").status_code == 404





@pytest.mark.django_db
def test_hierarchy_page_query_count_is_constant(client_as, org):
    client = client_as(org.member)
    for _ in range(10):
        MembershipFactory(team=TeamFactory(tier=org.tiers[1], parent=org.sup))
    ten = count_queries(client, "/teams/")
    for _ in range(90):
        MembershipFactory(team=TeamFactory(tier=org.tiers[1], parent=org.sup))
    assert count_queries(client, "/teams/") == ten


@pytest.mark.django_db
def test_admin_link_only_for_staff(client_as, org):
    assert b'href="/admin/"' not in client_as(org.executive).get("/").content
    assert b'href="/admin/"' in client_as(org.admin).get("/").content


@pytest.mark.django_db
def test_profile_opt_out(client_as, org):
    client = client_as(org.member)
    response = client.post("/accounts/profile/", {"display_name": "M", "email": "lead@example.test",
                                                  "email_notifications": "", "daily_digest": ""})
    assert b"already uses" in response.content
    client.post("/accounts/profile/", {"display_name": "M", "email": "m@example.test"})
    org.member.refresh_from_db()
    assert org.member.email_notifications is False and org.member.daily_digest is False


@pytest.mark.django_db
def test_friendly_404(client_as, org):
    response = client_as(org.member).get("/no/such/page/")
    assert response.status_code == 404 and b"Not found" in response.content
