"""Demo systemic issues: two issues, each gathering the same problem from several teams (the
newest two left unlinked for the issue page to suggest), and the system-level item that
carries the work on each (escalation's demo escalates one). Idempotent: the issues are skipped
once the first exists; an issue that has its tracking item keeps it."""

from ideas.models import Idea
from ideas.services import idea_update
from org.models import Membership, Team
from systemic.models import SystemicIssue, SystemicLink
from systemic.services import systemic_issue_track

SYSTEMIC_ISSUES = [
    # (title, statement, category, owner team slug, title words the linked problems share,
    #  what the tracking item changes)
    ("Line stops waiting for brackets at the line side",
     "Every assembly line stops several times a week waiting for brackets and small parts. "
     "Each team fixes its own bin; the replenishment loop between the warehouse and the lines "
     "is nobody's, so the stoppage keeps coming back.",
     "delivery", "assembly-supervisors", "Line stops waiting for brackets",
     Idea.ChangeKind.DEPENDENCIES),
    ("Compressed air leaks across the cells",
     "Leaking fittings and manifolds in every cell; no plant-wide leak survey, so each line "
     "finds and fixes its own leaks and the air bill does not fall.",
     "cost", "maintenance", "Compressed air leaks", Idea.ChangeKind.FEEDBACK_QUALITY),
]


def seed(context: dict) -> None:
    if not SystemicIssue.objects.filter(title=SYSTEMIC_ISSUES[0][0]).exists():
        _seed_issues(context)
    seed_tracking_items()


def seed_tracking_items() -> None:
    """The system-level item that carries the work on each demo systemic issue, started by the
    owner team's lead (escalation's demo escalates one of them). Created once: an issue that
    has its item keeps it."""
    kinds = {title: kind for title, *_rest, kind in SYSTEMIC_ISSUES}
    for issue in (SystemicIssue.objects.filter(title__in=kinds, tracking_idea__isnull=True)
                  .select_related("created_by").order_by("pk")):
        idea = systemic_issue_track(issue_id=issue.pk, actor=issue.created_by)
        idea_update(idea_id=idea.pk, actor=issue.created_by, change_kind=kinds[issue.title])


def _seed_issues(context: dict) -> None:
    teams: dict[str, Team] = context["teams"]
    # Two systemic issues, each gathering the same problem from several teams.
    for title, statement, category, owner_slug, words, _kind in SYSTEMIC_ISSUES:
        owner = teams[owner_slug]
        lead = (Membership.objects.filter(team=owner, role=Membership.Role.LEAD)
                .select_related("user").order_by("user__username").first())
        creator = lead.user if lead else context["admin"]
        issue = SystemicIssue.objects.create(title=title, statement=statement,
                                             category=category, owner_team=owner,
                                             created_by=creator)
        problems = list(Idea.objects.filter(title__startswith=words, kind=Idea.Kind.PROBLEM,
                                            is_private=False).order_by("created_at", "pk"))
        # The newest two stay unlinked: the issue page suggests them.
        SystemicLink.objects.bulk_create([SystemicLink(issue=issue, idea=p, linked_by=creator)
                                          for p in problems[:-2]])
