"""Exports keep what the sources said: their identifiers, their update dates, their whole presentation."""

import datetime

import pytest
from django.utils import timezone

from cordee.aggregation import export
from cordee.places.models import Place
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def record_of(place):
    return next(
        record for record in export.standard_records(Place.objects.order_by("pk")) if record["nom"] == place.name
    )


def test_a_place_that_came_with_an_id_keeps_it_in_the_export():
    imported = PlaceFactory(source_name="hub-du-sud", source_id="mednum-hub-sud-0042", name="Espace numérique")
    created_here = PlaceFactory(source_name="cordee", name="Lieu saisi dans Cordée")

    assert record_of(imported)["id"] == "mednum-hub-sud-0042"
    assert record_of(created_here)["id"] == f"cordee-{created_here.pk}"


def test_an_id_two_sources_share_is_prefixed_with_its_source():
    first = PlaceFactory(source_name="hinaura", source_id="12", name="Médiathèque de Riom")
    PlaceFactory(source_name="hub-du-sud", source_id="12", name="Cyberbase de Gap")
    PlaceFactory(source_name="hub-du-sud", source_id="13", name="EPN de Digne")

    assert record_of(first)["id"] == "hinaura:12"
    assert record_of(Place.objects.get(source_id="13"))["id"] == "13"


def test_date_maj_is_the_source_date_else_the_day_the_place_was_first_known_never_today():
    dated = PlaceFactory(name="Lieu daté", source_updated_on=datetime.date(2023, 5, 17))
    undated = PlaceFactory(name="Lieu sans date", source_updated_on=None)
    first_known = timezone.now() - datetime.timedelta(days=400)
    # Rewritten today by an import (updated_at moves), first known 400 days ago.
    Place.objects.filter(pk=undated.pk).update(created_at=first_known, updated_at=timezone.now())

    assert record_of(dated)["date_maj"] == "2023-05-17"
    assert record_of(undated)["date_maj"] == timezone.localdate(first_known).isoformat()


def test_a_summary_too_long_is_cut_and_kept_whole_in_an_empty_detail():
    long_text = (
        "La médiathèque accueille toute personne qui souhaite apprendre à se servir d'un ordinateur, d'une "
        "tablette ou d'un smartphone. Des ateliers collectifs ont lieu le mardi et le jeudi ; un conseiller "
        "numérique reçoit sur rendez-vous pour les démarches administratives en ligne (CAF, impôts, ANTS). "
        "Le prêt de matériel est possible pour les abonnés."
    )
    assert len(long_text) > 280
    without_detail = PlaceFactory(name="Médiathèque", summary=long_text, description="")
    with_detail = PlaceFactory(name="Cyberbase", summary=long_text, description="Détail écrit par la source.")

    record = record_of(without_detail)
    assert len(record["presentation_resume"]) == 280 and record["presentation_resume"].endswith("…")
    assert record["presentation_detail"] == long_text
    assert record_of(with_detail)["presentation_detail"] == "Détail écrit par la source."
