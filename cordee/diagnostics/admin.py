"""Technical admin of the référentiel: questions and areas of a draft version can be added, changed or removed;
a published version is read-only. Diagnostics and people are not shown here (personal data)."""

from django.contrib import admin

from cordee.diagnostics.models import Area, DiagnosticVersion, Question


class DraftOnlyInline(admin.TabularInline):
    extra = 0

    def _editable(self, obj):
        return obj is None or obj.is_editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class AreaInline(DraftOnlyInline):
    model = Area


class QuestionInline(DraftOnlyInline):
    model = Question
    fields = ["position", "code", "kind", "area", "text", "help_text", "answers", "required", "sensitive"]


@admin.register(DiagnosticVersion)
class DiagnosticVersionAdmin(admin.ModelAdmin):
    list_display = ["code", "state", "created_at", "published_at"]
    readonly_fields = ["state", "published_at"]
    inlines = [AreaInline, QuestionInline]

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.is_editable) and super().has_delete_permission(request, obj)
