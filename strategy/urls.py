from django.urls import path

from . import system_views, views

app_name = "strategy"

urlpatterns = [
    path("", views.index, name="index"),
    path("objectives/new/", views.objective_create, name="objective-new"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective-edit"),
    path("goals/new/", views.goal_create, name="goal-new"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal-edit"),
    path("priorities/new/", views.priority_create, name="priority-new"),
    path("priorities/<int:pk>/", views.priority_detail, name="priority"),
    path("priorities/<int:pk>/edit/", views.priority_edit, name="priority-edit"),
    path("priorities/<int:pk>/close/", views.priority_close, name="priority-close"),
    path("priorities/<int:pk>/reopen/", views.priority_reopen, name="priority-reopen"),
    path("priorities/<int:pk>/link/", views.priority_link, name="priority-link"),
    path("priorities/<int:pk>/unlink/<int:idea_id>/", views.priority_unlink,
         name="priority-unlink"),
    path("priorities/<int:pk>/deploy/", views.priority_deploy, name="priority-deploy"),
    path("priorities/<int:pk>/kpis/new/", views.kpi_create, name="kpi-new"),
    path("kpis/<int:pk>/", views.kpi_detail, name="kpi"),
    path("kpis/<int:pk>/edit/", views.kpi_edit, name="kpi-edit"),
    path("kpis/<int:pk>/readings/", views.reading_record, name="reading-new"),
    path("readings/<int:pk>/delete/", views.reading_delete, name="reading-delete"),
    path("changes/", system_views.changes, name="changes"),
    path("constraints/", views.constraints, name="constraints"),
    path("constraints/new/", views.constraint_create, name="constraint-new"),
    path("constraints/<int:pk>/edit/", views.constraint_edit, name="constraint-edit"),
    path("constraints/<int:pk>/lift/", views.constraint_lift, name="constraint-lift"),
    path("deployments/<int:pk>/answer/", views.deployment_answer, name="deployment-answer"),
    path("deployments/<int:pk>/revise/", views.deployment_revise, name="deployment-revise"),
    path("deployments/<int:pk>/comment/", views.deployment_comment, name="deployment-comment"),
    path("deployments/<int:pk>/withdraw/", views.deployment_withdraw,
         name="deployment-withdraw"),
]
