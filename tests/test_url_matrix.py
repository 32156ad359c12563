"""Every URL of the project is in an access matrix: for reading if it answers GET, for writing if it takes POST.

A matrix tests one view against every kind of user of tests/user_kinds.py. The matrices kept as dicts give their URL
names themselves; a few views tested kind by kind in a parametrized test are listed by hand below. A new URL without
a matrix fails here, with the place to add it.
"""

import inspect
from collections import defaultdict

from django.urls import URLPattern, URLResolver, get_resolver

from tests.activities import test_access_matrix as activities_matrix
from tests.api import test_places_api
from tests.dashboards import test_access_matrix as dashboards_matrix
from tests.diagnostics import test_access_matrix as diagnostics_matrix
from tests.pass_numerique import test_api_access as pass_api_matrix
from tests.pass_numerique import test_web_access as pass_web_matrix
from tests.referrals import test_access_matrix as referrals_matrix
from tests.www import (
    test_beneficiary_file,
    test_places_imports,
    test_places_manage,
    test_places_manage_post_access,
    test_public_access,
    test_structures,
    test_team,
)

# Namespaces tested otherwise: Django's admin is for staff only (tests/users/test_admin.py).
OUT_OF_SCOPE_NAMESPACES = {"admin"}

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def places_manage_name(key):
    return "www:place_reports:create" if key == "report_form" else f"www:places_manage:{key}"


def read_matrices():
    """{where: URL names} of the matrices that GET each page."""
    return {
        "tests/www/test_structures.py::VIEW_EXPECTATIONS": [
            f"www:structures:{key}" for key in test_structures.VIEW_EXPECTATIONS
        ],
        "tests/www/test_structures.py::test_invitation_accept_access": ["www:structures:invitation_accept"],
        "tests/www/test_places_manage.py::VIEW_EXPECTATIONS": [
            places_manage_name(key) for key in test_places_manage.VIEW_EXPECTATIONS
        ],
        "tests/www/test_places_imports.py::PAGE_EXPECTATIONS": [
            f"www:places_manage:{key}" for key in test_places_imports.PAGE_EXPECTATIONS
        ],
        "tests/www/test_public_access.py::GET_EXPECTATIONS": list(test_public_access.GET_EXPECTATIONS),
        "tests/diagnostics/test_access_matrix.py::GET_EXPECTATIONS": list(diagnostics_matrix.GET_EXPECTATIONS),
        "tests/referrals/test_access_matrix.py::GET_EXPECTATIONS": list(referrals_matrix.GET_EXPECTATIONS),
        "tests/www/test_beneficiary_file.py::GET_EXPECTATIONS": list(test_beneficiary_file.GET_EXPECTATIONS),
        "tests/dashboards/test_access_matrix.py::GET_EXPECTATIONS": list(dashboards_matrix.GET_EXPECTATIONS),
        "tests/www/test_team.py::GET_EXPECTATIONS": list(test_team.GET_EXPECTATIONS),
        "tests/activities/test_access_matrix.py::GET_EXPECTATIONS": list(activities_matrix.GET_EXPECTATIONS),
        "tests/pass_numerique/test_web_access.py::GET_EXPECTATIONS": list(pass_web_matrix.GET_EXPECTATIONS),
        "tests/pass_numerique/test_api_access.py::GET_EXPECTATIONS": list(pass_api_matrix.GET_EXPECTATIONS),
    }


def write_matrices():
    """{where: URL names} of the matrices that POST (or PATCH…) to each view."""
    return {
        "tests/www/test_structures.py::REFUSED_WRITES": sorted(
            {f"www:structures:{view_name}" for view_name, _kind in test_structures.REFUSED_WRITES}
        ),
        "tests/www/test_structures_invitations.py::test_cancel_invitation": ["www:structures:invitation_cancel"],
        "tests/www/test_places_manage_post_access.py::POST_EXPECTATIONS": [
            places_manage_name(key) for key in test_places_manage_post_access.POST_EXPECTATIONS
        ],
        "tests/www/test_public_access.py::POST_EXPECTATIONS": list(test_public_access.POST_EXPECTATIONS),
        "tests/diagnostics/test_access_matrix.py::POST_EXPECTATIONS": list(diagnostics_matrix.POST_EXPECTATIONS),
        "tests/referrals/test_access_matrix.py::POST_EXPECTATIONS": list(referrals_matrix.POST_EXPECTATIONS),
        "tests/www/test_beneficiary_file.py::POST_EXPECTATIONS": list(test_beneficiary_file.POST_EXPECTATIONS),
        "tests/dashboards/test_access_matrix.py::POST_EXPECTATIONS": list(dashboards_matrix.POST_EXPECTATIONS),
        "tests/www/test_team.py::POST_EXPECTATIONS": list(test_team.POST_EXPECTATIONS),
        "tests/activities/test_access_matrix.py::POST_EXPECTATIONS": list(activities_matrix.POST_EXPECTATIONS),
        "tests/pass_numerique/test_web_access.py::POST_EXPECTATIONS": list(pass_web_matrix.POST_EXPECTATIONS),
        "tests/pass_numerique/test_api_access.py::POST_EXPECTATIONS": list(pass_api_matrix.POST_EXPECTATIONS),
        "tests/www/test_places_qualification.py::REVIEWED_EXPECTATIONS": ["www:places_manage:qualification_reviewed"],
        "tests/api/test_places_api.py::WRITERS": ["api:places", "api:place"] if test_places_api.WRITERS else [],
    }


def url_patterns(patterns=None, namespace=()):
    """(full URL name, callback) of every named URL of the project."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield ":".join((*namespace, pattern.name or f"<sans nom : {pattern.pattern}>")), pattern.callback


def view_methods(callback):
    """The HTTP methods a view takes, from its class or its ``require_http_methods`` decorator; a bare function
    view takes any method, and is counted as writing when its code reads ``request.POST`` or compares the method."""
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        return {method.upper() for method in view_class.http_method_names if hasattr(view_class, method)} - {
            "OPTIONS",
            "HEAD",
        }
    function = callback
    while function is not None:
        for cell in function.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, list | tuple) and value and all(isinstance(v, str) and v.isupper() for v in value):
                return set(value) - {"HEAD", "OPTIONS"}
        function = getattr(function, "__wrapped__", None)
    source = inspect.getsource(inspect.unwrap(callback))
    return {"GET", "POST"} if "POST" in source else {"GET"}


def project_urls():
    return {
        name: view_methods(callback)
        for name, callback in url_patterns()
        if name.split(":")[0] not in OUT_OF_SCOPE_NAMESPACES
    }


def covered(matrices):
    where = defaultdict(list)
    for matrix, names in matrices.items():
        for name in names:
            where[name].append(matrix)
    return where


def test_every_url_answering_get_is_in_a_read_matrix():
    read = covered(read_matrices())
    missing = sorted(name for name, methods in project_urls().items() if "GET" in methods and name not in read)
    assert not missing, (
        f"Pages sans matrice d'accès en lecture : {', '.join(missing)}. Testez chacune contre chaque type "
        "d'utilisateur (tests/user_kinds.py) dans la matrice de son domaine, puis déclarez cette matrice dans "
        "read_matrices() de tests/test_url_matrix.py."
    )


def test_every_url_taking_post_is_in_a_write_matrix():
    write = covered(write_matrices())
    missing = sorted(name for name, methods in project_urls().items() if methods & WRITE_METHODS and name not in write)
    assert not missing, (
        f"Vues qui écrivent sans matrice d'accès en écriture : {', '.join(missing)}. Testez un POST de chaque type "
        "d'utilisateur (refusé : rien ne change ; permis : l'action a lieu), puis déclarez cette matrice dans "
        "write_matrices() de tests/test_url_matrix.py."
    )


def test_matrices_name_only_real_urls():
    urls = project_urls()
    for matrices in (read_matrices(), write_matrices()):
        for matrix, names in matrices.items():
            unknown = [name for name in names if name not in urls]
            assert not unknown, f"{matrix} nomme des URL qui n'existent plus : {', '.join(unknown)}"


def test_view_methods_are_read_from_the_decorators_and_classes():
    urls = project_urls()
    assert urls["www:places_manage:criterion_toggle"] == {"POST"}
    assert urls["www:places_manage:edit"] == {"GET", "POST"}
    assert urls["www:places:search"] == {"GET"}
    assert urls["api:schema"] == {"GET"}
    assert "POST" in urls["api:places"]
