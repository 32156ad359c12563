from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm

from cordee.core.net import rate_limit_key
from cordee.users import throttling
from cordee.users.models import User


class DsfrFormMixin:
    """DSFR classes on widgets, and each field's help text and errors linked to it for screen readers.

    Render fields with {% include "www/accounts/_field.html" %}: ids follow `<auto_id>_helptext` and
    `<auto_id>-errors`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                css = "fr-select"
            elif isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = ""
            else:
                css = "fr-input"
            if css:
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def fields_in_error(self):
        return [self[name] for name in self.fields if name in self.errors]

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described_by = [f"{bound.auto_id}-errors"]
            if self.fields[name].help_text:
                described_by.insert(0, f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described_by)
            self.fields[name].widget.attrs["aria-invalid"] = "true"


class ThrottledLoginMixin:
    """Failed attempts counted per account and per client network (``cordee.users.throttling``), on every
    login form of the site (the pages and the technical administration). ``throttled`` holds the refusal."""

    throttled = None

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()
        address = rate_limit_key(self.request) if self.request is not None else ""
        try:
            throttling.check_login_allowed(username, address)
        except throttling.TooManyAttempts as error:
            self.throttled = error
            raise forms.ValidationError(error.message, code="throttled") from None
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "invalid_login":
                throttling.login_failed(username, address)
            raise
        throttling.login_succeeded(username)
        return cleaned


class LoginForm(DsfrFormMixin, ThrottledLoginMixin, AuthenticationForm):
    """Sign in; failed attempts are limited (``ThrottledLoginMixin``)."""

    username = forms.EmailField(
        label="Adresse électronique",
        help_text="Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    remember = forms.BooleanField(
        label="Rester connecté",
        required=False,
        help_text="Seulement sur un appareil personnel. Sinon, la session se termine à la fermeture du navigateur.",
    )

    error_messages = {
        "invalid_login": (
            "Adresse électronique ou mot de passe incorrect. Vérifiez-les, puis réessayez. "
            "Vous pouvez aussi choisir un nouveau mot de passe."
        ),
        "inactive": "Ce compte est désactivé. Contactez le gestionnaire de votre structure.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "Mot de passe"


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The technical administration's login, limited like the site's."""


class CordeePasswordResetForm(DsfrFormMixin, forms.Form):
    """The e-mail of the account; the view limits the requests and queues the e-mail."""

    email = forms.EmailField(
        label="Adresse électronique",
        help_text="L'adresse avec laquelle vous vous connectez. Format attendu : nom@domaine.fr",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class CordeeSetPasswordForm(DsfrFormMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Nouveau mot de passe"
        self.fields["new_password2"].label = "Nouveau mot de passe, une deuxième fois"
        self.fields["new_password2"].help_text = "Pour vérifier qu'il n'y a pas de faute de frappe."


class CordeePasswordChangeForm(CordeeSetPasswordForm, PasswordChangeForm):
    """The current password, then the new one twice. Wrong current passwords are limited like logins."""

    throttled = None
    error_messages = {
        **SetPasswordForm.error_messages,
        "password_mismatch": "Les deux mots de passe ne sont pas identiques.",
        "password_incorrect": "Ce n'est pas votre mot de passe actuel. Vérifiez-le, puis réessayez.",
    }
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = "Mot de passe actuel"
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].help_text = (
            "Au moins 10 caractères, pas uniquement des chiffres ni un mot de passe trop courant, et différent "
            "de votre nom et de votre adresse électronique."
        )

    def clean_old_password(self):
        address = rate_limit_key(self.request) if self.request is not None else ""
        try:
            throttling.check_password_change_allowed(self.user, address)
        except throttling.TooManyAttempts as error:
            self.throttled = error
            raise forms.ValidationError(error.message, code="throttled") from None
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            throttling.password_change_failed(self.user, address)
            raise


class SignupFromInvitationForm(DsfrFormMixin, forms.Form):
    """A new account for the person an invitation was sent to: the e-mail comes from the invitation."""

    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(label="Nom", max_length=150, widget=forms.TextInput({"autocomplete": "family-name"}))
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        help_text="Au moins 10 caractères, pas uniquement des chiffres, et différent de votre nom.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Mot de passe, une deuxième fois",
        strip=False,
        help_text="Pour vérifier qu'il n'y a pas de faute de frappe.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif password1:
            user = User(
                email=self.email, first_name=cleaned.get("first_name", ""), last_name=cleaned.get("last_name", "")
            )
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def save(self) -> User:
        return User.objects.create_user(
            email=self.email,
            password=self.cleaned_data["password1"],
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
        )
