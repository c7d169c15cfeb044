from django.urls import include, path

from .views import catchball, changes, constraints, kpis, objectives, overview, priorities

app_name = "strategy"

# One priority's page and what executives do with it, under /strategy/priorities/<pk>/.
priority_patterns = [
    path("", priorities.priority_detail, name="priority"),
    path("edit/", priorities.priority_edit, name="priority-edit"),
    path("close/", priorities.priority_close, name="priority-close"),
    path("reopen/", priorities.priority_reopen, name="priority-reopen"),
    path("link/", priorities.priority_link, name="priority-link"),
    path("unlink/<int:idea_id>/", priorities.priority_unlink, name="priority-unlink"),
    path("deploy/", priorities.priority_deploy, name="priority-deploy"),
    path("kpis/new/", kpis.kpi_create, name="kpi-new"),
]

urlpatterns = [
    path("", overview.index, name="index"),
    path("objectives/", include([
        path("new/", objectives.objective_create, name="objective-new"),
        path("<int:pk>/edit/", objectives.objective_edit, name="objective-edit"),
    ])),
    path("goals/", include([
        path("new/", objectives.goal_create, name="goal-new"),
        path("<int:pk>/edit/", objectives.goal_edit, name="goal-edit"),
    ])),
    path("priorities/", include([
        path("new/", priorities.priority_create, name="priority-new"),
        path("<int:pk>/", include(priority_patterns)),
    ])),
    path("kpis/<int:pk>/", include([
        path("", kpis.kpi_detail, name="kpi"),
        path("edit/", kpis.kpi_edit, name="kpi-edit"),
        path("readings/", kpis.reading_record, name="reading-new"),
    ])),
    path("readings/<int:pk>/delete/", kpis.reading_delete, name="reading-delete"),
    path("changes/", changes.changes, name="changes"),
    path("constraints/", include([
        path("", constraints.constraints, name="constraints"),
        path("new/", constraints.constraint_create, name="constraint-new"),
        path("<int:pk>/edit/", constraints.constraint_edit, name="constraint-edit"),
        path("<int:pk>/lift/", constraints.constraint_lift, name="constraint-lift"),
    ])),
    # The catchball: a team's answer and cascade, the proposer's revision or withdrawal, and
    # comments.
    path("deployments/<int:pk>/", include([
        path("answer/", catchball.deployment_answer, name="deployment-answer"),
        path("cascade/", priorities.deployment_cascade, name="deployment-cascade"),
        path("revise/", catchball.deployment_revise, name="deployment-revise"),
        path("comment/", catchball.deployment_comment, name="deployment-comment"),
        path("withdraw/", catchball.deployment_withdraw, name="deployment-withdraw"),
    ])),
]
