import pytest
from urllib.parse import urlencode
from django.utils import timezone
from huddles import services
from tests.factories import IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_dense_wall(org, new_page):
    for i in range(14):
        IdeaFactory(team=org.line1, reporter=org.member, owner=org.lead if i % 2 else None,
                    title=f"Long problem title number {i} about the conveyor sensor that stops the line twice a shift",
                    status=["new", "in_progress"][i % 2], required_spend=900 if i % 3 == 0 else None,
                    aging_flagged_at=timezone.now() if i % 4 == 0 else None)
    link, key = services.display_link_create(team=org.line1, actor=org.lead, label="Hall TV")
    w = new_page(width=1920, height=1080)
    w.goto(f"/boards/line1/wall/?{urlencode({'key': key})}")
    w.screenshot(path="/tmp/wall_dense.png")
    more = w.locator(".wall-more").first
    box = more.bounding_box()
    print("more box", box)
    assert box and box["y"] + box["height"] <= 1080
