"""The beneficiary file's pages: access matrix for every kind of user, GET and POST, and what they show and do.

The file belongs to the structure that follows the people: its members see and act; a member of another structure
sees their own structure's file (never this one: naming it is a 404); coordinators and the national admin, who see
figures and never a person, get a 404; an anonymous visitor is sent to the login page.
"""

import csv
import io

import pytest
from django.urls import reverse

from cordee.activities.models import Activity
from cordee.beneficiaries.models import ANONYMISED_ALIAS, Beneficiary
from cordee.journal.models import Entry
from tests.activities.factories import ActivityFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.core.test_tabular import _xlsx_cells
from tests.structures.factories import MembershipFactory, StructureFactory
from tests.territories.factories import CommuneFactory
from tests.user_kinds import USER_KINDS, expect, login_as

pytestmark = pytest.mark.django_db

OK = "ok"
FOLLOWERS = expect(302, 200, 200, 200, 404, 404, 404)  # a member of another structure sees their own file

#                                          anon member gest elsewhere coord_in coord_out admin
GET_EXPECTATIONS = {
    "www:beneficiaries:index": FOLLOWERS,
    "www:beneficiaries:export": FOLLOWERS,
    "www:beneficiaries:duplicates": FOLLOWERS,
    "www:beneficiaries:edit": expect(302, 200, 200, 404, 404, 404, 404),  # one person of the structure
}
THIS_STRUCTURE = expect(302, 200, 200, 404, 404, 404, 404)

#                                          anon member gest elsewhere coord_in coord_out admin
POST_EXPECTATIONS = {
    "www:beneficiaries:merge": expect(302, OK, OK, 404, 404, 404, 404),
    "www:beneficiaries:anonymise": expect(302, OK, OK, 404, 404, 404, 404),
    "www:beneficiaries:edit": expect(302, OK, OK, 404, 404, 404, 404),
}


@pytest.fixture
def structure():
    """A structure in Guéret with a médiateur and a gestionnaire, following two records of the same person."""
    structure = StructureFactory(name="Espace numérique de Guéret")
    MembershipFactory(structure=structure, gestionnaire=True)
    MembershipFactory(structure=structure)
    gueret = CommuneFactory()
    first = BeneficiaryFactory(structure=structure, alias="Mme Régine B.", birth_year=1950, commune=gueret)
    BeneficiaryFactory(structure=structure, alias="mme regine b", birth_year=1950, commune=gueret)
    ActivityFactory(structure=structure, beneficiary=first)
    return structure


def people(structure):
    return list(Beneficiary.objects.filter(structure=structure).order_by("pk"))


def url_of(name, structure):
    if name.endswith(":edit"):
        return reverse(name, args=[people(structure)[0].pk])
    return reverse(name, kwargs={"fmt": "csv"} if name.endswith(":export") else {})


def database_state():
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in (Beneficiary, Activity, Entry)}


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(GET_EXPECTATIONS))
def test_access_matrix_get(client, structure, name, kind):
    login_as(client, kind, structure)

    response = client.get(url_of(name, structure))

    assert response.status_code == GET_EXPECTATIONS[name][kind]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("www:accounts:login"))
    if response.status_code == 200:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert (b"Mme R\xc3\xa9gine B." in content) == (kind in ("member", "gestionnaire"))


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(GET_EXPECTATIONS))
def test_naming_another_structure_is_a_404(client, structure, name, kind):
    login_as(client, kind, structure)

    response = client.get(url_of(name, structure), {"structure": structure.pk})

    assert response.status_code == THIS_STRUCTURE[kind]


def post_data(name, structure):
    first, second = people(structure)
    if name == "www:beneficiaries:merge":
        return {"kept": first.pk, "members": [first.pk, second.pk]}
    if name == "www:beneficiaries:edit":
        return {"gender": "female", "status": "retired"}
    return {"personnes": [first.pk, second.pk], "confirmer": "oui"}


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("name", list(POST_EXPECTATIONS))
def test_access_matrix_post(client, structure, name, kind):
    data = post_data(name, structure)
    login_as(client, kind, structure)
    before = database_state()

    response = client.post(url_of(name, structure), data)

    expected = POST_EXPECTATIONS[name][kind]
    if expected == OK:
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("www:accounts:login"))
        assert database_state() != before
        return
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("www:accounts:login"))
    assert database_state() == before


def test_the_list_searches_and_sorts(client, structure):
    login_as(client, "member", structure)
    quiet = BeneficiaryFactory(structure=structure, alias="Zoé")

    response = client.get(reverse("www:beneficiaries:index"), {"q": "zo"})
    assert [p.pk for p in response.context["page"].object_list] == [quiet.pk]

    response = client.get(reverse("www:beneficiaries:index"), {"tri": "count"})
    listed = [(p.alias, p.accompaniments) for p in response.context["page"].object_list]
    assert listed[0] == ("Mme Régine B.", 1)
    response = client.get(reverse("www:beneficiaries:index"), {"q": f"n° {quiet.pk}"})
    assert [p.pk for p in response.context["page"].object_list] == [quiet.pk]


def test_exports_in_csv_and_xlsx(client, structure):
    login_as(client, "member", structure)

    response = client.get(reverse("www:beneficiaries:export", kwargs={"fmt": "csv"}), {"tri": "count"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["numéro", "pseudonyme"]
    assert [row[1] for row in rows[1:]] == ["Mme Régine B.", "mme regine b"]
    assert rows[1][8] == "1"

    response = client.get(reverse("www:beneficiaries:export", kwargs={"fmt": "xlsx"}))
    cells = _xlsx_cells(response.content)
    assert cells["B1"] == ("s", "pseudonyme") and "B3" in cells and "B4" not in cells
    assert client.get(reverse("www:beneficiaries:export", kwargs={"fmt": "pdf"})).status_code == 404


def test_duplicates_are_offered_and_merged_without_javascript(client, structure):
    login_as(client, "member", structure)
    first, second = people(structure)

    page = client.get(reverse("www:beneficiaries:duplicates"))
    assert [[p.pk for p in group] for group in page.context["groups"]] == [[first.pk, second.pk]]

    response = client.post(reverse("www:beneficiaries:merge"), {"kept": second.pk, "members": [first.pk, second.pk]})

    assert response.status_code == 302
    assert people(structure) == [second]
    assert Activity.objects.get().beneficiary == second


def test_a_merge_must_keep_one_of_the_group(client, structure):
    login_as(client, "member", structure)
    first, second = people(structure)
    other = BeneficiaryFactory(structure=structure)

    client.post(reverse("www:beneficiaries:merge"), {"kept": other.pk, "members": [first.pk, second.pk]})

    assert len(people(structure)) == 3


def test_bulk_anonymisation_asks_for_confirmation(client, structure):
    login_as(client, "member", structure)
    first, second = people(structure)

    response = client.post(reverse("www:beneficiaries:anonymise"), {"personnes": [first.pk]})
    assert response.status_code == 200
    assert "Anonymiser 1 personne" in response.content.decode()
    first.refresh_from_db()
    assert not first.is_anonymised

    client.post(reverse("www:beneficiaries:anonymise"), {"personnes": [first.pk], "confirmer": "oui"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.alias == ANONYMISED_ALIAS and not second.is_anonymised
    listed = client.get(reverse("www:beneficiaries:index")).context["page"].object_list
    assert [p.pk for p in listed] == [second.pk]
    listed = client.get(reverse("www:beneficiaries:index"), {"anonymisees": "on"}).context["page"].object_list
    assert sorted(p.pk for p in listed) == [first.pk, second.pk]


def test_a_member_of_two_structures_chooses_the_file(client, structure):
    user = login_as(client, "member", structure)
    other = MembershipFactory(user=user, structure=StructureFactory(name="Médiathèque de Guéret")).structure
    theirs = BeneficiaryFactory(structure=other, alias="M. Autre")

    response = client.get(reverse("www:beneficiaries:index"), {"structure": other.pk})

    assert [p.pk for p in response.context["page"].object_list] == [theirs.pk]
    assert response.context["form"]["structure"].value() == other.pk
    assert 'name="structure"' in response.content.decode()


def test_the_person_page_links_to_the_edit_form_which_saves_gender_and_status(client, structure):
    person = people(structure)[0]
    login_as(client, "member", structure)
    page = client.get(reverse("www:diagnostics:beneficiary", args=[person.pk])).content.decode()
    assert reverse("www:beneficiaries:edit", args=[person.pk]) in page

    form = client.get(reverse("www:beneficiaries:edit", args=[person.pk])).context["form"]
    assert form.initial == {"gender": "unknown", "status": "unknown"}
    refused = client.post(reverse("www:beneficiaries:edit", args=[person.pk]), {"gender": "x", "status": "retired"})
    assert refused.status_code == 400
    response = client.post(
        reverse("www:beneficiaries:edit", args=[person.pk]), {"gender": "male", "status": "retired"}
    )
    assert response["Location"] == reverse("www:diagnostics:beneficiary", args=[person.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Genre : masculin." in page and "Situation : retraité." in page
