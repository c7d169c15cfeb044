"""Writes of improvement reviews: a team's (or a tier's) cadence, and a review held — the
assessment of the prior cycle's changes and the focus areas for the next one. Keyword-only, one
transaction, the team (or tier) row locked so two leads recording the same review are
serialised."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict, DomainError, Forbidden
from ideas.selectors import visible_idea_ids
from org.models import Team, Tier, User
from org.notifications import notify
from org.permissions import is_admin
from strategy.checks import clean_text
from systemic.selectors import systemic_issues_visible_to

from .models import Review, ReviewCadence, ReviewFocus
from .permissions import can_hold_team_review, can_hold_tier_review, can_set_cadence
from .selectors import CADENCE_DAYS


@transaction.atomic
def cadence_set(*, actor: User, every: str, team: Team | int | None = None,
                tier: Tier | int | None = None) -> ReviewCadence:
    """Sets how often a team (its leads or admins) or a tier (admins) reviews."""
    if every not in ReviewCadence.Every.values:
        raise DomainError("Choose weekly, fortnightly or monthly.", field="every")
    if (team is None) == (tier is None):
        raise DomainError("Set the cadence of a team or of a tier.", field="team")
    if team is not None:
        team_obj = Team.objects.filter(pk=getattr(team, "pk", team)).first()
        if team_obj is None:
            raise DomainError("No such team.", field="team")
        if not can_set_cadence(actor, team_obj.pk):
            raise Forbidden("Only the team's leads set its review cadence.")
        cadence, _ = ReviewCadence.objects.select_for_update().get_or_create(
            team=team_obj, defaults={"every": every, "set_by": actor, "since": timezone.localdate()})
    else:
        tier_obj = Tier.objects.filter(pk=getattr(tier, "pk", tier)).first()
        if tier_obj is None:
            raise DomainError("No such tier.", field="tier")
        if not (is_admin(actor) or can_hold_tier_review(actor, tier_obj)):
            raise Forbidden("Only the tier's leads set its review cadence.")
        cadence, _ = ReviewCadence.objects.select_for_update().get_or_create(
            tier=tier_obj, defaults={"every": every, "set_by": actor, "since": timezone.localdate()})
    if cadence.every != every:
        cadence.every = every
        cadence.set_by = actor
        cadence.save()
    return cadence


def previous_review_day(*, team_id: int | None = None, tier_id: int | None = None,
                        before: date) -> date | None:
    qs = Review.objects.filter(held_on__lt=before)
    qs = qs.filter(team_id=team_id) if team_id else qs.filter(tier_id=tier_id)
    return qs.order_by("-held_on").values_list("held_on", flat=True).first()


def review_period_start(*, team_id: int | None = None, tier_id: int | None = None,
                        held_on: date) -> date:
    """The first day a review covers: the day after the previous review, or — for the first
    one — one cadence back (a month when no cadence is set)."""
    last = previous_review_day(team_id=team_id, tier_id=tier_id, before=held_on)
    if last:
        return last + timedelta(days=1)
    cadence = ReviewCadence.objects.filter(
        **({"team_id": team_id} if team_id else {"tier_id": tier_id})).first()
    days = CADENCE_DAYS[cadence.every] if cadence else 30
    return held_on - timedelta(days=days - 1)


@transaction.atomic
def review_create(*, actor: User, held_on: date, assessment: str,
                  team: Team | int | None = None, tier: Tier | int | None = None,
                  focus_ideas: Iterable[int] = (), focus_issues: Iterable[int] = (),
                  focus_notes: Iterable[str] = (), notes: str = "") -> Review:
    """Records a review held by a team's leads (or by a tier's leads together): the assessment
    of the prior cycle's changes and at least one focus area for the next cycle."""
    if (team is None) == (tier is None):
        raise DomainError("A review is held by a team or by a tier's leads.", field="team")
    team_obj = tier_obj = None
    if team is not None:
        team_obj = Team.objects.select_related("tier").filter(
            pk=getattr(team, "pk", team)).first()
        if team_obj is None:
            raise DomainError("No such team.", field="team")
        if not can_hold_team_review(actor, team_obj.pk):
            raise Forbidden(f"Only the leads of {team_obj.name} hold its review.")
        # Serialise two leads recording the same review.
        Team.objects.select_for_update().filter(pk=team_obj.pk).first()
    else:
        tier_obj = Tier.objects.filter(pk=getattr(tier, "pk", tier)).first()
        if tier_obj is None:
            raise DomainError("No such tier.", field="tier")
        if not can_hold_tier_review(actor, tier_obj):
            raise Forbidden(f"Only leads of teams at tier {tier_obj.level} hold that tier's "
                            f"review.")
        Tier.objects.select_for_update().filter(pk=tier_obj.pk).first()
    if held_on is None:
        raise DomainError("Give the day the review was held.", field="held_on")
    if held_on > timezone.localdate():
        raise DomainError("A review cannot be recorded for a future date: hold it, then "
                          "record it.", field="held_on", code="future_date")
    scope = {"team_id": team_obj.pk} if team_obj else {"tier_id": tier_obj.pk}
    if Review.objects.filter(held_on=held_on, **scope).exists():
        raise Conflict(f"A review on {held_on:%-d %b %Y} is already recorded.",
                       extra={"field": "held_on"})
    assessment = clean_text(assessment, field="assessment", label="The assessment", limit=5000)
    notes = clean_text(notes, field="notes", label="The notes", limit=5000, required=False)
    idea_ids = sorted({int(i) for i in focus_ideas})
    issue_ids = sorted({int(i) for i in focus_issues})
    notes_list = [n.strip()[:300] for n in focus_notes if n and n.strip()]
    if not (idea_ids or issue_ids or notes_list):
        raise DomainError("Pick at least one focus area for the next cycle: an item, a "
                          "systemic issue, or a short note.", field="focus")
    visible = visible_idea_ids(actor, idea_ids)
    if len(visible) != len(idea_ids):
        raise DomainError("One of the chosen items does not exist or you cannot see it.",
                          field="focus_ideas")
    issues = set(systemic_issues_visible_to(actor).filter(pk__in=issue_ids)
                 .values_list("pk", flat=True))
    if len(issues) != len(issue_ids):
        raise DomainError("One of the chosen systemic issues does not exist.",
                          field="focus_issues")
    try:
        with transaction.atomic():
            review = Review.objects.create(
                team=team_obj, tier=tier_obj, held_on=held_on, assessment=assessment,
                notes=notes, held_by=actor,
                period_start=review_period_start(held_on=held_on, **scope))
    except IntegrityError:
        raise Conflict(f"A review on {held_on:%-d %b %Y} is already recorded.")
    ReviewFocus.objects.bulk_create(
        [ReviewFocus(review=review, idea_id=i) for i in idea_ids]
        + [ReviewFocus(review=review, systemic_issue_id=i) for i in issue_ids]
        + [ReviewFocus(review=review, note=n) for n in notes_list])
    if team_obj is not None:
        members = set(team_obj.memberships.values_list("user_id", flat=True)) - {actor.pk}
        notify(recipients=list(members), verb="review_held", actor=actor,
               text=f"{team_obj.name} held its improvement review: "
                    f"{len(idea_ids) + len(issue_ids) + len(notes_list)} focus area(s) for the "
                    f"next cycle.",
               event_key=f"strategy:review:{review.pk}",
               url=reverse("reviews:detail", args=[review.pk]), target=review)
    return review
