from django.contrib import admin

from cordee.structures.models import CoordinatorScope, Invitation, Membership, Structure, TeamMembership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = "membre"
    verbose_name_plural = "membres"


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siret", "rna", "commune"]
    list_filter = ["kind"]
    search_fields = ["name", "siret", "rna"]
    raw_id_fields = ["commune"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "structure", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["structure__name", "user__email"]
    autocomplete_fields = ["user", "structure"]
    list_select_related = ["user", "structure"]


@admin.register(CoordinatorScope)
class CoordinatorScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "territory_kind", "territory_code", "created_at"]
    list_filter = ["territory_kind"]
    search_fields = ["user__email", "territory_code"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "structure", "role", "created_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "structure__name"]
    readonly_fields = ["created_at", "accepted_at", "invited_by"]
    list_select_related = ["structure"]


@admin.register(TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    """Read only: teams change through their pages (cordee.structures.teams), which journal every change."""

    list_display = ["coordinator", "mediator", "state", "member_from", "member_until", "invited_at"]
    list_filter = ["state"]
    search_fields = ["coordinator__email", "mediator__email"]
    list_select_related = ["coordinator", "mediator"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
