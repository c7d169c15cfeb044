"""Moving system work out of ideas and strategy keeps the data.

Each test migrates the database back to the schema before the move (ideas 0006, strategy 0002,
none of the new apps), writes rows through the historical models of that schema — the moved
models, the history of a systemic issue, a notification whose target is a moved model, a
permission on a moved model held by a user and by a group — migrates forward again, and checks
that nothing is orphaned: the rows read through the new models, the content types carry the new
app labels, the notification's target resolves, the history is there and the permissions are
still held."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from capacity.models import TeamCapacity, TimeEntry
from experiments.models import Experiment
from org.models import Notification, User
from reviews.models import Review, ReviewCadence, ReviewFocus
from standards.models import (
    CentreOfExcellence,
    Standard,
    StandardComment,
    StandardProposal,
    StandardVersion,
)
from systemic.models import SystemicIssue, SystemicLink

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = [("ideas", "0006_lean_indexes"), ("strategy", "0002_system_work"),
                   ("capacity", None), ("systemic", None), ("standards", None),
                   ("experiments", None), ("reviews", None),
                   # Apps that came later and build on the moved models' new homes.
                   ("live", None), ("holdcheck", None)]
MOVED = {  # model → (old app label, new app label)
    "teamcapacity": ("ideas", "capacity"), "timeentry": ("ideas", "capacity"),
    "systemicissue": ("ideas", "systemic"), "systemiclink": ("ideas", "systemic"),
    "historicalsystemicissue": ("ideas", "systemic"),
    "experiment": ("strategy", "experiments"),
    "reviewcadence": ("strategy", "reviews"), "review": ("strategy", "reviews"),
    "reviewfocus": ("strategy", "reviews"),
    "centreofexcellence": ("strategy", "standards"), "standard": ("strategy", "standards"),
    "standardversion": ("strategy", "standards"),
    "standardproposal": ("strategy", "standards"), "standardcomment": ("strategy", "standards"),
}


def _migrate(targets):
    """Migrates to ``targets`` and answers the models as that schema has them (the apps not
    named stay at their latest migration)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    named = {app for app, _name in targets}
    nodes = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in named]
    nodes += [(app, name) for app, name in targets if name is not None]
    return executor.loader.project_state(nodes).apps


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def before_the_move(org):
    """The historical models before the move; the database is migrated forward again (to every
    app's latest migration) when the test has run, pass or fail."""
    leaves = _leaves()
    try:
        yield _migrate(BEFORE_THE_MOVE)
    finally:
        _migrate(leaves)


def _seed_old_schema(apps, org) -> dict:
    """One row of every moved model, written through the models of the old schema."""
    get = apps.get_model
    now = timezone.now()
    today = timezone.localdate()
    Idea = get("ideas", "Idea")
    idea = Idea.objects.create(title="Brackets short", team_id=org.line1.pk,
                               reporter_id=org.member.pk, category="delivery", status="done",
                               last_activity_at=now, status_changed_at=now, done_at=now,
                               learning="Two bins beat one.")
    rows = {"idea": idea.pk}
    rows["capacity"] = get("ideas", "TeamCapacity").objects.create(
        team_id=org.line1.pk, unit="hours", amount=Decimal("6"), created_at=now).pk
    rows["time_entry"] = get("ideas", "TimeEntry").objects.create(
        user_id=org.member.pk, idea=idea, team_id=org.line1.pk, date=today,
        hours=Decimal("1.5")).pk
    issue = get("ideas", "SystemicIssue").objects.create(
        title="Brackets run short", statement="Lines stop.", category="delivery",
        owner_team_id=org.sup.pk, created_by_id=org.supervisor.pk)
    rows["issue"] = issue.pk
    rows["link"] = get("ideas", "SystemicLink").objects.create(
        issue=issue, idea=idea, linked_by_id=org.supervisor.pk).pk
    history = get("ideas", "HistoricalSystemicIssue")
    for kind, status in (("+", "open"), ("~", "monitoring")):
        history.objects.create(
            id=issue.pk, title=issue.title, statement=issue.statement, category="delivery",
            status=status, created_at=issue.created_at, updated_at=now,
            owner_team_id=org.sup.pk, created_by_id=org.supervisor.pk, history_date=now,
            history_type=kind, history_user_id=org.supervisor.pk)
    rows["experiment"] = get("strategy", "Experiment").objects.create(
        idea=idea, hypothesis="Two bins", signal="stops a week", start=today,
        evidence="6 → 2", decision="adopt").pk
    rows["cadence"] = get("strategy", "ReviewCadence").objects.create(
        team_id=org.line1.pk, every="weekly", since=today).pk
    review = get("strategy", "Review").objects.create(
        team_id=org.line1.pk, held_on=today, period_start=today - timedelta(days=6),
        assessment="Held.", held_by_id=org.lead.pk)
    rows["review"] = review.pk
    rows["focus"] = get("strategy", "ReviewFocus").objects.create(
        review=review, systemic_issue=issue).pk
    rows["coe"] = get("strategy", "CentreOfExcellence").objects.create(
        team_id=org.support.pk).pk
    standard = get("strategy", "Standard").objects.create(
        title="Safety walk", owner_team_id=org.support.pk, review_date=date(2030, 1, 1))
    rows["standard"] = standard.pk
    version = get("strategy", "StandardVersion").objects.create(
        standard=standard, number=1, body="1. Walk.")
    rows["version"] = version.pk
    rows["proposal"] = get("strategy", "StandardProposal").objects.create(
        standard=standard, idea=idea, text="Look up.", proposed_by_id=org.member.pk,
        state="accepted", version=version).pk
    rows["comment"] = get("strategy", "StandardComment").objects.create(
        standard=standard, author_id=org.executive.pk, text="Must hold.").pk
    return rows


def _notify_and_grant(apps, org, rows) -> dict:
    """A notification whose target is the systemic issue, another on the review; the change
    permission of systemic issues held by a user, that of standards by a group."""
    ContentTypeOld = apps.get_model("contenttypes", "ContentType")
    PermissionOld = apps.get_model("auth", "Permission")
    NotificationOld = apps.get_model("org", "Notification")
    issue_type = ContentTypeOld.objects.get(app_label="ideas", model="systemicissue")
    review_type = ContentTypeOld.objects.get(app_label="strategy", model="review")
    notes = {}
    for name, target_type, target_id in (("issue", issue_type, rows["issue"]),
                                         ("review", review_type, rows["review"])):
        notes[name] = NotificationOld.objects.create(
            recipient_id=org.lead.pk, verb="moved", text=f"About the {name}",
            event_key=f"model-moves:{name}", target_type=target_type,
            target_id=target_id).pk
    perm = PermissionOld.objects.get(content_type=issue_type, codename="change_systemicissue")
    apps.get_model("org", "User").objects.get(pk=org.manager.pk).user_permissions.add(perm)
    group = apps.get_model("auth", "Group").objects.create(name="CoE editors")
    group.permissions.add(PermissionOld.objects.get(
        content_type__app_label="strategy", codename="change_standard"))
    apps.get_model("org", "User").objects.get(pk=org.member.pk).groups.add(group)
    return notes


def _check_nothing_is_orphaned(org, rows, notes):
    assert TeamCapacity.objects.get(pk=rows["capacity"]).team == org.line1
    assert TimeEntry.objects.get(pk=rows["time_entry"]).hours == Decimal("1.5")
    issue = SystemicIssue.objects.get(pk=rows["issue"])
    assert list(issue.problems.values_list("pk", flat=True)) == [rows["idea"]]
    assert SystemicLink.objects.get(pk=rows["link"]).issue == issue
    assert [h.status for h in issue.history.order_by("history_id")] == ["open", "monitoring"]
    assert Experiment.objects.get(pk=rows["experiment"]).decision == "adopt"
    assert ReviewCadence.objects.get(pk=rows["cadence"]).team == org.line1
    assert ReviewFocus.objects.get(pk=rows["focus"]).systemic_issue == issue
    review = Review.objects.get(pk=rows["review"])
    assert CentreOfExcellence.objects.get(pk=rows["coe"]).team == org.support
    standard = Standard.objects.get(pk=rows["standard"])
    proposal = StandardProposal.objects.get(pk=rows["proposal"])
    assert proposal.version == StandardVersion.objects.get(pk=rows["version"])
    assert StandardComment.objects.get(pk=rows["comment"]).standard == standard

    for model, (old, new) in MOVED.items():
        assert ContentType.objects.filter(app_label=new, model=model).count() == 1, model
        assert not ContentType.objects.filter(app_label=old, model=model).exists(), model
    ContentType.objects.clear_cache()
    assert Notification.objects.get(pk=notes["issue"]).target == issue
    assert Notification.objects.get(pk=notes["review"]).target == review

    manager = User.objects.get(pk=org.manager.pk)
    assert manager.has_perm("systemic.change_systemicissue")
    assert not manager.has_perm("ideas.change_systemicissue")
    member = User.objects.get(pk=org.member.pk)
    assert member.has_perm("standards.change_standard")
    assert not Permission.objects.filter(content_type__app_label__in=["ideas", "strategy"],
                                         codename__in=[f"change_{m}" for m in MOVED]).exists()


def test_moving_models_keeps_their_data(org, before_the_move):
    rows = _seed_old_schema(before_the_move, org)
    notes = _notify_and_grant(before_the_move, org, rows)
    _migrate(_leaves())
    _check_nothing_is_orphaned(org, rows, notes)


def test_content_types_made_early_under_the_new_label_are_merged(org, before_the_move):
    """A content type (with its permissions) that a post_migrate signal made under the new
    label before the move ran: the row the data points at keeps its id, and a user who held
    the early permission keeps it."""
    apps = before_the_move
    rows = _seed_old_schema(apps, org)
    notes = _notify_and_grant(apps, org, rows)
    ContentTypeOld = apps.get_model("contenttypes", "ContentType")
    PermissionOld = apps.get_model("auth", "Permission")
    kept = ContentTypeOld.objects.get(app_label="ideas", model="systemicissue")
    early = ContentTypeOld.objects.create(app_label="systemic", model="systemicissue")
    early_perm = PermissionOld.objects.create(content_type=early, codename="view_systemicissue",
                                              name="Can view systemic issue")
    PermissionOld.objects.create(content_type=early, codename="change_systemicissue",
                                 name="Can change systemic issue")
    apps.get_model("org", "User").objects.get(pk=org.lead.pk).user_permissions.add(early_perm)
    stray = apps.get_model("org", "Notification").objects.create(
        recipient_id=org.lead.pk, verb="moved", text="Early", event_key="model-moves:early",
        target_type=early, target_id=rows["issue"])

    _migrate(_leaves())

    _check_nothing_is_orphaned(org, rows, notes)
    assert ContentType.objects.get(app_label="systemic", model="systemicissue").pk == kept.pk
    issue = SystemicIssue.objects.get(pk=rows["issue"])
    assert Notification.objects.get(pk=stray.pk).target == issue
    assert User.objects.get(pk=org.lead.pk).has_perm("systemic.view_systemicissue")
    assert Permission.objects.filter(content_type_id=kept.pk, codename="change_systemicissue"
                                     ).count() == 1
    assert not Group.objects.exclude(name="CoE editors").exists()
