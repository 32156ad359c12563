from html import unescape

import pytest
from django.urls import reverse

from cordee.journal.models import Entry
from cordee.structures.enums import MembershipRole
from cordee.structures.models import Membership, Structure
from tests.snapshots import sql_queries
from tests.structures.factories import (
    CoordinatorScopeFactory,
    InvitationFactory,
    MembershipFactory,
    StructureFactory,
)
from tests.territories.factories import CommuneFactory
from tests.user_kinds import USER_KINDS, login_as
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure():
    """A structure in Guéret (Creuse) with one gestionnaire and one médiateur."""
    structure = StructureFactory(name="Espace numérique de Guéret", with_siret=True)
    MembershipFactory(structure=structure, gestionnaire=True, user__email="gestion@gueret.fr")
    MembershipFactory(structure=structure, user__email="mediation@gueret.fr")
    return structure


def assert_redirects_to_login(response, url):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("www:accounts:login"))
    assert "next=" in response["Location"]


def member_of(structure, role=MembershipRole.MEDIATEUR):
    return structure.memberships.get(role=role)


# --- access matrix ---------------------------------------------------------------------------------

VIEW_EXPECTATIONS = {
    "list": dict(zip(USER_KINDS, [302, 200, 200, 200, 200, 200, 200], strict=True)),
    "detail": dict(zip(USER_KINDS, [302, 200, 200, 403, 200, 403, 200], strict=True)),
    "edit": dict(zip(USER_KINDS, [302, 403, 200, 403, 403, 403, 200], strict=True)),
    "member_invite": dict(zip(USER_KINDS, [302, 403, 200, 403, 403, 403, 200], strict=True)),
    "member_role": dict(zip(USER_KINDS, [302, 403, 200, 403, 403, 403, 200], strict=True)),
    "member_remove": dict(zip(USER_KINDS, [302, 403, 200, 403, 403, 403, 200], strict=True)),
}


def view_url(name, structure):
    if name == "list":
        return reverse("www:structures:list")
    if name in ("member_role", "member_remove"):
        membership = member_of(structure)
        return reverse(f"www:structures:{name}", kwargs={"pk": structure.pk, "membership_pk": membership.pk})
    return reverse(f"www:structures:{name}", kwargs={"pk": structure.pk})


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("view_name", list(VIEW_EXPECTATIONS))
def test_access_matrix_get(client, structure, view_name, kind):
    login_as(client, kind, structure)
    url = view_url(view_name, structure)
    response = client.get(url)
    expected = VIEW_EXPECTATIONS[view_name][kind]
    if expected == 302:
        assert_redirects_to_login(response, url)
    else:
        assert response.status_code == expected


REFUSED_WRITES = [
    (view_name, kind)
    for view_name in ["edit", "member_invite", "member_role", "member_remove"]
    for kind in USER_KINDS
    if VIEW_EXPECTATIONS[view_name][kind] != 200
]


@pytest.mark.parametrize("view_name,kind", REFUSED_WRITES)
def test_access_matrix_post_changes_nothing_when_refused(client, structure, view_name, kind):
    """Allowed writes are covered by the dedicated tests below."""
    expected = VIEW_EXPECTATIONS[view_name][kind]
    login_as(client, kind, structure)
    entries_before = Entry.objects.count()
    response = client.post(
        view_url(view_name, structure),
        {"role": MembershipRole.GESTIONNAIRE, "email": "x@exemple.fr", "name": "Piraté"},
    )
    assert response.status_code == expected
    assert Entry.objects.count() == entries_before
    assert Structure.objects.get(pk=structure.pk).name == "Espace numérique de Guéret"
    assert member_of(structure).is_active


@pytest.mark.parametrize("kind", USER_KINDS)
def test_invitation_accept_access(client, structure, kind):
    invitation = InvitationFactory(structure=structure)
    from cordee.structures.services import invitation_token

    login_as(client, kind, structure)
    response = client.get(reverse("www:structures:invitation_accept", kwargs={"token": invitation_token(invitation)}))
    # Public page; a signed-in person with another address is told the invitation is not theirs.
    assert response.status_code == (200 if kind == "anonymous" else 403)


# --- pages -----------------------------------------------------------------------------------------


def test_list_shows_my_structures_and_territory(client, structure):
    user = member_of(structure).user
    client.force_login(user)
    html = unescape(client.get(reverse("www:structures:list")).content.decode())
    assert "Espace numérique de Guéret" in html
    assert "Médiateur numérique" in html
    assert "Les structures de votre territoire" not in html

    coordinator = CoordinatorScopeFactory().user
    StructureFactory(name="Tiers-lieu de Marseille", in_marseille=True)
    client.force_login(coordinator)
    html = unescape(client.get(reverse("www:structures:list")).content.decode())
    assert "Les structures de votre territoire" in html
    assert "Espace numérique de Guéret" in html
    assert "Tiers-lieu de Marseille" not in html


def test_detail_shows_information_and_members(client, structure):
    client.force_login(member_of(structure).user)
    html = unescape(client.get(reverse("www:structures:detail", kwargs={"pk": structure.pk})).content.decode())
    assert "13002526500013" in html
    assert "Guéret" in html
    assert "Gestionnaire de structure" in html
    assert "Médiateur numérique" in html
    assert "Inviter une personne" not in html  # a médiateur does not manage members


def test_detail_for_gestionnaire_shows_management_links(client, structure):
    client.force_login(member_of(structure, MembershipRole.GESTIONNAIRE).user)
    InvitationFactory(structure=structure, email="attente@exemple.fr")
    html = unescape(client.get(reverse("www:structures:detail", kwargs={"pk": structure.pk})).content.decode())
    assert "Inviter une personne" in html
    assert "Modifier les informations" in html
    assert "attente@exemple.fr" in html


def test_unknown_structure_is_404(client, structure):
    client.force_login(UserFactory(national_admin=True))
    assert client.get(reverse("www:structures:detail", kwargs={"pk": structure.pk + 1000})).status_code == 404


# --- edit --------------------------------------------------------------------------------------------


def edit_data(**overrides):
    data = {
        "name": "Espace numérique de Guéret (nouveau nom)",
        "kind": "association",
        "siret": "130 025 265 00013",
        "rna": "w231000012",
        "address": "2 rue de la Mairie",
        "postal_code": "23000",
        "commune_name": "gueret",
        "email": "contact@exemple.fr",
        "phone": "05 55 00 00 00",
    }
    data.update(overrides)
    return data


def test_edit_saves_and_journals(client, structure):
    client.force_login(member_of(structure, MembershipRole.GESTIONNAIRE).user)
    url = reverse("www:structures:edit", kwargs={"pk": structure.pk})
    response = client.post(url, edit_data())
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.name == "Espace numérique de Guéret (nouveau nom)"
    assert structure.siret == "13002526500013"
    assert structure.rna == "W231000012"
    entry = Entry.objects.get(action="structures.structure.updated")
    assert entry.details == {"fields": ["address", "email", "name", "phone", "rna"]}
    assert "contact@exemple.fr" not in str(entry.details)


def test_edit_moves_to_another_commune_found_by_postal_code(client, structure):
    lille = CommuneFactory(lille=True)
    client.force_login(member_of(structure, MembershipRole.GESTIONNAIRE).user)
    url = reverse("www:structures:edit", kwargs={"pk": structure.pk})
    response = client.post(url, edit_data(postal_code="59000", commune_name="Lille"))
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.commune == lille


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("siret", "13002526500014", "SIRET invalide : ce SIRET n'existe pas : sa clé de contrôle est fausse"),
        ("siret", "1300252650001", "SIRET invalide : un SIRET compte exactement 14 chiffres"),
        ("rna", "W12345", "Numéro RNA invalide : il commence par W suivi de 9 chiffres"),
        ("postal_code", "2300", "Code postal invalide"),
        ("commune_name", "Limoges", "Nous ne trouvons pas la commune « Limoges » avec le code postal 23000"),
        ("name", "", "Ce champ est obligatoire"),
    ],
)
def test_edit_refuses_bad_input_with_clear_message(client, structure, field, value, message):
    client.force_login(member_of(structure, MembershipRole.GESTIONNAIRE).user)
    url = reverse("www:structures:edit", kwargs={"pk": structure.pk})
    response = client.post(url, edit_data(**{field: value}))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert message in html
    assert 'aria-invalid="true"' in html
    assert f'aria-describedby="id_{field}' in html
    structure.refresh_from_db()
    assert structure.name == "Espace numérique de Guéret"
    assert not Entry.objects.filter(action="structures.structure.updated").exists()


def test_edit_allows_empty_siret_and_rna(client, structure):
    client.force_login(member_of(structure, MembershipRole.GESTIONNAIRE).user)
    url = reverse("www:structures:edit", kwargs={"pk": structure.pk})
    assert client.post(url, edit_data(siret="", rna="")).status_code == 302
    structure.refresh_from_db()
    assert (structure.siret, structure.rna) == ("", "")


def test_edit_refuses_siret_of_another_structure(client, structure):
    StructureFactory(siret="21230096500010")
    client.force_login(member_of(structure, MembershipRole.GESTIONNAIRE).user)
    url = reverse("www:structures:edit", kwargs={"pk": structure.pk})
    response = client.post(url, edit_data(siret="21230096500010"))
    assert response.status_code == 200
    assert "Une autre structure de Cordée a déjà ce SIRET" in unescape(response.content.decode())


# --- members -----------------------------------------------------------------------------------------


def test_change_role(client, structure):
    client.force_login(member_of(structure, MembershipRole.GESTIONNAIRE).user)
    membership = member_of(structure)
    url = reverse("www:structures:member_role", kwargs={"pk": structure.pk, "membership_pk": membership.pk})
    response = client.post(url, {"role": MembershipRole.CONSEILLER_NUMERIQUE})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == MembershipRole.CONSEILLER_NUMERIQUE
    entry = Entry.objects.get(action="structures.membership.role_changed")
    assert entry.details == {
        "membership_id": membership.pk,
        "previous_role": "mediateur",
        "role": "conseiller_numerique",
    }


def test_last_gestionnaire_cannot_demote_themselves(client, structure):
    gestionnaire = member_of(structure, MembershipRole.GESTIONNAIRE)
    client.force_login(gestionnaire.user)
    url = reverse("www:structures:member_role", kwargs={"pk": structure.pk, "membership_pk": gestionnaire.pk})
    response = client.post(url, {"role": MembershipRole.MEDIATEUR})
    assert response.status_code == 200
    assert "dernier gestionnaire" in unescape(response.content.decode())
    gestionnaire.refresh_from_db()
    assert gestionnaire.role == MembershipRole.GESTIONNAIRE


def test_remove_member(client, structure):
    client.force_login(member_of(structure, MembershipRole.GESTIONNAIRE).user)
    membership = member_of(structure)
    url = reverse("www:structures:member_remove", kwargs={"pk": structure.pk, "membership_pk": membership.pk})
    assert "n'aura plus accès" in unescape(client.get(url).content.decode())
    response = client.post(url)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    assert Entry.objects.filter(action="structures.membership.removed").count() == 1
    # Removed: the page of the membership is gone, and the person no longer sees the structure.
    assert client.get(url).status_code == 404
    client.force_login(membership.user)
    assert client.get(reverse("www:structures:detail", kwargs={"pk": structure.pk})).status_code == 403


def test_last_gestionnaire_cannot_be_removed(client, structure):
    gestionnaire = member_of(structure, MembershipRole.GESTIONNAIRE)
    client.force_login(UserFactory(national_admin=True))
    url = reverse("www:structures:member_remove", kwargs={"pk": structure.pk, "membership_pk": gestionnaire.pk})
    response = client.post(url)
    assert response.status_code == 400
    assert "dernier gestionnaire" in unescape(response.content.decode())
    assert Membership.objects.get(pk=gestionnaire.pk).is_active


# --- number of queries (guards against N+1) -------------------------------------------------------


def test_pages_queries_do_not_grow_with_members(client, structure, sql_snapshot):
    gestionnaire = member_of(structure, MembershipRole.GESTIONNAIRE).user
    client.force_login(gestionnaire)
    for index in range(5):
        MembershipFactory(user=gestionnaire, structure=StructureFactory(name=f"Autre structure {index}"))
    detail = reverse("www:structures:detail", kwargs={"pk": structure.pk})
    with sql_queries() as few:
        client.get(detail)
    MembershipFactory.create_batch(15, structure=structure)
    with sql_queries() as many:
        assert client.get(detail).status_code == 200
    assert many == few
    assert few == sql_snapshot(name="detail")
    with sql_queries() as listing:
        html = unescape(client.get(reverse("www:structures:list")).content.decode())
    assert listing == sql_snapshot(name="list")
    assert "Autre structure 4" in html
