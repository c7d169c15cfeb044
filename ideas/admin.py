"""Admin for ideas, comments, attachments and labels. Changes to an idea go through its
services (timeline, version, notifications); status moves happen on the item page or API."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceDeleteMixin
from core.errors import DomainError
from org.models import Membership

from . import services
from .models import Attachment, Comment, Idea, IdeaEvent, Label, LearningMark


class IdeaAdminForm(forms.ModelForm):
    class Meta:
        model = Idea
        fields = [*services.EDITABLE_FIELDS, "owner", "labels"]

    def clean(self):
        data = super().clean()
        team, owner = data.get("team"), data.get("owner")
        if team is not None and not team.active:
            self.add_error("team", "Choose an active team.")
        if team is not None and owner is not None and not Membership.objects.filter(
                user=owner, team=team).exists():
            self.add_error("owner", f"{owner} is not a member of {team}.")
        return data


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ["author", "text", "created_at"]
    readonly_fields = ["author", "text", "created_at"]
    can_delete = True
    show_change_link = True


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["original_name", "kind", "size", "uploaded_by", "created_at"]


class EventInline(ReadOnlyInline):
    model = IdeaEvent
    fields = ["created_at", "actor", "verb", "text"]


@admin.register(Idea)
class IdeaAdmin(SimpleHistoryAdmin):
    form = IdeaAdminForm
    list_display = ["id", "title", "kind", "status", "category", "priority", "team", "owner",
                    "is_private", "last_activity_at", "aging_flagged_at"]
    list_filter = ["status", "kind", "category", "priority", "is_private", "is_anonymous", "level",
                   ("team", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "description", "learning", "=id"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["team", "owner", "labels"]
    list_select_related = ["team", "owner"]
    readonly_fields = [
        "status", "status_reason", "learning", "learning_expected", "learning_happened",
        "learning_next_time", "learning_marks", "reporter", "is_anonymous", "learning_by",
        "waiting_on_team",
        "decision_note", "decision_at", "created_at", "updated_at", "last_activity_at",
        "status_changed_at", "started_at", "done_at", "aging_flagged_at", "version",
    ]
    fieldsets = [
        (None, {"fields": ["kind", "title", "description", "team", "owner", "category",
                           "priority", "is_private", "labels"]}),
        ("PDSA", {"fields": ["problem_statement", "root_cause", "countermeasure", "result"]}),
        ("Impact and spend", {"fields": [
            "estimated_money_per_year", "estimated_hours_per_year", "estimated_benefit",
            "actual_money_per_year", "actual_hours_per_year", "actual_benefit",
            "required_spend", "due_date"]}),
        ("System work", {"fields": ["level", "change_kind"]}),
        ("Lifecycle (moves happen on the item page)", {"fields": readonly_fields}),
    ]
    inlines = [CommentInline, AttachmentInline, EventInline]

    def has_add_permission(self, request):
        # Items are logged on /ideas/new/ or the API, where the reporter is the person logging.
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data
                  if name in services.EDITABLE_FIELDS}
        try:
            if fields or "labels" in form.changed_data:
                services.idea_update(idea_id=obj.pk, actor=request.user,
                                     labels=form.cleaned_data.get("labels")
                                     if "labels" in form.changed_data else None, **fields)
            if "owner" in form.changed_data:
                services.idea_assign(idea_id=obj.pk, owner=form.cleaned_data["owner"],
                                     actor=request.user)
        except DomainError as exc:
            messages.error(request, f"Not saved: {exc.message}")

    def save_related(self, request, form, formsets, change):
        # Labels were set by the service; only the inlines (comment deletions) are saved here.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "idea", "author", "created_at"]
    search_fields = ["text", "author__username", "=idea__id"]
    list_select_related = ["idea", "author"]
    readonly_fields = ["idea", "author", "text", "mentions", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Attachment)
class AttachmentAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["id", "original_name", "kind", "size", "idea", "uploaded_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["original_name", "=idea__id"]
    list_select_related = ["idea", "uploaded_by"]
    readonly_fields = ["idea", "uploaded_by", "file", "thumbnail", "original_name",
                       "content_type", "kind", "size", "width", "height", "created_at"]

    def has_add_permission(self, request):
        return False

    def delete_through_service(self, obj, actor) -> None:
        services.attachment_delete(attachment_id=obj.pk, actor=actor)


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "idea_count"]
    search_fields = ["name"]

    @admin.display(description="Items", ordering="n")
    def idea_count(self, obj):
        return obj.n

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n=Count("ideas"))


@admin.register(LearningMark)
class LearningMarkAdmin(ReadOnlyAdmin):
    """Other teams' marks on an item's learning: made on the item page, in the learning library
    or through the API (ideas.services.learning), which keep the item's counter."""

    list_display = ["created_at", "idea", "team", "kind", "marked_by"]
    list_filter = ["kind"]
    list_select_related = ["idea", "team", "marked_by"]
    search_fields = ["=idea__id", "idea__title", "team__name"]

    def has_delete_permission(self, request, obj=None):
        return False  # taken back through the service, which keeps the counter
