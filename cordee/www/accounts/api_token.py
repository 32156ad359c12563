from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cordee.users.services import api_token_exists, regenerate_api_token, revoke_api_token


@require_http_methods(["GET", "POST"])
def api_token(request):
    """Private: a person creates, renews or revokes their own API token. The token is shown once."""
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if revoke_api_token(request.user):
                messages.success(request, "Votre jeton d'accès à l'API est supprimé : il ne fonctionne plus.")
            return redirect("www:accounts:api_token")
        new_key = regenerate_api_token(request.user)
    return render(
        request,
        "www/accounts/api_token.html",
        {"has_token": new_key is not None or api_token_exists(request.user), "new_key": new_key},
    )
