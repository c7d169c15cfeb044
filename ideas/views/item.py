"""The quick form and the item page with its actions. Views stay thin: forms validate,
services change, selectors read."""


from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.forms import apply_error
from core.params import parse_int

from .. import learning as learning_note
from .. import selectors, services, workflow
from ..anonymity import acts_anonymously
from ..forms import AssignForm, AttachmentForm, CommentForm, IdeaForm, TransitionForm
from ..models import Idea
from ..permissions import (
    access_idea,
    can_assign,
    can_attach,
    can_comment,
    can_delete_attachment,
    can_edit,
    can_transition,
)
from ..registry import card_badges, idea_panels

# ---------------------------------------------------------------- create


@require_http_methods(["GET", "POST"])
def idea_new(request: HttpRequest) -> HttpResponse:
    form = IdeaForm(request.POST or None, request.FILES or None, user=request.user,
                    creating=True, instance=Idea())
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                fields = form.service_fields()
                labels = services.labels_resolve(form.cleaned_data["labels_text"])
                idea = services.idea_create(actor=request.user, labels=labels, **fields)
                upload = form.cleaned_data.get("file")
                if upload:
                    services.attachment_add(idea_id=idea.pk, actor=request.user, upload=upload)
                for extension in form.extensions:
                    extension.save(form, idea, request.user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request, f"Thanks — “{idea.title}” is logged for {idea.team.name} as #{idea.pk}. "
                         "You will be told when it moves.")
            return redirect("ideas:detail", pk=idea.pk)
    status = 400 if form.is_bound else 200
    return render(request, "ideas/new.html", {"form": form}, status=status)


# ---------------------------------------------------------------- the item page


def detail_context(request, idea: Idea, **forms) -> dict:
    user = request.user
    watchers = list(idea.watchers.all())
    may_move = can_transition(user, idea)
    actions = []
    if may_move:
        for target in workflow.allowed_targets(idea.status):
            need = workflow.requirement(idea.status, target)
            actions.append({
                "to": target,
                "label": workflow.ACTION_LABELS.get((idea.status, target), workflow.LABELS[target]),
                "needs_reason": need.reason,
                "needs_learning": need.learning,
                "danger": target == Idea.Status.DECLINED,
            })
    failed = forms.get("transition_form")
    failed_to = failed.data.get("to") if failed is not None else None
    for action in actions:
        if action["to"] == failed_to:
            action["form"], action["open"] = failed, True
        else:
            action["form"] = TransitionForm(initial={"to": action["to"], "version": idea.version},
                                            auto_id=f"id_{action['to']}_%s")
    may_assign = can_assign(user, idea)
    panels = [panel for build in idea_panels() if (panel := build(request, idea))]
    return {
        "idea": idea,
        "badges": card_badges([idea]).get(idea.pk, []),
        "actions": actions,
        "may_move": may_move,
        "may_edit": can_edit(user, idea),
        "may_comment": can_comment(user, idea),
        "may_attach": can_attach(user, idea),
        "may_assign": may_assign,
        "assign_form": forms.get("assign_form") or (
            AssignForm(members=selectors.team_members(idea.team_id),
                       initial={"owner": idea.owner_id}) if may_assign else None),
        "raised_by_me_anonymously": acts_anonymously(user, idea),
        "watchers": watchers,
        "watching": any(w.pk == user.pk for w in watchers),
        "timeline": selectors.idea_timeline(idea),
        "attachments": [
            {"item": a, "may_delete": can_delete_attachment(user, idea, a)}
            for a in idea.attachments.all()
        ],
        "comment_form": forms.get("comment_form") or CommentForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "panels": panels,
        "labels": list(idea.labels.all()),
        "shared_with": list(idea.shared_with_teams.all()),
        "lesson": selectors.lesson_of(user, idea),
    }


@require_GET
def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    idea = selectors.idea_detail(request.user, pk)
    return render(request, "ideas/detail.html", detail_context(request, idea))


@require_http_methods(["GET", "POST"])
def idea_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit in place: the form replaces the summary on the item page (htmx), or stands on a
    page of its own without JavaScript."""
    idea = selectors.idea_detail(request.user, pk)
    if not can_edit(request.user, idea):
        messages.error(request, "You may not edit this item: the reporter edits it while it is "
                                "new; its owner and the team's leads edit it any time.")
        if request.htmx:
            return _summary(request, idea, status=403)
        return redirect("ideas:detail", pk=idea.pk)
    form = IdeaForm(request.POST or None, user=request.user, instance=idea)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                labels = services.labels_resolve(form.cleaned_data["labels_text"])
                services.idea_update(
                    idea_id=idea.pk, actor=request.user, labels=labels,
                    expected_version=parse_int(request.POST.get("version"), low=1),
                    **form.service_fields())
                for extension in form.extensions:
                    extension.save(form, idea, request.user)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            fresh = selectors.idea_detail(request.user, pk)
            if request.htmx:
                return _summary(request, fresh, saved=True)
            messages.success(request, "Saved.")
            return redirect("ideas:detail", pk=idea.pk)
    context = {"idea": idea, "form": form, "version": idea.version}
    status = 400 if form.is_bound else 200
    if request.htmx:
        return render(request, "ideas/detail.html#edit-form", context, status=status)
    return render(request, "ideas/edit.html", context, status=status)


def _summary(request, idea, *, saved=False, status=200) -> HttpResponse:
    context = detail_context(request, idea)
    context["saved"] = saved
    return render(request, "ideas/detail.html#summary", context, status=status)


@require_POST
def idea_transition(request: HttpRequest, pk: int) -> HttpResponse:
    idea = access_idea(request.user, pk)
    to = request.POST.get("to", "")
    form = TransitionForm(request.POST, auto_id=f"id_{to}_%s" if to.isidentifier() else "id_%s")
    told, status = False, 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.idea_transition(
                idea_id=idea.pk, to=data["to"], actor=request.user, reason=data["reason"],
                learning=data["learning"], expected_version=data["version"],
                actual_money_per_year=data["actual_money_per_year"],
                actual_hours_per_year=data["actual_hours_per_year"],
                actual_benefit=data["actual_benefit"], result=data["result"],
                learning_parts={name: data[name] for name in learning_note.PARTS})
        except DomainError as exc:
            apply_error(form, exc)
            messages.error(request, exc.message)
            told, status = True, exc.status_code
        else:
            messages.success(request, f"Moved to {moved.get_status_display().lower()}.")
            return redirect("ideas:detail", pk=idea.pk)
    if form.errors and not told:
        messages.error(request, next(iter(form.errors.values()))[0])
    idea = selectors.idea_detail(request.user, pk)
    context = detail_context(request, idea, transition_form=form)
    return render(request, "ideas/detail.html", context, status=status)


@require_POST
def idea_comment(request: HttpRequest, pk: int) -> HttpResponse:
    idea = access_idea(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_create(idea_id=idea.pk, actor=request.user,
                                    text=form.cleaned_data["text"])
        except DomainError as exc:
            apply_error(form, exc)
        else:
            if request.htmx:
                idea = selectors.idea_detail(request.user, pk)
                return render(request, "ideas/detail.html#timeline",
                              detail_context(request, idea))
            return redirect(reverse("ideas:detail", args=[idea.pk]) + "#timeline")
    idea = selectors.idea_detail(request.user, pk)
    context = detail_context(request, idea, comment_form=form)
    if request.htmx:
        return render(request, "ideas/detail.html#timeline", context, status=400)
    return render(request, "ideas/detail.html", context, status=400)


@require_POST
def idea_watch(request: HttpRequest, pk: int) -> HttpResponse:
    idea = access_idea(request.user, pk)
    watching = request.POST.get("watch", "1") == "1"
    try:
        services.idea_watch(idea=idea, user=request.user, watching=watching)
    except DomainError as exc:  # the anonymous reporter: the panel says why
        if not request.htmx:
            messages.error(request, exc.message)
            return redirect("ideas:detail", pk=idea.pk)
    if request.htmx:
        idea = selectors.idea_detail(request.user, pk)
        return render(request, "ideas/detail.html#watchers", detail_context(request, idea))
    messages.success(request, "You are watching this item." if watching
                     else "You no longer watch this item.")
    return redirect("ideas:detail", pk=idea.pk)


@require_POST
def idea_assign(request: HttpRequest, pk: int) -> HttpResponse:
    idea = access_idea(request.user, pk)
    form = AssignForm(request.POST, members=selectors.team_members(idea.team_id))
    if form.is_valid():
        try:
            services.idea_assign(idea_id=idea.pk, owner=form.cleaned_data["owner"],
                                 actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            owner = form.cleaned_data["owner"]
            messages.success(request, f"{owner.name} now owns this item." if owner
                             else "The item has no owner now.")
        return redirect("ideas:detail", pk=idea.pk)
    idea = selectors.idea_detail(request.user, pk)
    messages.error(request, "Choose a member of the team.")
    return render(request, "ideas/detail.html", detail_context(request, idea, assign_form=form),
                  status=400)
