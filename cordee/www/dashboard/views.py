from django.shortcuts import render

from cordee.structures import teams
from cordee.structures.models import Membership
from cordee.www.dashboard.roles import Role, user_roles
from cordee.www.dashboard.territories import scope_territories

# Order of the sections on the page, and the template of each.
SECTIONS = [
    (Role.MEDIATEUR, "www/dashboard/sections/mediateur.html"),
    (Role.CONSEILLER_NUMERIQUE, "www/dashboard/sections/mediateur.html"),
    (Role.AIGUILLEUR, "www/dashboard/sections/aiguilleur.html"),
    (Role.GESTIONNAIRE, "www/dashboard/sections/gestionnaire.html"),
    (Role.COORDINATOR, "www/dashboard/sections/coordinator.html"),
    (Role.NATIONAL_ADMIN, "www/dashboard/sections/national_admin.html"),
]
# Roles with a statistics page of their own (cordee.dashboards.scope): their activities, their structures', their
# team's and territories', France's.
STATISTICS_ROLES = {
    Role.MEDIATEUR,
    Role.CONSEILLER_NUMERIQUE,
    Role.GESTIONNAIRE,
    Role.COORDINATOR,
    Role.NATIONAL_ADMIN,
}
MEDIATOR_ROLES = {Role.MEDIATEUR, Role.CONSEILLER_NUMERIQUE}


def index(request):
    user = request.user
    roles = user_roles(user)
    memberships = Membership.objects.active().filter(user=user).select_related("structure__commune").order_by("pk")
    structures_by_role = {}
    for membership in memberships:
        structures_by_role.setdefault(membership.role, []).append(membership.structure)

    sections, by_template = [], {}
    for role, template_name in SECTIONS:
        if role not in roles:
            continue
        # A médiateur who is also conseiller numérique gets one section, not two.
        section = by_template.get(template_name)
        if section is None:
            section = by_template[template_name] = {"role": role, "template": template_name, "structures": []}
            sections.append(section)
        section["structures"] += structures_by_role.get(role, [])

    territories = []
    if Role.COORDINATOR in roles:
        territories = scope_territories(list(user.coordinator_scopes.order_by("territory_kind", "territory_code")))

    is_mediator = bool(roles & MEDIATOR_ROLES)
    return render(
        request,
        "www/dashboard/index.html",
        {
            "sections": sections,
            "territories": territories,
            "has_statistics": bool(roles & STATISTICS_ROLES),
            "is_coordinator": Role.COORDINATOR in roles,
            "is_mediator": is_mediator,
            "team_invitations": teams.invitations_for(user).count() if is_mediator else 0,
        },
    )
