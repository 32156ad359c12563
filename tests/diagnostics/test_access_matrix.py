"""Access matrix of every diagnostics page and API endpoint, GET and POST, for every kind of user.

The public self-diagnostic (start, questions, save, result by code, paper questionnaire) and the published
référentiel answer everyone alike. A person and their diagnostics belong to the structure that follows them: its
members see and act, every other account gets a 404, and an anonymous visitor is sent to the login page. Figures
(statistics) are for structures, coordinators and the national admin; the référentiel editor is for the national
admin only.

Each POST carries data that succeeds for whoever may act, so the matrix proves both sides: the allowed kinds change
the database, the others leave the diagnostics, the people, the versions and the journal exactly as they were.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from cordee.beneficiaries.models import Beneficiary
from cordee.diagnostics import services
from cordee.diagnostics.models import Diagnostic, DiagnosticVersion
from cordee.journal.models import Entry
from cordee.users.tokens import create_api_token
from cordee.www.diagnostics.journey import dump_state
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory, answers
from tests.structures.factories import MembershipFactory, StructureFactory
from tests.user_kinds import USER_KINDS, expect, login_as

pytestmark = pytest.mark.django_db

OK = "ok"  # the action is done: 2xx or 3xx (not to the login page), and the database changed
SCORED = "scored"  # public scoring: 200, and nothing is kept
JSON = {"content_type": "application/json"}

EVERYONE = expect(200, 200, 200, 200, 200, 200, 200)
THE_PERSONS_STRUCTURE = expect(302, 200, 200, 404, 404, 404, 404)
FOLLOWERS = expect(302, 200, 200, 200, 404, 404, 404)  # any member of a structure, for their own people
FIGURES = expect(302, 200, 200, 200, 200, 200, 200)
NATIONAL_ADMIN = expect(302, 404, 404, 404, 404, 404, 200)

#                                             anon member gest elsewhere coord_in coord_out admin
GET_EXPECTATIONS = {
    "api:diagnostic": expect(401, 200, 200, 404, 404, 404, 404),
    "api:diagnostics-referentiel": EVERYONE,
    "www:diagnostics:anonymise": THE_PERSONS_STRUCTURE,
    "www:diagnostics:beneficiary": THE_PERSONS_STRUCTURE,
    "www:diagnostics:beneficiary_create": FOLLOWERS,
    "www:diagnostics:by_code": EVERYONE,
    "www:diagnostics:create": THE_PERSONS_STRUCTURE,
    "www:diagnostics:detail": THE_PERSONS_STRUCTURE,
    "www:diagnostics:index": FOLLOWERS,
    "www:diagnostics:paper": EVERYONE,
    "www:diagnostics:referentiel": NATIONAL_ADMIN,
    "www:diagnostics:start": EVERYONE,
    "www:diagnostics:statistics": FIGURES,
    "www:diagnostics:statistics_csv": FIGURES,
}

#                                             anon member gest elsewhere coord_in coord_out admin
POST_EXPECTATIONS = {
    "api:diagnostics": expect(SCORED, OK, OK, 404, 404, 404, 404),  # stored for the person's structure only
    "www:diagnostics:anonymise": expect(302, OK, OK, 404, 404, 404, 404),
    "www:diagnostics:beneficiary_create": expect(302, OK, OK, 200, 404, 404, 404),  # elsewhere: not their structure
    "www:diagnostics:create": expect(302, OK, OK, 404, 404, 404, 404),
    "www:diagnostics:import": expect(302, OK, OK, 404, 404, 404, 404),
    "www:diagnostics:question": expect(SCORED, SCORED, SCORED, SCORED, SCORED, SCORED, SCORED),
    "www:diagnostics:referentiel": expect(302, 404, 404, 404, 404, 404, OK),
    "www:diagnostics:save": expect(OK, OK, OK, OK, OK, OK, OK),
}


@pytest.fixture
def diagnostic():
    """A diagnostic of a person followed by a structure in Guéret (Creuse) with a médiateur and a gestionnaire."""
    structure = StructureFactory(name="Espace numérique de Guéret")
    MembershipFactory(structure=structure, gestionnaire=True)
    MembershipFactory(structure=structure)
    beneficiary = BeneficiaryFactory(structure=structure, alias="Mme R.")
    return DiagnosticFactory(beneficiary=beneficiary)


def url_of(name, diagnostic):
    person = {"pk": diagnostic.beneficiary_id}
    kwargs = {
        "api:diagnostic": {"pk": diagnostic.pk},
        "www:diagnostics:anonymise": person,
        "www:diagnostics:beneficiary": person,
        "www:diagnostics:create": person,
        "www:diagnostics:import": person,
        "www:diagnostics:detail": {"pk": diagnostic.pk},
    }.get(name, {})
    if name == "www:diagnostics:by_code":
        stored = services.save_self(services.current_version(), answers(), consent=True)
        kwargs = {"code": stored.short_code}
    return reverse(name, kwargs=kwargs)


def signed_in_as(client, kind, diagnostic, name):
    user = login_as(client, kind, diagnostic.structure)
    if user is not None and name.startswith("api"):
        # The API authenticates with tokens; a session alone does not sign a person in there.
        client.logout()
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {create_api_token(user)[1]}"
    return user


def journey_state(version):
    return dump_state(version.code, answers())


def post_data(name, diagnostic):
    """(url, data, options of the request) of a POST that succeeds for whoever may act."""
    url = url_of(name, diagnostic)
    version = services.current_version()
    if name == "api:diagnostics":
        return url, {"answers": answers(), "beneficiary_id": diagnostic.beneficiary_id}, JSON
    if name == "www:diagnostics:beneficiary_create":
        data = {"structure": diagnostic.structure_id, "alias": "M. T.", "consent": "on", "birth_year": "1950"}
        return url, data, {}
    if name == "www:diagnostics:create":
        return url, {f"q_{code}": value for code, value in answers().items()}, {}
    if name == "www:diagnostics:import":
        stored = services.save_self(version, answers(), consent=True)
        return url, {"code": stored.short_code}, {}
    if name == "www:diagnostics:question":
        questions = services.questions_of(version)
        return url, {"state": journey_state(version), "step": len(questions), "action": ""}, {}
    if name == "www:diagnostics:referentiel":
        return url, {"action": "draft", "code": "2026-9"}, {}
    if name == "www:diagnostics:save":
        return url, {"state": journey_state(version), "consent": "on"}, {}
    return url, {}, {}


def database_state():
    """Every row of the diagnostics, their versions, the people and the journal."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in (Diagnostic, DiagnosticVersion, Beneficiary, Entry)
    }


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(GET_EXPECTATIONS))
def test_access_matrix_get(client, diagnostic, name, kind):
    cache.clear()
    url = url_of(name, diagnostic)
    signed_in_as(client, kind, diagnostic, name)

    response = client.get(url)

    assert response.status_code == GET_EXPECTATIONS[name][kind]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("www:accounts:login"))


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(POST_EXPECTATIONS))
def test_access_matrix_post(client, diagnostic, name, kind):
    cache.clear()
    url, data, options = post_data(name, diagnostic)
    signed_in_as(client, kind, diagnostic, name)
    before = database_state()

    response = client.post(url, data, **options)

    expected = POST_EXPECTATIONS[name][kind]
    if expected == OK:
        assert 200 <= response.status_code < 400, response.content[:500]
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("www:accounts:login"))
        assert database_state() != before
        return
    if expected == SCORED:
        assert response.status_code == 200
        assert database_state() == before
        return
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("www:accounts:login"))
    assert database_state() == before
