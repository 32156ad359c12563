import datetime as dt
import json
import re
from html import escape, unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from cordee.places import enums
from cordee.territories.models import PostalCode
from cordee.www.places.presentation import distance_text, phone_text
from cordee.www.places.where import resolve
from tests.places.factories import PlaceFactory
from tests.territories.factories import CommuneFactory, DepartementFactory, RegionFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/lieux/"
GUERET = (46.17199, 1.87148)


@pytest.fixture
def monday_10am(monkeypatch):
    """Monday 2 June 2025, 10:00 in Paris (no freezegun: the opening_hours extension keeps the first datetime
    class it meets)."""
    moment = dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    return moment


@pytest.fixture
def gueret():
    return CommuneFactory()


def at(north_km, **kwargs):
    """A place in Guéret's commune, ``north_km`` kilometres north of its centre."""
    return PlaceFactory(latitude=GUERET[0] + north_km / 111.195, longitude=GUERET[1], **kwargs)


def text_of(response):
    html = unescape(response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def result_names(response):
    html = unescape(response.content.decode())
    return re.findall(r'<h3 class="fr-h5 fr-mb-1v">\s*<a href="/lieux/\d+/">([^<]+)</a>', html)


# The page ---------------------------------------------------------------------------------------------------


def test_url_is_the_one_of_the_menu():
    assert reverse("www:places:search") == URL
    assert reverse("www:places:detail", args=[3]) == "/lieux/3/"


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonyme", "connecte"])
def test_search_page_is_public(client, logged_in):
    if logged_in:
        client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code == 200
    text = text_of(response)
    assert "Trouver un lieu" in text
    assert "Où ?" in text
    assert "Résultats" not in text  # nothing searched yet, nothing to announce


def test_home_and_menu_link_to_the_search(client):
    html = client.get(reverse("www:home")).content.decode()
    assert f'href="{URL}"' in html
    assert 'href="/bientot/trouver-un-lieu/"' not in html


# Results without JavaScript ---------------------------------------------------------------------------------


def test_results_in_distance_order_with_distances_and_count(client, gueret, monday_10am):
    at(12.0, name="Loin", with_hours=True)
    at(2.4, name="Proche", pass_numerique=True, qualified=True)
    at(0.35, name="Tout près", with_hours=True)
    at(30.0, name="Hors rayon")
    PlaceFactory(in_lille=True, name="À Lille")

    response = client.get(URL, {"ou": "Guéret"})

    assert response.status_code == 200
    assert result_names(response) == ["Tout près", "Proche", "Loin"]
    text = text_of(response)
    assert "3 lieux à moins de 20 km de Guéret" in text
    assert re.search(r"à 350 m · 1 avenue|à 350 m · \d+ avenue", text)
    assert "à 2,4 km" in text
    assert "à 12 km" in text
    assert "Ouvert maintenant" in text
    assert "Horaires non renseignés" in text
    assert "Accepte le Pass numérique" in text
    assert "Lieu qualifié" in text
    assert "Aide aux démarches administratives" in text
    html = response.content.decode()
    assert 'role="status"' in html
    assert "<title>" in html and "3 lieux à moins de 20 km de Guéret — Trouver un lieu" in unescape(html)


def test_map_markers_are_a_json_script_and_no_inline_script(client, gueret, settings):
    settings.MAP_TILE_URL = ""
    place = at(1.0, name="Médiathèque")
    response = client.get(URL, {"ou": "23000"})
    html = response.content.decode()
    match = re.search(r'<script id="places-markers" type="application/json">(.*?)</script>', html, re.S)
    data = json.loads(match.group(1))
    assert data["center"] == [GUERET[0], GUERET[1]]
    assert data["places"] == [
        {
            "name": "Médiathèque",
            "lat": place.latitude,
            "lon": place.longitude,
            "url": f"/lieux/{place.pk}/",
            "address": place.address,
        }
    ]
    assert "data-cordee-map" in html
    assert "fond uni" in text_of(response)
    # Every script is a file with the page's nonce, or data.
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag
        assert "src=" not in tag or "nonce=" in tag
    assert "unpkg" not in html and "cdn" not in html.lower()


def test_radius_and_filters(client, gueret, monday_10am):
    at(1.0, name="Gratuit et Pass", pass_numerique=True, fees=[enums.Fee.GRATUIT.value])
    at(2.0, name="Payant", fees=[enums.Fee.PAYANT.value], with_hours=True)
    at(3.0, name="Ateliers", support_modes=[enums.SupportMode.ATELIER_COLLECTIF.value], qualified=True)
    at(8.0, name="À 8 km", pass_numerique=True)

    def names(**params):
        return result_names(client.get(URL, {"ou": "Guéret", **params}))

    assert names(radius_km="5") == ["Gratuit et Pass", "Payant", "Ateliers"]
    assert names(pass_numerique="on") == ["Gratuit et Pass", "À 8 km"]
    assert names(frais=enums.Fee.PAYANT.value) == ["Payant"]
    assert names(modalites_accompagnement=enums.SupportMode.ATELIER_COLLECTIF.value) == ["Ateliers"]
    assert names(qualified="on") == ["Ateliers"]
    assert names(when="maintenant") == ["Payant"]
    # Monday 2 June 2025 at 15:00 the weekday hours are open; on Sunday they are not.
    assert names(when="le", open_date="2025-06-02", open_time="15:00") == ["Payant"]
    assert names(when="le", open_date="2025-06-08", open_time="15:00") == []
    response = client.get(URL, {"ou": "Guéret", "when": "le", "open_date": "2025-06-02", "open_time": "15:00"})
    assert "Ouvert le lundi 2 juin à 15 h" in text_of(response)
    assert names(services=enums.Service.AIDE_DEMARCHES.value, publics=enums.Public.SENIORS.value) == []


def filters_panel(html):
    return re.search(r'<details class="cordee-filters fr-mt-2w"\s+id="plus-de-criteres"\s*(open)?>', html)


def test_filters_stay_checked_but_close_to_show_results_first(client, gueret):
    at(1.0, pass_numerique=True)
    html = client.get(URL, {"ou": "Guéret", "pass_numerique": "on", "radius_km": "50"}).content.decode()
    assert filters_panel(html).group(1) is None  # closed: the results come first
    assert re.search(r'name="pass_numerique"[^>]*checked', html)
    assert re.search(r'<option value="50" selected>', html)
    # Open again when a criterion is wrong, so that the person sees why.
    html = client.get(URL, {"ou": "Guéret", "when": "le", "open_time": "10:00"}).content.decode()
    assert filters_panel(html).group(1) == "open"
    html = client.get(URL, {"ou": "Guéret"}).content.decode()
    assert filters_panel(html).group(1) is None
    # Without a distance in the address (a link, the filters' button), the default one stays selected.
    assert '<option value="20" selected>' in html
    assert "Où ? (facultatif)" not in unescape(html)


def test_no_result_says_so(client, gueret):
    response = client.get(URL, {"ou": "Guéret"})
    assert "Aucun lieu à moins de 20 km de Guéret" in text_of(response)
    assert "Essayez une distance plus grande" in text_of(response)


def test_around_my_position(client, gueret):
    at(1.0, name="Proche de moi")
    response = client.get(URL, {"ou": "", "lat": "46.18", "lon": "1.87"})
    assert result_names(response) == ["Proche de moi"]
    assert "1 lieu à moins de 20 km de votre position" in text_of(response)


# Errors -----------------------------------------------------------------------------------------------------


def errors_near(html, field_id):
    match = re.search(rf'id="{field_id}-errors">(.*?)</div>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def test_nothing_to_search_around(client):
    response = client.get(URL, {"ou": ""})
    html = response.content.decode()
    assert "Indiquez une commune, un code postal ou une adresse" in errors_near(html, "id_ou")
    assert 'aria-invalid="true"' in html
    assert "<title>" in html and "Erreur — Trouver un lieu" in unescape(html)


def test_unknown_commune_and_postal_code(client, gueret):
    html = client.get(URL, {"ou": "Zzzyville"}).content.decode()
    assert "Nous n'avons trouvé aucune commune nommée « Zzzyville »" in errors_near(html, "id_ou")
    html = client.get(URL, {"ou": "99999"}).content.decode()
    assert "Aucune commune n'a le code postal 99999" in errors_near(html, "id_ou")


def test_bad_parameters_are_shown_next_to_their_fields(client, gueret):
    html = client.get(
        URL, {"ou": "Guéret", "radius_km": "7", "services": "Réparer des vélos", "when": "le", "open_time": "25:99"}
    ).content.decode()
    assert "Choisissez une distance de la liste" in errors_near(html, "id_radius_km")
    assert "« Réparer des vélos » ne fait pas partie des choix" in errors_near(html, "id_services")
    assert "Indiquez le jour" in errors_near(html, "id_open_date")
    assert "Indiquez une heure" in errors_near(html, "id_open_time")
    assert "Le formulaire contient des erreurs" in unescape(html)


def test_domain_errors_go_to_the_right_field(client, gueret, monkeypatch):
    from cordee.places.search import SearchError

    def refuse(params):
        raise SearchError({"open_at": "date impossible", "radius_km": "trop loin"})

    monkeypatch.setattr("cordee.www.places.views.parse_query", refuse)
    html = client.get(URL, {"ou": "Guéret"}).content.decode()
    assert errors_near(html, "id_open_date") == "date impossible"
    assert errors_near(html, "id_radius_km") == "trop loin"


# Pagination and HTMX ----------------------------------------------------------------------------------------


def test_pagination_keeps_the_filters(client, gueret):
    for index in range(45):
        at(0.1 * (index + 1), name=f"Lieu {index:02d}", pass_numerique=True)
    params = {"ou": "Guéret", "pass_numerique": "on", "radius_km": "10"}

    first = client.get(URL, params)
    assert result_names(first) == [f"Lieu {index:02d}" for index in range(20)]
    assert "45 lieux à moins de 10 km de Guéret" in text_of(first)
    html = unescape(first.content.decode())
    links = re.findall(r'<a class="fr-pagination__link[^"]*"\s+href="([^"]+)"', html)
    assert links
    for link in links:
        query = parse_qs(urlsplit(link).query)
        assert query["ou"] == ["Guéret"]
        assert query["pass_numerique"] == ["on"]
        assert query["radius_km"] == ["10"]
    next_link = re.search(r'fr-pagination__link--next[^"]*"\s+href="([^"]+)"', html).group(1)

    third = client.get(next_link.replace("page=2", "page=3"))
    assert result_names(third) == [f"Lieu {index:02d}" for index in range(40, 45)]
    assert 'start="41"' in third.content.decode()
    assert "page 3 sur 3" in text_of(third)


def test_htmx_gets_only_the_results(client, gueret):
    at(1.0, name="Médiathèque")
    response = client.get(URL, {"ou": "Guéret", "page": "1"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert result_names(response) == ["Médiathèque"]
    assert "<html" not in html
    assert "<form" not in html
    assert 'id="places-markers"' in html


def test_htmx_with_an_error_gets_the_whole_page(client):
    response = client.get(URL, {"ou": ""}, headers={"HX-Request": "true"})
    assert "<html" in response.content.decode()


# Where: postal codes, homonyms, addresses -------------------------------------------------------------------


@pytest.fixture
def saint_denis():
    idf = RegionFactory(code="11", name="Île-de-France")
    reunion = RegionFactory(code="04", name="La Réunion")
    return [
        CommuneFactory(
            code_insee="93066",
            name="Saint-Denis",
            departement=DepartementFactory(code="93", name="Seine-Saint-Denis", region=idf),
            population=113000,
            latitude=48.93,
            longitude=2.35,
            postal_codes="93200|93210",
        ),
        CommuneFactory(
            code_insee="97411",
            name="Saint-Denis",
            departement=DepartementFactory(code="974", name="La Réunion", region=reunion),
            population=153000,
            latitude=-20.88,
            longitude=55.45,
            postal_codes="97400",
        ),
        CommuneFactory(
            code_insee="11339",
            name="Saint-Denis-de-Lyon",
            departement=DepartementFactory(code="11", name="Aude", region=RegionFactory(code="76", name="Occitanie")),
            population=400,
            latitude=43.2,
            longitude=2.2,
            postal_codes="11000",
        ),
    ]


def test_postal_code_finds_the_commune(gueret):
    where = resolve("23000")
    assert where.commune == gueret
    assert (where.lat, where.lon) == GUERET
    assert where.notice == ""


def test_postal_code_shared_by_several_communes_takes_the_most_populated(gueret):
    CommuneFactory(code_insee="23176", name="Saint-Fiel", population=1000, postal_codes="23000")
    where = resolve("23000")
    assert where.commune == gueret
    assert "plusieurs communes" in where.notice
    assert resolve("23000 Saint-Fiel").commune.name == "Saint-Fiel"


def test_postal_code_of_an_arrondissement_takes_the_arrondissement_not_the_whole_city():
    arrondissement = CommuneFactory(marseille_1er=True)
    assert PostalCode.objects.filter(code="13001", commune=arrondissement.parent).exists()  # both carry 13001

    where = resolve("13001")

    assert where.commune == arrondissement
    assert where.notice == ""
    assert resolve("13001 Marseille").commune == arrondissement


def test_name_is_found_without_accents_and_best_by_population(gueret):
    assert resolve("gueret").commune == gueret
    assert resolve("GUÉRET").commune == gueret


def test_homonyms_are_offered_as_a_short_list(client, saint_denis):
    where = resolve("Saint-Denis")
    assert not where.found
    assert sorted(commune.code_insee for commune in where.choices) == ["93066", "97411"]

    response = client.get(URL, {"ou": "saint denis", "pass_numerique": "on"})
    html = unescape(response.content.decode())
    assert "Plusieurs communes s'appellent Saint-Denis" in html
    assert "Saint-Denis, Seine-Saint-Denis (93)" in html
    assert "Saint-Denis, La Réunion (974)" in html
    assert "Résultats" not in html
    choice = re.search(r'href="\?([^"]*ou=Saint-Denis\+97400[^"]*)"', html).group(1)
    assert "pass_numerique=on" in choice
    chosen = resolve(parse_qs(choice)["ou"][0])
    assert chosen.commune.code_insee == "97411"
    PlaceFactory(name="Lieu de La Réunion", commune_ref=saint_denis[1], latitude=-20.881, longitude=55.451)
    response = client.get(f"{URL}?{choice}")
    assert result_names(response) == []  # filtered on the Pass numérique
    response = client.get(URL, {"ou": "Saint-Denis 97400"})
    assert result_names(response) == ["Lieu de La Réunion"]
    assert "de Saint-Denis" in text_of(response)


def test_chosen_code_insee_wins(saint_denis):
    assert resolve("Saint-Denis", code_insee="93066").commune.code_insee == "93066"


def test_address_uses_its_commune_and_says_so(gueret):
    for text in ("12 rue de la Paix, 23000 Guéret", "12 rue de la Paix 23000", "3 avenue de la République, Guéret"):
        where = resolve(text)
        assert where.commune == gueret, text
        assert "Nous ne savons pas encore situer une adresse précise" in where.notice, text


def test_address_notice_is_on_the_page(client, gueret):
    response = client.get(URL, {"ou": "12 rue de la Paix 23000 Guéret"})
    assert "Nous ne savons pas encore situer une adresse précise" in text_of(response)


# Presentation -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("km", "text"), [(None, ""), (0.0, "à 10 m"), (0.349, "à 350 m"), (2.44, "à 2,4 km"), (12.6, "à 13 km")]
)
def test_distance_text(km, text):
    assert distance_text(km) == text


@pytest.mark.parametrize(
    ("number", "text"),
    [("+33555520000", "05 55 52 00 00"), ("+262262123456", "02 62 12 34 56"), ("3939", "3939")],
)
def test_phone_text(number, text):
    assert phone_text(number) == text


def test_queries_do_not_grow_with_the_results(client, gueret, django_assert_max_num_queries):
    for index in range(3):
        at(0.1 * (index + 1), with_hours=True)
    with django_assert_max_num_queries(12) as few:
        client.get(URL, {"ou": "Guéret"})
    for index in range(30):
        at(1 + 0.1 * index, with_hours=True, pass_numerique=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"ou": "Guéret"})
    assert len(result_names(response)) == 20


def test_results_offer_the_same_selection_for_download(client, gueret):
    near = PlaceFactory(name="Près", latitude=46.17, longitude=1.87, accepts_pass_numerique=True)
    PlaceFactory(name="Près sans pass", latitude=46.171, longitude=1.871)
    PlaceFactory(name="Loin", latitude=43.3, longitude=5.37, accepts_pass_numerique=True)

    response = client.get(URL, {"ou": "Guéret", "pass_numerique": "on"})
    html = response.content.decode()
    assert response.context["results"]["count"] == 1

    csv_link = response.context["results"]["downloads"]["csv"]
    assert f'href="{escape(csv_link)}"' in html
    exported = b"".join(client.get(csv_link).streaming_content).decode()
    rows = exported.strip().splitlines()
    assert len(rows) == 2  # header and the one place of the results
    assert near.name in rows[1]


def active_filter_links(html):
    """(label, href) of the links that remove a criterion."""
    return [
        (unescape(re.sub(r"<[^>]+>", "", label)).split(" : retirer")[0], unescape(href))
        for href, label in re.findall(r'<a class="fr-tag[^"]*"\s+href="([^"]+)">(.*?)</a>', html, re.S)
    ]


def test_active_criteria_sit_above_the_results_each_removable(client, gueret, monday_10am):
    at(1.0, pass_numerique=True, fees=[enums.Fee.GRATUIT.value], opening_hours="Sa 09:00-12:00")
    at(2.0, fees=[enums.Fee.PAYANT.value], opening_hours="Sa 09:00-12:00")
    params = {
        "ou": "Guéret",
        "frais": [enums.Fee.GRATUIT.value, enums.Fee.PAYANT.value],
        "pass_numerique": "on",
        "when": "moment",
        "open_day": "samedi",
        "open_period": "matin",
        "page": "1",
    }
    html = client.get(URL, params).content.decode()

    links = active_filter_links(html)
    assert [label for label, _href in links] == [
        "Gratuit",
        "Payant",
        "Ouvert samedi matin (8 h – 12 h)",
        "Accepte le Pass numérique",
    ]
    # Between the count (here none: both fees at once) and the list, so that a criterion can be removed.
    assert html.index('id="resultats-nombre"') < html.index("criteres-actifs")
    assert "Aucun lieu à moins de 20 km de Guéret" in html
    removed = {label: parse_qs(urlsplit(href).query) for label, href in links}
    assert removed["Gratuit"]["frais"] == [enums.Fee.PAYANT.value]
    assert "page" not in removed["Gratuit"]
    assert not {"when", "open_day", "open_period"} & set(removed["Ouvert samedi matin (8 h – 12 h)"])
    assert "pass_numerique" not in removed["Accepte le Pass numérique"]
    assert removed["Accepte le Pass numérique"]["frais"] == [enums.Fee.GRATUIT.value, enums.Fee.PAYANT.value]
    # Following a link searches again without that criterion.
    without_pass = client.get(dict(links)["Accepte le Pass numérique"].split("#")[0])
    assert "Accepte le Pass numérique" not in [
        label for label, _ in active_filter_links(without_pass.content.decode())
    ]


def test_no_criteria_no_summary(client, gueret):
    at(1.0)
    html = client.get(URL, {"ou": "Guéret"}).content.decode()
    assert "criteres-actifs" not in html


def test_a_day_of_the_week_and_a_part_of_the_day(client, gueret, monday_10am):
    at(1.0, name="Samedi matin", opening_hours="Sa 10:00-11:00")
    at(2.0, name="Samedi après-midi", opening_hours="Sa 14:00-17:00")
    at(3.0, name="Fin de matinée", opening_hours="Sa 11:45-13:00")
    at(4.0, name="Semaine", opening_hours="Mo-Fr 09:00-18:00")

    def names(**params):
        html = client.get(URL, {"ou": "Guéret", "when": "moment", **params}).content.decode()
        return re.findall(r'<h3 class="fr-h5 fr-mb-1v">\s*<a href="[^"]+">([^<]+)</a>', html)

    assert names(open_day="samedi", open_period="matin") == ["Samedi matin", "Fin de matinée"]
    assert names(open_day="samedi", open_period="apres-midi") == ["Samedi après-midi", "Fin de matinée"]
    assert names(open_day="samedi", open_period="soir") == []
    assert names(open_day="lundi", open_period="matin") == ["Semaine"]
    response = client.get(URL, {"ou": "Guéret", "when": "moment", "open_day": "samedi", "open_period": "matin"})
    assert "Ouvert samedi 7 juin, matin (8 h – 12 h)" in text_of(response)
    # The downloads carry the same window (the next Saturday from Monday 2 June 2025).
    assert "open_during=2025-06-07T08%3A00%2F2025-06-07T12%3A00" in response.content.decode()


def test_a_part_of_the_day_needs_the_day_and_the_part(client, gueret):
    html = client.get(URL, {"ou": "Guéret", "when": "moment", "open_day": "samedi"}).content.decode()
    assert "Choisissez le moment de la journée." in html
    assert filters_panel(html).group(1) == "open"
