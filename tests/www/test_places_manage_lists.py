"""The places management list (search, filters, sort, export), and the pages that used to lead nowhere."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse

from cordee.places.enums import QualificationState
from cordee.places.models import PlaceReport, QualityCriterion
from cordee.structures.enums import MembershipRole
from tests.places.factories import PlaceFactory
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db
LIST = reverse("www:places_manage:territory")


@pytest.fixture
def structure():
    return StructureFactory(name="Espace numérique de Guéret")


@pytest.fixture
def places(structure):
    return {
        "fresh": PlaceFactory(name="Médiathèque", structure=structure, source_updated_on=dt.date.today()),
        "stale": PlaceFactory(name="Mairie annexe", structure=structure, source_updated_on=dt.date(2020, 1, 1)),
        "orphan": PlaceFactory(
            name="Tiers-lieu", source_name="dora", source_updated_on=dt.date(2020, 1, 1), structure=None
        ),
        "qualified": PlaceFactory(
            name="France services", qualification_state=QualificationState.QUALIFIED, source_updated_on=dt.date.today()
        ),
        "marseille": PlaceFactory(name="Lieu de Marseille", in_marseille=True),
    }


def names(response):
    return re.findall(r'href="/gestion/lieux/\d+/">([^<]+)</a>', unescape(response.content.decode()))


def test_the_national_admin_lists_every_place(client, places):
    client.force_login(UserFactory(national_admin=True))
    response = client.get(LIST)
    assert response.status_code == 200
    assert len(names(response)) == 5
    assert "Tous les lieux" in response.content.decode()


def test_a_coordinator_lists_their_territory_only(client, places):
    client.force_login(CoordinatorScopeFactory().user)
    assert "Lieu de Marseille" not in names(client.get(LIST))


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"q": "mediatheque"}, ["Médiathèque"]),
        ({"source": "dora"}, ["Tiers-lieu"]),
        ({"qualification": "qualified"}, ["France services"]),
        ({"fraicheur": "a_mettre_a_jour"}, ["Mairie annexe"]),
        ({"a_mettre_a_jour": "1"}, ["Mairie annexe"]),  # older links
        ({"structure": "aucune", "tri": "nom"}, ["France services", "Tiers-lieu"]),
        ({"departement": "23", "q": "tiers"}, ["Tiers-lieu"]),
        ({"departement": "13"}, ["France services", "Mairie annexe", "Médiathèque", "Tiers-lieu"]),  # not theirs
        ({"tri": "maj_ancienne", "structure": "STRUCTURE"}, ["Mairie annexe", "Médiathèque"]),
    ],
)
def test_filters_and_sort(client, places, structure, params, expected):
    client.force_login(CoordinatorScopeFactory().user)
    params = {key: str(structure.pk) if value == "STRUCTURE" else value for key, value in params.items()}
    assert names(client.get(LIST, params)) == expected


def test_the_stale_badge_agrees_with_the_filter(client, places):
    """A place without structure is not "to update" (nobody is reminded for it): neither badge nor filter."""
    client.force_login(CoordinatorScopeFactory().user)
    badge = '<p class="fr-badge fr-badge--warning">À mettre à jour</p>'
    html = unescape(client.get(LIST, {"q": "tiers"}).content.decode())
    assert "Tiers-lieu" in html and badge not in html
    html = unescape(client.get(LIST, {"q": "mairie"}).content.decode())
    assert badge in html


def test_the_selection_is_exported(client, places):
    client.force_login(CoordinatorScopeFactory().user)
    html = client.get(LIST, {"source": "dora"}).content.decode()
    assert "source=dora&amp;format=csv" in html
    response = client.get(LIST, {"source": "dora", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert "Tiers-lieu" in body and "Médiathèque" not in body


def test_pagination_keeps_the_filters_and_offers_the_last_page(client, structure):
    for number in range(55):
        PlaceFactory(name=f"Lieu {number:02}", structure=structure)
    client.force_login(UserFactory(national_admin=True))
    html = unescape(client.get(LIST, {"structure": structure.pk}).content.decode())
    assert f"?page=2&structure={structure.pk}" in html
    assert "Dernière page" in html


def test_the_list_makes_the_same_queries_whatever_the_page_size(client, structure, django_assert_max_num_queries):
    for number in range(30):
        PlaceFactory(name=f"Lieu {number:02}", structure=structure)
    client.force_login(CoordinatorScopeFactory().user)
    with django_assert_max_num_queries(15):
        client.get(LIST)


# --- Dead ends --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who,shown",
    [("gestionnaire", True), ("mediateur", True), ("aiguilleur", False), ("anonymous", False), ("elsewhere", False)],
)
def test_the_public_page_offers_to_manage_the_place_to_whoever_may(client, structure, who, shown):
    place = PlaceFactory(structure=structure)
    if who == "elsewhere":
        client.force_login(CoordinatorScopeFactory(nord=True).user)
    elif who != "anonymous":
        client.force_login(MembershipFactory(structure=structure, role=who).user)
    html = client.get(reverse("www:places:detail", kwargs={"pk": place.pk})).content.decode()
    assert ("Gérer cette fiche" in html) is shown
    if shown:
        assert client.get(reverse("www:places_manage:detail", kwargs={"pk": place.pk})).status_code == 200


def test_a_mediateur_edits_the_hours_with_a_form_of_the_practical_fields_only(client, structure):
    place = PlaceFactory(structure=structure, name="Médiathèque", source_updated_on=dt.date(2020, 1, 1))
    client.force_login(MembershipFactory(structure=structure, role=MembershipRole.MEDIATEUR).user)
    url = reverse("www:places_manage:edit", kwargs={"pk": place.pk})
    form = client.get(url).context["form"]
    assert "name" not in form.fields and "address" not in form.fields and "phones" in form.fields

    response = client.post(url, {"hours_mode": "expert", "opening_hours": "Mo 09:00-12:00", "name": "Pirate"})

    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.opening_hours, place.name, place.source_updated_on) == (
        "Mo 09:00-12:00",
        "Médiathèque",
        dt.date.today(),
    )


def test_an_invalid_form_focuses_its_error_summary_which_names_each_field_once(client, structure):
    place = PlaceFactory(structure=structure)
    client.force_login(MembershipFactory(structure=structure, role=MembershipRole.MEDIATEUR).user)
    url = reverse("www:places_manage:edit", kwargs={"pk": place.pk})

    response = client.post(url, {"hours_mode": "grid", "hours_Mo_open1": "12:00", "hours_Mo_close1": "09:00"})

    html = unescape(response.content.decode())
    summary = re.search(r'<div class="fr-alert fr-alert--error[^>]*>', html).group(0)
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    item = re.search(r'<a href="#id_hours_Mo_open1">(.*?)</a> : (.*?)\n', html)
    assert item.group(1) == "Lundi : ouverture"
    assert "Lundi" not in item.group(2)


def test_the_report_queue_shows_the_report_then_links_to_the_place_and_its_form(client, structure):
    place = PlaceFactory(structure=structure, name="Médiathèque")
    PlaceReport.objects.create(place=place, kind="wrong_hours", message="Fermé le mercredi")
    client.force_login(MembershipFactory(structure=structure, gestionnaire=True).user)

    html = unescape(client.get(reverse("www:places_manage:report_queue")).content.decode())

    message = html.index("Fermé le mercredi")
    public = html.index(f'href="{reverse("www:places:detail", kwargs={"pk": place.pk})}"')
    edit = html.index(f'href="{reverse("www:places_manage:edit", kwargs={"pk": place.pk})}"')
    actions = html.index('name="decision"')
    assert message < public < edit < actions


@pytest.mark.parametrize("with_structure", [True, False])
def test_the_thank_you_page_names_only_a_structure_the_place_has(client, structure, with_structure):
    place = PlaceFactory(structure=structure if with_structure else None)
    html = unescape(client.get(reverse("www:place_reports:thanks", kwargs={"pk": place.pk})).content.decode())
    assert ("Espace numérique de Guéret" in html) is with_structure
    assert ("La structure qui gère" in html) is False
    assert ("coordination numérique du territoire" in html) is not with_structure


def test_the_criteria_table_follows_the_order_of_the_referential(client):
    QualityCriterion.objects.create(label="Zéro d'abord", code="zero", order=0)
    QualityCriterion.objects.filter(code="mediateur-forme").update(order=999)
    client.force_login(UserFactory(national_admin=True))
    html = unescape(client.get(reverse("www:places_manage:criterion_list")).content.decode())
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>", html)
    assert [int(order) for order in rows] == sorted(int(order) for order in rows)
    assert rows[0] == "0" and rows[-1] == "999"


@pytest.mark.parametrize("with_structure", [True, False])
def test_the_place_page_says_to_update_by_the_same_rule_as_the_list(client, structure, with_structure):
    place = PlaceFactory(structure=structure if with_structure else None, source_updated_on=dt.date(2020, 1, 1))
    client.force_login(UserFactory(national_admin=True))
    html = unescape(client.get(reverse("www:places_manage:detail", kwargs={"pk": place.pk})).content.decode())
    listed = place.name in names(client.get(LIST, {"fraicheur": "a_mettre_a_jour"}))
    assert listed is with_structure
    assert ('<h2 class="fr-alert__title">À mettre à jour</h2>' in html) is listed
