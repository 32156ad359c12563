"""The Pass numérique's home: what the person can do, from their roles."""

from django.shortcuts import render

from cordee.pass_numerique import perms
from cordee.www.pass_numerique.orders import may_order


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
