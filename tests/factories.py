"""factory_boy factories shared by every app's tests."""

from datetime import time
from decimal import Decimal

import factory
from django.utils import timezone

from org.models import Membership, Team, Tier, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tier
        django_get_or_create = ("level",)

    level = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"Tier {o.level}")
    huddle_time = time(8, 0)
    authority_limit = factory.LazyAttribute(lambda o: Decimal(10) ** (o.level + 2))
    aging_threshold_days = 14
    sla_ack_hours = 24
    sla_resolve_hours = 120


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    tier = factory.SubFactory(TierFactory, level=1)
    parent = None


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Membership.Role.MEMBER


class IdeaFactory(factory.django.DjangoModelFactory):
    """An idea created straight in the database (tests of services use the services)."""

    class Meta:
        model = "ideas.Idea"

    kind = "problem"
    title = factory.Sequence(lambda n: f"Problem {n}")
    description = "Something is wrong"
    team = factory.SubFactory(TeamFactory)
    reporter = factory.SubFactory(UserFactory)
    category = "quality"
    last_activity_at = factory.LazyFunction(timezone.now)
    status_changed_at = factory.LazyFunction(timezone.now)
