"""Every read of ideas that depends on who asks goes through ideas_visible_to."""

from datetime import timedelta

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.filters import filter_equal
from org.models import Membership, Team, User
from org.permissions import is_admin
from org.selectors import user_led_team_ids, user_team_ids

from . import search as fulltext
from .anonymity import reported_by
from .models import PRIORITY_ORDER, Attachment, Comment, Idea, IdeaEvent, LearningMark
from .permissions import access_idea, curator_team_ids, mark_teams
from .registry import list_filters
from .visibility import ideas_visible_to

ANONYMOUS_CLOSED_DAYS = 30


def with_card_data(qs: QuerySet[Idea]) -> QuerySet[Idea]:
    """What a list row or board card shows, in a constant number of queries."""
    return qs.select_related("team", "team__tier", "owner", "reporter", "waiting_on_team")


def open_ideas_of_team(team_id: int) -> QuerySet[Idea]:
    return Idea.objects.filter(team_id=team_id, status__in=Idea.OPEN_STATUSES)


def _count_of(model, **match) -> Coalesce:
    rows = (model.objects.filter(idea_id=OuterRef("pk"), **match).order_by()
            .values("idea_id").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_list_data(qs: QuerySet[Idea]) -> QuerySet[Idea]:
    """A list row: card data, labels and the comment and attachment counts (constant queries)."""
    return (
        with_card_data(qs)
        .select_related("learning_by")
        .prefetch_related("labels")
        .annotate(comment_count=_count_of(Comment), attachment_count=_count_of(Attachment))
    )


def visible_idea_ids(user, ids) -> set[int]:
    """Those of ``ids`` the user may see (one query): for rows that name an item."""
    ids = list(ids)
    if not ids:
        return set()
    return set(ideas_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def _needs_attention() -> Q:
    """New, or open and flagged as aging."""
    return Q(status=Idea.Status.NEW) | Q(aging_flagged_at__isnull=False,
                                         status__in=Idea.OPEN_STATUSES)


def _escalated() -> Q:
    shared = Idea.shared_with_teams.through.objects.filter(idea_id=OuterRef("pk"))
    return Q(waiting_on_team__isnull=False) | Q(Exists(shared))


SORTS = {
    "-created": ("Newest first", ("-created_at", "-id")),
    "created": ("Oldest first", ("created_at", "id")),
    "-activity": ("Recently active", ("-last_activity_at", "-id")),
    "activity": ("Longest without activity", ("last_activity_at", "id")),
    "priority": ("Priority (high first)", ("priority_order", "-created_at", "-id")),
    "title": ("Title A–Z", ("title", "id")),
    "relevance": ("Best match", ("-search_rank", "-created_at", "-id")),
}


def _user_choice(user, value):
    """"me", "none" or a user id (validated by the filter form)."""
    if value == "me":
        return user.pk
    return value


# Ranking reads every match's full text: past this many matches a search is sorted newest
# first instead (the page says so), so a word found in half the items stays fast.
RANK_LIMIT = 1_000


def _too_many_to_rank(matches: QuerySet[Idea]) -> bool:
    """Whether a search has more than ``RANK_LIMIT`` matches: the newest ones are counted up to
    the limit (a walk down the creation index when matches are many, the text index when they
    are few)."""
    newest = matches.order_by("-created_at", "-id").values("pk")[: RANK_LIMIT + 1]
    return newest.count() > RANK_LIMIT


def filter_ideas(user, qs: QuerySet[Idea], f: dict) -> QuerySet[Idea]:
    """Applies the cleaned data of ideas.filters.IdeaFilterForm. ``qs`` is already visible."""
    if f.get("team"):
        qs = qs.filter(team=f["team"])
    if f.get("mine"):
        qs = qs.filter(team_id__in=list(user_team_ids(user)))
    statuses = set(f.get("status") or [])
    if statuses:
        if "open" in statuses:
            statuses |= set(Idea.OPEN_STATUSES)
        if "closed" in statuses:
            statuses |= {Idea.Status.DONE, Idea.Status.DECLINED, Idea.Status.PARKED}
        qs = qs.filter(status__in=statuses - {"open", "closed"})
    qs = filter_equal(qs, f, ("kind", "category", "priority", "level", "change_kind"))
    for field in ("owner", "reporter"):
        value = f.get(field)
        if value == "none":
            qs = qs.filter(**{f"{field}__isnull": True})
        elif value == "me" and field == "reporter":
            qs = qs.filter(reported_by(user))  # anonymous ones included: only I match them
        elif value:
            qs = qs.filter(**{f"{field}_id": _user_choice(user, value)})
    if f.get("label"):
        through = Idea.labels.through.objects.filter(idea_id=OuterRef("pk"),
                                                     label__name=f["label"])
        qs = qs.filter(Exists(through))
    if f.get("aging"):
        qs = qs.filter(aging_flagged_at__isnull=False)
    if f.get("attention"):
        qs = qs.filter(_needs_attention())
    if f.get("escalated"):
        qs = qs.filter(_escalated())
    if f.get("private"):
        qs = qs.filter(is_private=True)
    for extra in list_filters():
        if f.get(extra.name):
            qs = extra.apply(qs, f[extra.name])
    sort = f.get("sort") or ("relevance" if f.get("q") else "-created")
    if f.get("q"):
        if sort == "relevance" and _too_many_to_rank(fulltext.search(qs, f["q"])):
            sort = "-created"
        qs = fulltext.search(qs, f["q"], rank=sort == "relevance")
    elif sort == "relevance":
        sort = "-created"
    if sort == "priority":
        qs = qs.alias(priority_order=PRIORITY_ORDER)
    return qs.order_by(*SORTS[sort][1])


def idea_list(user, f: dict) -> QuerySet[Idea]:
    """The visible, filtered, sorted list behind the list page, its CSV and the API."""
    return filter_ideas(user, with_list_data(ideas_visible_to(user)), f)


def idea_detail(user, idea_id: int) -> Idea:
    """Everything the item page shows, in a constant number of queries; 404 if invisible."""
    qs = (
        with_card_data(ideas_visible_to(user))
        .select_related("learning_by")
        .prefetch_related(
            "labels",
            "shared_with_teams",
            Prefetch("watchers", queryset=User.objects.order_by("display_name", "username")),
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
        )
    )
    return access_idea(user, idea_id, queryset=qs)


def idea_timeline(idea: Idea) -> list[dict]:
    """Events and comments of an item, oldest first, as one list (two queries)."""
    events = IdeaEvent.objects.filter(idea=idea).select_related("actor")
    comments = Comment.objects.filter(idea=idea).select_related("author")
    entries = [{"type": "event", "at": e.created_at, "item": e} for e in events]
    entries += [{"type": "comment", "at": c.created_at, "item": c} for c in comments]
    entries.sort(key=lambda e: (e["at"], 0 if e["type"] == "event" else 1, e["item"].pk))
    return entries


def idea_comments(user, idea_id: int) -> QuerySet[Comment]:
    idea = access_idea(user, idea_id)
    return Comment.objects.filter(idea=idea).select_related("author").order_by("created_at", "id")


def team_members(team_id: int) -> QuerySet[User]:
    """Active members of a team, for the owner picker."""
    return (User.objects.filter(memberships__team_id=team_id, is_active=True)
            .order_by("display_name", "username").distinct())


def owner_choices_for(user) -> QuerySet[User]:
    """People who may appear in the owner filter: members of the user's teams (everyone for an
    admin), active or not."""
    qs = User.objects.all()
    if not is_admin(user):
        qs = qs.filter(
            pk__in=Membership.objects.filter(team_id__in=list(user_team_ids(user)))
            .values("user_id"))
    return qs.order_by("display_name", "username")


def learning_visible_to(user) -> QuerySet[Idea]:
    """Done items with a learning note, as the learning library lists them."""
    return (
        with_card_data(ideas_visible_to(user))
        .select_related("learning_by")
        .filter(status=Idea.Status.DONE)
        .exclude(learning="")
    )


def learning_list(user, f: dict) -> QuerySet[Idea]:
    qs = learning_visible_to(user)
    qs = filter_equal(qs, f, ("team", "category", "kind"))
    if f.get("q"):
        qs = fulltext.search(qs, f["q"], rank=not f.get("sort"))
        if not f.get("sort"):
            return qs.order_by("-search_rank", "-done_at", "-id")
    if f.get("sort") == "impact":
        return qs.order_by(Coalesce("actual_money_per_year", Value(0)).desc(), "-done_at")
    if f.get("sort") == "newest":
        return qs.order_by("-done_at", "-id")
    # Learning other teams reused or found useful first (ideas.services.learning keeps the
    # counter), then the newest.
    return qs.order_by("-learning_marks", "-done_at", "-id")


def lessons_for(user, rows: list[Idea]) -> dict[int, dict]:
    """For the done items with a learning note among ``rows`` (already visible to ``user``):
    the marks other teams left and the marks ``user`` may leave or take back. A constant
    number of queries for a whole page."""
    lessons = [i for i in rows if i.status == Idea.Status.DONE and i.learning]
    if not lessons:
        return {}
    marks: dict[int, list[LearningMark]] = {i.pk: [] for i in lessons}
    for mark in (LearningMark.objects.filter(idea_id__in=list(marks)).select_related("team")
                 .order_by("created_at", "id")):
        marks[mark.idea_id].append(mark)
    led, curators = set(user_led_team_ids(user)), curator_team_ids(user)
    names = (dict(Team.objects.filter(pk__in=led | curators).values_list("pk", "name"))
             if led | curators else {})
    out = {}
    for idea in lessons:
        mine = marks[idea.pk]
        options = [
            {"kind": kind, "kind_label": label, "team_id": team_id, "team": names[team_id],
             "marked": any(m.team_id == team_id and m.kind == kind for m in mine)}
            for kind, label in LearningMark.Kind.choices
            for team_id in sorted(mark_teams(kind, idea.team_id, led=led, curators=curators),
                                  key=lambda pk: names.get(pk, ""))
            if team_id in names]
        out[idea.pk] = {
            "marks": mine, "options": options,
            "reused": sum(1 for m in mine if m.kind == LearningMark.Kind.REUSED),
            "useful": sum(1 for m in mine if m.kind == LearningMark.Kind.USEFUL)}
    return out


def lesson_of(user, idea: Idea) -> dict | None:
    """The marks on one item's learning and what ``user`` may mark (the item page)."""
    return lessons_for(user, [idea]).get(idea.pk)


def home_ideas(user) -> dict:
    """The "My work" lists: items I reported (open), I own, and my teams' items that need
    attention (new or aging). A fixed number of queries."""
    visible = with_card_data(ideas_visible_to(user))
    team_ids = list(user_team_ids(user))
    # An anonymous reporter hears of no decision (no notification may name them): their
    # items stay here for 30 days after closing, so they see what happened.
    closed_since = timezone.now() - timedelta(days=ANONYMOUS_CLOSED_DAYS)
    reported = visible.filter(reported_by(user)).filter(
        Q(status__in=Idea.OPEN_STATUSES)
        | Q(is_anonymous=True, status_changed_at__gte=closed_since))
    owned = visible.filter(owner=user, status__in=Idea.OPEN_STATUSES)
    attention = visible.filter(team_id__in=team_ids).filter(_needs_attention())
    limit = 8
    return {
        "reported": list(reported.order_by("-last_activity_at")[:limit]),
        "reported_count": reported.count(),
        "owned": list(owned.order_by("-last_activity_at")[:limit]),
        "owned_count": owned.count(),
        "attention": list(attention.order_by(
            F("aging_flagged_at").desc(nulls_last=True), "last_activity_at")[:limit]),
        "attention_count": attention.count(),
        "has_teams": bool(team_ids),
    }
