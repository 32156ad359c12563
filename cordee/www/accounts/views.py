from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from cordee.www.accounts.forms import CordeePasswordResetForm, CordeeSetPasswordForm, LoginForm

# Login and password reset are public pages: Django marks them login_not_required already.


class LoginView(auth_views.LoginView):
    template_name = "www/accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """POST only (a link cannot log someone out behind their back). Harmless when already signed out."""


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "www/accounts/password_reset_form.html"
    form_class = CordeePasswordResetForm
    email_template_name = "www/accounts/emails/password_reset.txt"
    subject_template_name = "www/accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("www:accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "www/accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "www/accounts/password_reset_confirm.html"
    form_class = CordeeSetPasswordForm
    success_url = reverse_lazy("www:accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "www/accounts/password_reset_complete.html"
