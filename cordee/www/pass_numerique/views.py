"""The Pass numérique's home (public): what the scheme is, checking a pass, and what the person can do."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cordee.pass_numerique import perms
from cordee.www.pass_numerique.orders import may_order


@login_not_required
@require_GET
def index(request):
    user = request.user
    return render(
        request,
        "www/pass_numerique/index.html",
        {
            "may_order": may_order(user),
            "holds_books": perms.held_books(user).exists(),
            "may_redeem": perms.may_redeem_anywhere(user),
            "has_statements": perms.visible_statements(user).exists(),
        },
    )
