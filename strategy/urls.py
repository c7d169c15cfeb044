from django.urls import path

from .views import catchball, changes, constraints, kpis, objectives, overview, priorities

app_name = "strategy"

urlpatterns = [
    path("", overview.index, name="index"),
    path("objectives/new/", objectives.objective_create, name="objective-new"),
    path("objectives/<int:pk>/edit/", objectives.objective_edit, name="objective-edit"),
    path("goals/new/", objectives.goal_create, name="goal-new"),
    path("goals/<int:pk>/edit/", objectives.goal_edit, name="goal-edit"),
    path("priorities/new/", priorities.priority_create, name="priority-new"),
    path("priorities/<int:pk>/", priorities.priority_detail, name="priority"),
    path("priorities/<int:pk>/edit/", priorities.priority_edit, name="priority-edit"),
    path("priorities/<int:pk>/close/", priorities.priority_close, name="priority-close"),
    path("priorities/<int:pk>/reopen/", priorities.priority_reopen, name="priority-reopen"),
    path("priorities/<int:pk>/link/", priorities.priority_link, name="priority-link"),
    path("priorities/<int:pk>/unlink/<int:idea_id>/", priorities.priority_unlink,
         name="priority-unlink"),
    path("priorities/<int:pk>/deploy/", priorities.priority_deploy, name="priority-deploy"),
    path("priorities/<int:pk>/kpis/new/", kpis.kpi_create, name="kpi-new"),
    path("kpis/<int:pk>/", kpis.kpi_detail, name="kpi"),
    path("kpis/<int:pk>/edit/", kpis.kpi_edit, name="kpi-edit"),
    path("kpis/<int:pk>/readings/", kpis.reading_record, name="reading-new"),
    path("readings/<int:pk>/delete/", kpis.reading_delete, name="reading-delete"),
    path("changes/", changes.changes, name="changes"),
    path("constraints/", constraints.constraints, name="constraints"),
    path("constraints/new/", constraints.constraint_create, name="constraint-new"),
    path("constraints/<int:pk>/edit/", constraints.constraint_edit, name="constraint-edit"),
    path("constraints/<int:pk>/lift/", constraints.constraint_lift, name="constraint-lift"),
    path("deployments/<int:pk>/answer/", catchball.deployment_answer, name="deployment-answer"),
    path("deployments/<int:pk>/revise/", catchball.deployment_revise, name="deployment-revise"),
    path("deployments/<int:pk>/comment/", catchball.deployment_comment,
         name="deployment-comment"),
    path("deployments/<int:pk>/withdraw/", catchball.deployment_withdraw,
         name="deployment-withdraw"),
]
