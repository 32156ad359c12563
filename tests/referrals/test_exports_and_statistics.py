"""The CSV of a referrals list, the statistics per territory and their chart (issue 11, items 5 and 6)."""

import csv
import io
import re

import pytest
from django.urls import reverse

from cordee.places.enums import Service
from cordee.referrals import statistics
from cordee.referrals.models import Referral
from cordee.www.referrals import charts
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory, place_member
from tests.structures.factories import CoordinatorScopeFactory, StructureFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


def test_list_csv_warns_and_holds_no_person(client):
    referral = ReferralFactory(referent="Nina Laval", message="Mme Durand, 06 12 34 56 78")
    ReferralFactory(place=referral.place, refused=True)
    client.force_login(place_member(referral))

    rows = csv_rows(client.get(reverse("www:referrals:export_csv") + "?liste=recues"))

    assert rows[0][0].startswith("Données personnelles : ce fichier ne contient ni le nom")
    assert rows[1][:4] == ["numéro", "envoyée le", "état", "lieu"]
    numbers = [row[0] for row in rows[2:]]
    assert sorted(numbers) == sorted(item.number for item in Referral.objects.order_by("pk"))
    text = "\n".join(",".join(row) for row in rows)
    for personal in ("Nina Laval", "Durand", "+33612345678", "06 12 34 56 78"):
        assert personal not in text
    refused = next(row for row in rows[2:] if row[2] == "Refusée")
    assert refused[10] == "Plus de place disponible"  # the place refused it: it sees its reasons
    assert Service.AIDE_DEMARCHES.value in rows[2][6]


def test_list_csv_follows_the_state_filter_and_neutralises_formulas(client):
    referral = ReferralFactory(place=PlaceFactory(structure=StructureFactory(), name="=HYPERLINK(1)"))
    ReferralFactory(place=referral.place, refused=True)
    client.force_login(place_member(referral))

    rows = csv_rows(client.get(reverse("www:referrals:export_csv") + "?liste=recues&etat=refused"))

    assert len(rows) == 3 and rows[2][2] == "Refusée"
    assert rows[2][3] == "'=HYPERLINK(1)"


def test_a_coordinators_list_csv_has_no_refusal_reasons(client):
    ReferralFactory(refused=True)
    client.force_login(CoordinatorScopeFactory().user)  # Creuse, where the factory's places are

    rows = csv_rows(client.get(reverse("www:referrals:export_csv") + "?liste=territoire"))

    assert len(rows) == 3
    assert rows[2][10] == ""


def test_an_outsider_gets_an_empty_list(client):
    ReferralFactory()
    client.force_login(UserFactory())
    rows = csv_rows(client.get(reverse("www:referrals:export_csv")))
    assert len(rows) == 2  # the warning and the header


def test_statistics_per_departement():
    ReferralFactory()
    ReferralFactory(refused=True)
    ReferralFactory(place=PlaceFactory(structure=StructureFactory(), in_marseille=True))
    rows, total = statistics.table(Referral.objects.all(), "territory")
    assert [(row.label, row.sent, row.refused) for row in rows] == [
        ("Creuse (23)", 2, 1),
        ("Bouches-du-Rhône (13)", 1, 0),
    ]
    assert total.sent == 3


def test_coordinators_see_figures_per_departement_first_with_a_chart_and_its_table(client):
    ReferralFactory()
    ReferralFactory(refused=True)
    client.force_login(CoordinatorScopeFactory().user)

    page = client.get(reverse("www:referrals:statistics")).content.decode()

    assert "<caption>Orientations par département</caption>" in page
    svg = re.search(r"<svg[^>]*role=\"img\".*?</svg>", page, re.S).group(0)
    assert 'aria-labelledby="graphique-titre graphique-description"' in svg
    assert "Les mêmes chiffres sont dans le tableau qui suit." in svg
    assert "Creuse (23)" in svg and svg.count("<rect") == 2  # one accepted-or-other, one refused
    assert not re.search(r'(x|width)="\d+,\d', svg)  # numbers in SVG attributes are never written the French way
    assert 'href="/orientations/statistiques.csv?par=territory"' in page


def test_a_member_sees_figures_per_place_by_default(client):
    referral = ReferralFactory()
    client.force_login(place_member(referral))
    page = client.get(reverse("www:referrals:statistics")).content.decode()
    assert "<caption>Orientations par lieu</caption>" in page


def test_chart_geometry():
    rows = [statistics.Row(label="A" * 50, sent=10, accepted=5, refused=2), statistics.Row(label="B", sent=5)]
    chart = charts.referral_chart(rows)
    first, second = chart["bars"]
    assert first.label.endswith("…") and len(first.label) == charts.MAX_LABEL
    assert [segment.value for segment in first.segments] == [5, 2, 3]
    assert sum(segment.width for segment in first.segments) == pytest.approx(charts.BAR_AREA, abs=0.2)
    assert second.segments[0].width == pytest.approx(charts.BAR_AREA / 2, abs=0.1)
    assert charts.referral_chart([statistics.Row(label="vide")]) is None
    many = [statistics.Row(label=str(index), sent=1) for index in range(20)]
    assert charts.referral_chart(many)["more"] == 5


def test_the_sheet_shows_a_small_situation_map(client):
    from tests.territories.factories import CommuneFactory

    CommuneFactory(code_insee="23176", name="La Saunière", latitude=46.14, longitude=1.92, population=600)
    referral = ReferralFactory()
    client.force_login(referral.prescriber)
    page = client.get(reverse("www:referrals:sheet", kwargs={"pk": referral.pk})).content.decode()
    svg = re.search(r'<svg[^>]*aria-labelledby="plan-titre".*?</svg>', page, re.S).group(0)
    assert "Plan de situation" in svg and "La Saunière" in svg and "Le lieu" in svg
    assert ">Guéret</text>" not in svg  # the place's own commune, under its marker, is in the address
    assert not re.search(r'(cx|x2)="\d+,\d', svg)
    chart = charts.situation_map(referral.place)
    assert chart["place"] == {"x": 180.0, "y": 110.0}  # the place in the middle
    assert chart["scale_x2"] > 10
    referral.place.latitude = None
    assert charts.situation_map(referral.place) is None
