"""Demo ideas: a few hundred across every team, state and category; idempotent and quick."""


import pytest
from django.db.models import Count, F

from devtools.demo import ideas as demo
from devtools.demo import org as org_demo
from ideas.models import Comment, Idea, IdeaEvent


@pytest.mark.django_db
def test_seed_is_rich_idempotent_and_fast():
    context = org_demo.seed()
    demo.seed(context)

    total = Idea.objects.count()
    assert 200 <= total <= 500
    assert set(Idea.objects.values_list("team__slug", flat=True)) == set(context["teams"])
    assert set(Idea.objects.values_list("status", flat=True)) == set(Idea.Status.values)
    assert set(Idea.objects.values_list("category", flat=True)) == set(Idea.Category.values)
    assert Idea.objects.filter(is_private=True).exists()
    done = Idea.objects.filter(status="done")
    assert done.exists() and not done.filter(learning="").exists()
    assert not done.filter(learning_by__isnull=True).exists()
    assert Idea.objects.filter(aging_flagged_at__isnull=False, status__in=["new", "in_progress"]
                               ).count() >= 10
    assert Comment.objects.count() >= total // 2
    assert Comment.objects.filter(text__startswith="@").exists()
    # History has real dates: spread over months, and consistent.
    oldest = Idea.objects.order_by("created_at").first()
    assert (Idea.objects.order_by("-created_at").first().created_at - oldest.created_at).days > 60
    assert not Idea.objects.filter(last_activity_at__lt=F("created_at")).exists()
    events = IdeaEvent.objects.values("idea").annotate(n=Count("pk"))
    assert events.count() == total

    counts = (Idea.objects.count(), Comment.objects.count(), IdeaEvent.objects.count())
    demo.seed(org_demo.seed())
    assert (Idea.objects.count(), Comment.objects.count(), IdeaEvent.objects.count()) == counts


@pytest.mark.django_db
def test_the_demo_has_an_anonymous_safety_item_only_tom_finds():
    from ideas.anonymity import is_reporter
    from ideas.selectors import home_ideas
    from org.models import User

    context = org_demo.seed()
    demo.seed(context)
    idea = Idea.objects.get(is_anonymous=True)
    tom, amira = User.objects.get(username="tom"), User.objects.get(username="amira")
    assert idea.category == "safety" and idea.reporter_id is None
    assert is_reporter(tom, idea) and not is_reporter(amira, idea)
    assert idea.pk in {i.pk for i in home_ideas(tom)["reported"]}
    assert idea.pk not in {i.pk for i in home_ideas(amira)["reported"]}
    assert not idea.history.filter(history_user=tom).exists()
    assert not idea.comments.filter(author=tom).exists()
    assert idea.comments.filter(author__isnull=True).count() == 1
    demo.seed(org_demo.seed())
    assert Idea.objects.filter(is_anonymous=True).count() == 1
