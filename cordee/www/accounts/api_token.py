from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cordee.api.access import may_use_api
from cordee.core.errors import DomainError
from cordee.users.models import ApiToken
from cordee.users.tokens import MAX_NAME_LENGTH, MAX_TOKENS_PER_USER, create_api_token, revoke_api_token
from cordee.www.accounts.forms import DsfrFormMixin


class TokenForm(DsfrFormMixin, forms.Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=MAX_NAME_LENGTH,
        help_text="Pour le reconnaître plus tard, par exemple le logiciel qui l'utilise.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


@require_http_methods(["GET", "POST"])
def api_token(request):
    """Private: a person's named API tokens — create (the key is shown once), see when each was used, revoke.

    Offered to the people an authenticated endpoint serves (``may_use_api``); anyone may still revoke
    the tokens they have.
    """
    allowed = may_use_api(request.user)
    form = TokenForm()
    new_key = new_token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            try:
                token = revoke_api_token(request.user, request.POST.get("token", ""))
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"Le jeton « {token.name} » est supprimé : il ne fonctionne plus.")
            return redirect("www:accounts:api_token")
        if not allowed:
            raise PermissionDenied
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                new_token, new_key = create_api_token(request.user, form.cleaned_data["name"])
            except DomainError as error:
                form.add_error("name", error.message)
            else:
                form = TokenForm()
    tokens = list(ApiToken.objects.of(request.user))
    return render(
        request,
        "www/accounts/api_token.html",
        {
            "allowed": allowed,
            "form": form,
            "tokens": tokens,
            "new_key": new_key,
            "new_token": new_token,
            "max_tokens": MAX_TOKENS_PER_USER,
        },
    )
