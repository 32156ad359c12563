from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, ReadOnlyPasswordHashWidget, UserChangeForm

from cordee.structures.models import CoordinatorScope, Membership
from cordee.users.models import User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class PasswordHashWidget(ReadOnlyPasswordHashWidget):
    """Django's widget, with the link its template expects (it relies on a default for an unset variable)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context.setdefault("password_url", "../password/")
        return context


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].widget = PasswordHashWidget()


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["structure"]
    verbose_name = "appartenance à une structure"
    verbose_name_plural = "appartenances aux structures"


class CoordinatorScopeInline(admin.TabularInline):
    model = CoordinatorScope
    extra = 0
    verbose_name = "périmètre de coordination"
    verbose_name_plural = "périmètres de coordination"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ["email", "first_name", "last_name", "is_national_admin", "is_active", "date_joined"]
    list_filter = ["is_national_admin", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["email"]
    inlines = [MembershipInline, CoordinatorScopeInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Rôles et droits", {"fields": ("is_active", "is_national_admin", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups"]
