"""Admin building blocks the apps share (nothing is registered here).

Rows that carry a rule — a timeline entry, an uploaded file, a team's view in a conflict — change
through their services only, so the admin shows them and, where a deletion has side effects,
deletes them through the service too."""

from collections.abc import Callable

from django.contrib import admin


class ReadOnlyInline(admin.TabularInline):
    """Rows listed under their parent with ``fields``; never added, edited or deleted here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by their services (pages and API): read here, never added or edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceDeleteMixin:
    """For a ModelAdmin whose rows are deleted through a service (files removed, timeline
    written): the admin class names the service as ``delete_through_service(obj, actor)``,
    called once per row of a bulk delete."""

    delete_through_service: "Callable[[object, object], None]"

    def delete_model(self, request, obj):
        self.delete_through_service(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_through_service(obj, request.user)
