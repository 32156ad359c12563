from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from cordee.core.net import rate_limit_key
from cordee.users import tasks, throttling
from cordee.www.accounts.forms import (
    CordeePasswordChangeForm,
    CordeePasswordResetForm,
    CordeeSetPasswordForm,
    LoginForm,
)
from cordee.www.accounts.sessions import apply_session_lifetime

# Login and password reset are public pages: Django marks them login_not_required already.


class LoginView(auth_views.LoginView):
    """Sign in. Repeated failures lock the account (a few minutes) or the address (longer): 429 then."""

    template_name = "www/accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        apply_session_lifetime(self.request, form.get_user(), remember=form.cleaned_data.get("remember", False))
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.throttled.retry_after)
        return response


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """POST only (a link cannot log someone out behind their back). Harmless when already signed out."""


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link. The same answer whether the account exists or not; the e-mail is queued.

    Limited per address (the person is told to wait, 429) and per account (silently: no more e-mails).
    """

    template_name = "www/accounts/password_reset_form.html"
    form_class = CordeePasswordResetForm
    success_url = reverse_lazy("www:accounts:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        try:
            may_send = throttling.reset_request(email, rate_limit_key(self.request))
        except throttling.TooManyAttempts as error:
            form.add_error(None, error.message)
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(error.retry_after)
            return response
        if may_send:
            tasks.send_password_reset(email)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "www/accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from the e-mailed link; it also lifts a lock on the account's logins."""

    template_name = "www/accounts/password_reset_confirm.html"
    form_class = CordeeSetPasswordForm
    success_url = reverse_lazy("www:accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        throttling.password_reset_done(form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "www/accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Private: change one's password, signed in, by typing the current one (limited like logins: 429).

    The current session stays open (``update_session_auth_hash``); every other session of the account ends
    (its stored password hash no longer matches), and API tokens are revoked (``User.save``). Journaled
    without personal data (``accounts.password.changed``).
    """

    template_name = "www/accounts/password_change.html"
    form_class = CordeePasswordChangeForm
    success_url = reverse_lazy("www:accounts:profile")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        throttling.password_changed(form.user)
        messages.success(
            self.request,
            "Votre mot de passe est changé. Vos autres sessions (autres navigateurs, autres appareils) sont "
            "fermées, et vos jetons d'API révoqués.",
        )
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.throttled.retry_after)
        return response
