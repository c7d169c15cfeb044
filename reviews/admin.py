from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Review, ReviewCadence


@admin.register(ReviewCadence)
class ReviewCadenceAdmin(admin.ModelAdmin):
    list_display = ["team", "tier", "every", "since"]
    list_filter = ["every"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    """Reviews are recorded on the review pages and the API."""

    list_display = ["held_on", "team", "tier", "held_by"]
    list_filter = ["team__tier"]
