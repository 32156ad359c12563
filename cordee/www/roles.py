"""A person's roles once per request, and the structure they act for (remembered in the session).

``RolesMiddleware`` gives ``request.user`` a lazy ``roles`` (``cordee.structures.roles``): the permission
helpers read it instead of querying memberships again. ``acting_structure_switch`` is the header's small form
(no JavaScript needed) that changes the structure a person in several structures acts for.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cordee.structures.perms import acting_structures
from cordee.structures.roles import attach_roles, roles_of

ACTING_STRUCTURE_SESSION_KEY = "cordee_acting_structure"


class RolesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            attach_roles(user, request.session.get(ACTING_STRUCTURE_SESSION_KEY))
        return self.get_response(request)


def acting_structure_context(request):
    """The header's switch: the person's structures and the one they act for (only with several)."""
    nothing = {"acting_structures": [], "acting_structure_id": None}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return nothing
    roles = roles_of(user)
    if not roles.has_several_structures:
        return nothing
    return {"acting_structures": list(acting_structures(user)), "acting_structure_id": roles.acting_structure_id}


def _safe_next(request, fallback="/"):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
def acting_structure_switch(request):
    try:
        structure_id = int(request.POST.get("structure", ""))
    except ValueError:
        structure_id = None
    structures = {structure.pk: structure for structure in acting_structures(request.user)}
    if structure_id in structures:
        request.session[ACTING_STRUCTURE_SESSION_KEY] = structure_id
        messages.success(request, f"Vous agissez maintenant pour « {structures[structure_id].name} ».")
    else:
        messages.error(request, "Choisissez une de vos structures.")
    return redirect(_safe_next(request))
