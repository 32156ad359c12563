"""Technical admin of the v1 import: map a v1 conseiller id to an account, check the structures the import
created. The raw rows are read-only (an archive)."""

from django.contrib import admin

from cordee.activities.legacy.models import LegacyActivityRow, LegacyMediator, LegacyStructure


@admin.register(LegacyMediator)
class LegacyMediatorAdmin(admin.ModelAdmin):
    list_display = ["v1_id", "user", "created_at"]
    search_fields = ["v1_id", "user__email"]
    autocomplete_fields = ["user"]


@admin.register(LegacyStructure)
class LegacyStructureAdmin(admin.ModelAdmin):
    list_display = ["v1_id", "structure", "created_by_import", "created_at"]
    list_filter = ["created_by_import"]
    search_fields = ["v1_id", "structure__name", "structure__siret"]
    autocomplete_fields = ["structure"]


@admin.register(LegacyActivityRow)
class LegacyActivityRowAdmin(admin.ModelAdmin):
    list_display = ["legacy_id", "outcome", "file_name", "row_number", "read_at"]
    list_filter = ["outcome"]
    search_fields = ["legacy_id"]
    readonly_fields = ["legacy_id", "values", "file_name", "row_number", "outcome", "reason", "activity", "read_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
