"""Technical admin: only the structures' tags. Activities are not shown here (they name followed people)."""

from django.contrib import admin

from cordee.activities.models import ActivityTag


@admin.register(ActivityTag)
class ActivityTagAdmin(admin.ModelAdmin):
    list_display = ["name", "structure"]
    search_fields = ["name", "structure__name"]
    autocomplete_fields = ["structure"]
