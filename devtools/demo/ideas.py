"""Demo ideas: a few hundred items across every team, state and category, with comments,
watchers, labels, learning notes, private items and aged ones. Idempotent: a second run
finds the seeded marker and changes nothing. Deterministic (its own random seed) and
set-based (bulk inserts; history timestamps written directly)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from devtools.demo.ideas_catalogue import (
    AREA_ITEMS,
    AREA_OF,
    COMMENTS,
    DECLINE_REASONS,
    PARK_REASONS,
    PRIVATE_ITEMS,
)
from ideas import services
from ideas.anonymity import anonymous_raising_on
from ideas.models import Comment, Idea, IdeaEvent, Label
from org.models import Membership, Team, User

SEED = 3003
PER_TEAM = {1: 26, 2: 20, 3: 12, 4: 6}

STATUS_MIX = (["new"] * 24 + ["in_progress"] * 30 + ["done"] * 28 + ["declined"] * 8
              + ["parked"] * 10)


def _already_seeded() -> bool:
    return IdeaEvent.objects.filter(verb="created", data__demo=True).exists()


def seed(context: dict) -> None:
    if not _already_seeded():
        _seed_items(context)
    _seed_anonymous(context)


ANONYMOUS_TITLE = "Forklift drivers cut through the walkway at shift change"


def _seed_anonymous(context: dict) -> None:
    """One safety problem Tom raised without his name (speak up safely): the lead answers it on
    the item; Tom finds it on his My work, nobody else sees who raised it. Through the services,
    like a real one; skipped when the organisation has switched anonymous raising off."""
    team = context["teams"]["line-1-day"]
    if Idea.objects.filter(team=team, title=ANONYMOUS_TITLE).exists():
        return
    tom = User.objects.filter(username="tom").first()
    amira = User.objects.filter(username="amira").first()
    if tom is None or amira is None or not anonymous_raising_on():
        return
    idea = services.idea_create(
        actor=tom, team=team, title=ANONYMOUS_TITLE, category=Idea.Category.SAFETY,
        anonymous=True, description="Twice this week a forklift came through the pedestrian "
                                    "walkway by goods-in while people were changing shifts.")
    services.comment_create(idea_id=idea.pk, actor=amira,
                            text="Thank you for raising this. We walk the area at tomorrow's "
                                 "huddle and mark the crossing.")
    services.comment_create(idea_id=idea.pk, actor=tom,
                            text="It happens around 14:00, when the afternoon delivery arrives.")
    services.idea_transition(idea_id=idea.pk, to=Idea.Status.IN_PROGRESS, actor=amira)


def _seed_items(context: dict) -> None:
    rng = random.Random(SEED)
    now = timezone.now()
    teams: dict[str, Team] = context["teams"]
    slugs = sorted(teams)
    people: dict[int, list[User]] = {}
    leads: dict[int, list[User]] = {}
    for m in (Membership.objects.filter(team__in=teams.values(), user__is_active=True)
              .select_related("user").order_by("user__username")):
        people.setdefault(m.team_id, []).append(m.user)
        if m.role == Membership.Role.LEAD:
            leads.setdefault(m.team_id, []).append(m.user)
    admin = context["admin"]
    label_names = sorted({n for items in AREA_ITEMS.values() for *_, names in items
                          for n in names})
    Label.objects.bulk_create([Label(name=n) for n in label_names], ignore_conflicts=True)
    labels = {lbl.name: lbl for lbl in Label.objects.filter(name__in=label_names)}

    plans = []  # (idea, label names, status, history dict)
    for slug in slugs:
        team = teams[slug]
        area = AREA_OF.get(slug, "management")
        pool = AREA_ITEMS[area]
        members = people.get(team.pk) or [admin]
        team_leads = leads.get(team.pk) or members
        threshold = team.tier.aging_threshold_days
        count = PER_TEAM.get(team.tier.level, 10)
        for i in range(count):
            category, kind, title, description, cause, counter, learning, names = pool[
                (i + rng.randrange(len(pool))) % len(pool)]
            n, m = rng.randint(1, 12), rng.randint(13, 20)
            title = title.format(n=n, m=m)
            status = rng.choice(STATUS_MIX)
            private = False
            if i == 3 and team.tier.level == 1:
                category, title, description = PRIVATE_ITEMS[rng.randrange(len(PRIVATE_ITEMS))]
                kind, cause, counter, names, private = "problem", "", "", [], True
            reporter = rng.choice(members)
            created = now - timedelta(days=rng.randint(2, 150), hours=rng.randint(0, 10))
            owner = rng.choice(members) if status != "new" or rng.random() < .3 else None
            closer = rng.choice(team_leads)
            idea = Idea(
                kind=kind, title=title, description=description.format(n=n, m=m),
                team=team, reporter=reporter, owner=owner, category=category,
                priority=rng.choice(["low", "normal", "normal", "normal", "high"]),
                status=status, is_private=private,
                problem_statement=description.format(n=n, m=m) if status != "new" else "",
                root_cause=cause.format(n=n, m=m) if status in ("in_progress", "done") else "",
                countermeasure=counter.format(n=n, m=m) if status in ("in_progress", "done")
                else "",
                created_at=created, last_activity_at=created, status_changed_at=created,
            )
            if rng.random() < .5 and category in ("cost", "delivery", "quality"):
                idea.estimated_money_per_year = Decimal(rng.randrange(500, 40000, 250))
                idea.estimated_hours_per_year = Decimal(rng.randrange(10, 400, 5))
            if rng.random() < .25:
                limit = team.tier.authority_limit
                top = limit * 3 if status == "new" else max(limit, Decimal(100))
                idea.required_spend = Decimal(rng.randrange(50, int(top) + 51, 50))
            history = {"created": created}
            t = created
            if status in ("in_progress", "done", "declined", "parked") and status != "new":
                if status != "declined" or rng.random() < .5:
                    t = t + timedelta(days=rng.randint(1, 6))
                    history["started"] = t
                    idea.started_at = t
            if status == "done":
                t = t + timedelta(days=rng.randint(3, 30))
                if t > now:
                    t = now - timedelta(hours=rng.randint(1, 48))
                idea.done_at = t
                idea.learning = learning or "We learned to measure before and after the change."
                idea.learning_by = closer
                idea.result = "Problem has not come back since the change."
                if idea.estimated_money_per_year:
                    idea.actual_money_per_year = (idea.estimated_money_per_year
                                                  * Decimal(rng.choice([6, 8, 10, 12])) / 10)
                idea.actual_hours_per_year = Decimal(rng.randrange(5, 300, 5))
            elif status in ("declined", "parked"):
                t = t + timedelta(days=rng.randint(1, 20))
                idea.status_reason = rng.choice(DECLINE_REASONS if status == "declined"
                                                else PARK_REASONS)
            t = min(t, now - timedelta(hours=1))
            history["status_at"] = t
            idea.status_changed_at = t
            idea.last_activity_at = t
            # Some open items have gone quiet beyond their tier's aging threshold.
            if status in Idea.OPEN_STATUSES and rng.random() < .22:
                quiet = now - timedelta(days=threshold + rng.randint(1, 30))
                if quiet < created:
                    idea.created_at = quiet - timedelta(days=rng.randint(1, 10))
                    history["created"] = idea.created_at
                    if idea.started_at:
                        idea.started_at = idea.created_at + timedelta(days=1)
                        history["started"] = idea.started_at
                    quiet = max(quiet, idea.started_at or idea.created_at)
                idea.last_activity_at = idea.status_changed_at = quiet
                history["status_at"] = quiet
                idea.aging_flagged_at = quiet + timedelta(days=threshold)
            plans.append((idea, names, closer, history))

    # created_at is auto_now_add (stamped "now" on insert): insert, then write the history's
    # real dates back in set-based updates.
    idea_stamps = [p[0].created_at for p in plans]
    ideas = Idea.objects.bulk_create([p[0] for p in plans])
    _restore(Idea, ideas, idea_stamps)

    events, comments, watchers, idea_labels = [], [], [], []
    watch_through = Idea.watchers.through
    label_through = Idea.labels.through
    for idea, names, closer, history in plans:
        events.append(IdeaEvent(idea=idea, actor=idea.reporter, verb="created",
                                text=f"Logged as {idea.get_kind_display().lower()} for "
                                     f"{idea.team.name}.",
                                data={"demo": True}, created_at=history["created"]))
        if idea.owner_id:
            events.append(IdeaEvent(idea=idea, actor=closer, verb="assigned",
                                    text=f"Owner: {idea.owner}.",
                                    created_at=history["created"] + timedelta(hours=2)))
        if "started" in history:
            events.append(IdeaEvent(idea=idea, actor=closer, verb="status",
                                    text="Moved from New to In progress.",
                                    data={"from": "new", "to": "in_progress"},
                                    created_at=history["started"]))
        if idea.status in ("done", "declined", "parked"):
            previous = "in_progress" if "started" in history else "new"
            text = (f"Moved from {Idea.Status(previous).label} to "
                    f"{idea.get_status_display()}.")
            if idea.status_reason:
                text += f" Reason: {idea.status_reason}"
            events.append(IdeaEvent(idea=idea, actor=closer, verb="status", text=text,
                                    data={"from": previous, "to": idea.status},
                                    created_at=history["status_at"]))
        members = people.get(idea.team_id) or [idea.reporter]
        span = (idea.last_activity_at - idea.created_at).total_seconds()
        for k in range(rng.choice([0, 0, 1, 1, 2, 3])):
            author = rng.choice(members)
            text = rng.choice(COMMENTS)
            if k == 0 and rng.random() < .3 and closer.pk != author.pk:
                text = f"@{closer.username} {text[0].lower()}{text[1:]}"
            at = idea.created_at + timedelta(seconds=span * rng.uniform(.1, .95))
            comments.append(Comment(idea=idea, author=author, text=text, created_at=at))
        for user_id in {idea.reporter_id, idea.owner_id} - {None}:
            watchers.append(watch_through(idea_id=idea.pk, user_id=user_id))
        idea_labels += [label_through(idea_id=idea.pk, label_id=labels[n].pk) for n in names]

    event_stamps = [e.created_at for e in events]
    comment_stamps = [c.created_at for c in comments]
    _restore(IdeaEvent, IdeaEvent.objects.bulk_create(events, batch_size=1000), event_stamps)
    _restore(Comment, Comment.objects.bulk_create(comments, batch_size=1000), comment_stamps)
    watch_through.objects.bulk_create(watchers, ignore_conflicts=True)
    label_through.objects.bulk_create(idea_labels, ignore_conflicts=True)


def _restore(model, rows, stamps) -> None:
    for row, stamp in zip(rows, stamps, strict=True):
        row.created_at = stamp
    model.objects.bulk_update(rows, ["created_at"], batch_size=500)
