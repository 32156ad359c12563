"""Exports of the places directory at the standard v1.0.2, validated by frictionless against the shipped
official schema (corrected for its known defect, see docs/standard-defects.md)."""

import csv
import datetime
import io
import json
import types
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from frictionless import Resource, Schema, system

from cordee.aggregation import export
from cordee.aggregation.schema import STANDARD_V102_PATH, official_schema
from cordee.places import enums
from cordee.places.models import Place
from tests.places.factories import PlaceFactory
from tests.territories.factories import CommuneFactory, DepartementFactory

SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data"
ETAPES = enums.TrainingLabel.ETAPES_NUMERIQUES.value

pytestmark = pytest.mark.django_db


def validate_csv(path, corrected=True):
    """frictionless report rows (row, field, type, note) of a CSV file against the official schema."""
    with system.use_context(trusted=True):
        resource = Resource(path=str(path), schema=Schema.from_descriptor(official_schema(corrected=corrected)))
        report = resource.validate()
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


def write(tmp_path, chunks, name="lieux.csv"):
    path = tmp_path / name
    path.write_text("".join(chunks), encoding="utf-8")
    return path


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def places():
    """Realistic places: complete, minimal, overseas, with values the schema cannot take, incomplete."""
    creuse = PlaceFactory(
        name="France Services de Guéret",
        pivot="43493312300029",
        siret_status=enums.SiretStatus.VALID,
        address_complement="1er étage",
        typologies=["France Services", "MAIRIE"],
        phones=["+33555520000", "+33555520001"],
        emails=["contact@gueret.fr", "numerique@gueret.fr"],
        websites=["https://www.gueret.fr/", "https://www.facebook.com/gueret"],
        opening_hours="Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00",
        summary="Aide aux démarches en ligne, ateliers et accès libre. " * 8,  # over 280 characters
        description='Ligne 1,\n« ligne 2 » ; avec virgules, guillemets "doubles" et | barre verticale.',
        original_source="Hub Territorial Nouvelle-Aquitaine",
        mobility=[enums.Mobility.FIXE.value, enums.Mobility.ITINERANT.value],
        parent_structure="Mairie de Guéret",
        source_updated_on=datetime.date(2024, 5, 17),
        services=list(enums.Service.values),
        publics=[enums.Public.SENIORS.value, enums.Public.JEUNES.value],
        specific_support=[enums.SpecificSupport.SURDITE.value, enums.SpecificSupport.LANGUES_ANGLAIS.value],
        fees=[enums.Fee.GRATUIT.value, enums.Fee.GRATUIT_SOUS_CONDITION.value],
        national_programmes=[enums.NationalProgramme.FRANCE_SERVICES.value, "Programme inconnu"],
        training_labels=[ETAPES, enums.TrainingLabel.MON_ESPACE_SANTE.value],
        other_training_labels="Label régional",
        access_modes=[enums.AccessMode.SE_PRESENTER.value, enums.AccessMode.RDV_EN_LIGNE.value],
        support_modes=[enums.SupportMode.INDIVIDUEL.value, enums.SupportMode.A_DISTANCE.value],
        accessibility_url="https://acceslibre.beta.gouv.fr/app/23-gueret/a/mairie/erp/mairie-gueret/",
        booking_url="https://www.rdv-solidarites.fr/",
        accepts_pass_numerique=True,
        qualified=True,
    )
    minimal = PlaceFactory(
        name="Médiathèque sans position",
        commune_ref=None,
        commune_name="Aubusson",
        postal_code="23200",
        code_insee="23008",
        latitude=None,
        longitude=None,
        coordinates_precision=enums.CoordinatesPrecision.UNKNOWN,
        services=[],
        fees=[],
        support_modes=[],
        source_updated_on=None,
    )
    reunion = PlaceFactory(
        name="Case numérique de Saint-Denis",
        commune_ref=CommuneFactory(
            code_insee="97411",
            name="Saint-Denis",
            departement=DepartementFactory(code="974", name="La Réunion"),
            latitude=-20.8823,
            longitude=55.4504,
            postal_codes="97400",
        ),
        pivot="W974000123",
        siret_status=enums.SiretStatus.RNA,
        phones=["+262262123456"],
        services=[enums.Service.ACCES_INTERNET_MATERIEL.value],
    )
    odd_values = PlaceFactory(
        name="Espace numérique aux valeurs hors standard",
        pivot="12345678900000",
        siret_status=enums.SiretStatus.INVALID,
        phones=["+3225551234"],  # Belgium: not admitted by the schema's pattern
        code_insee="20004",  # Corsica before 1976: not admitted by the schema (2A004 now)
    )
    incomplete = PlaceFactory(name="Lieu sans adresse", address="")
    return {
        "creuse": creuse,
        "minimal": minimal,
        "reunion": reunion,
        "odd_values": odd_values,
        "incomplete": incomplete,
    }


def test_csv_validates_against_the_official_schema(places, tmp_path):
    stats = export.ExportStats()
    path = write(tmp_path, export.iter_csv(Place.objects.all(), stats=stats))

    assert validate_csv(path) == []
    rows = csv_rows(path.read_text(encoding="utf-8"))
    assert len(rows) == 4
    assert (stats.seen, stats.written, stats.skipped_incomplete) == (5, 4, 1)
    assert stats.omitted == {"telephone": 1, "code_insee": 1}
    assert "Lieu sans adresse" not in {row["nom"] for row in rows}


def test_csv_header_is_the_schema_order(tmp_path):
    text = "".join(export.iter_csv(Place.objects.none()))

    schema_names = [field["name"] for field in json.loads(STANDARD_V102_PATH.read_text(encoding="utf-8"))["fields"]]
    assert text == ",".join(schema_names) + "\r\n"
    assert validate_csv(write(tmp_path, [text])) == []


def test_csv_values(places):
    rows = {row["nom"]: row for row in csv_rows("".join(export.iter_csv(Place.objects.all())))}

    creuse = rows["France Services de Guéret"]
    assert creuse["id"] == f"cordee-{places['creuse'].pk}"
    assert creuse["pivot"] == "43493312300029"
    assert creuse["telephone"] == "+33555520000"  # the schema's pattern admits one number only
    assert creuse["courriels"] == "contact@gueret.fr|numerique@gueret.fr"
    assert creuse["typologie"] == "France Services|MAIRIE"
    assert creuse["itinerance"] == "Itinérant|Fixe"  # the standard's order
    assert creuse["frais_a_charge"] == "Gratuit|Gratuit sous condition"
    assert creuse["dispositif_programmes_nationaux"] == "France Services"  # unknown value left out
    assert creuse["formations_labels"] == "Formé à « Mon Espace Santé »|Étapes numériques (La Poste)"
    assert creuse["services"] == "|".join(enums.Service.values)
    assert creuse["date_maj"] == "2024-05-17"
    assert creuse["source"] == "Hub Territorial Nouvelle-Aquitaine"
    assert 270 < len(creuse["presentation_resume"]) <= 280
    assert creuse["presentation_resume"].endswith("libre. Aide aux…")
    assert creuse["presentation_detail"] == places["creuse"].description.strip()
    assert float(creuse["latitude"]) == pytest.approx(places["creuse"].latitude)

    minimal = rows["Médiathèque sans position"]
    assert minimal["pivot"] == "00000000000000"
    assert minimal["date_maj"] == timezone.localdate(places["minimal"].updated_at).isoformat()
    assert minimal["source"] == "Cordée"
    assert (minimal["latitude"], minimal["longitude"], minimal["services"], minimal["telephone"]) == ("", "", "", "")
    assert (minimal["commune"], minimal["code_postal"]) == ("Aubusson", "23200")

    reunion = rows["Case numérique de Saint-Denis"]
    assert (reunion["pivot"], reunion["telephone"], reunion["code_insee"]) == ("W974000123", "+262262123456", "97411")

    odd = rows["Espace numérique aux valeurs hors standard"]
    assert (odd["pivot"], odd["telephone"], odd["code_insee"]) == ("00000000000000", "", "")


def test_commune_and_postal_code_from_the_referential(tmp_path):
    PlaceFactory(commune_name="", postal_code="")

    [row] = csv_rows("".join(export.iter_csv(Place.objects.all())))
    assert (row["commune"], row["code_postal"]) == ("Guéret", "23000")


def test_default_spelling_needs_the_corrected_schema(places, tmp_path):
    """The export writes « Étapes numériques (La Poste) »: only the official pattern's defect rejects it."""
    path = write(tmp_path, export.iter_csv(Place.objects.all()))

    errors = validate_csv(path, corrected=False)
    assert [(field, kind) for _row, field, kind, _note in errors] == [("formations_labels", "constraint-error")]


def test_literal_schema_spelling_validates_against_the_uncorrected_schema(places, tmp_path):
    path = write(tmp_path, export.iter_csv(Place.objects.all(), literal_schema=True))

    assert validate_csv(path, corrected=False) == []
    assert "Étapes numériques(La Poste)" in path.read_text(encoding="utf-8")


def test_official_schema_correction_touches_one_pattern():
    literal = official_schema(corrected=False)
    corrected = official_schema()

    assert literal == json.loads(STANDARD_V102_PATH.read_text(encoding="utf-8"))
    changed = [
        (before["name"], after["constraints"]["pattern"])
        for before, after in zip(literal["fields"], corrected["fields"], strict=True)
        if before != after
    ]
    assert len(changed) == 1
    assert changed[0][0] == "formations_labels"
    assert r"Étapes numériques ?\(La Poste\)" in changed[0][1]


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="shared/data absent")
def test_shipped_schema_is_the_official_file():
    official = SHARED_DATA / "standard" / "standard-mediation-num_schema_HEAD_v1.0.2.json"
    assert STANDARD_V102_PATH.read_bytes() == official.read_bytes()


def test_json_export(places):
    records = json.loads("".join(export.iter_json(Place.objects.all())))

    assert [record["nom"] for record in records] == [
        place.name for place in Place.objects.exclude(address="").order_by("name", "pk")
    ]
    creuse = next(record for record in records if record["nom"] == "France Services de Guéret")
    assert list(creuse) == [name for name in export.STANDARD_FIELDS if name in creuse]  # the schema's order
    assert creuse["services"] == "|".join(enums.Service.values)
    assert creuse["latitude"] == pytest.approx(places["creuse"].latitude)
    assert creuse["date_maj"] == "2024-05-17"
    minimal = next(record for record in records if record["nom"] == "Médiathèque sans position")
    assert "latitude" not in minimal  # empty fields are left out, as in real files
    assert minimal["pivot"] == "00000000000000"


def test_json_export_matches_the_csv(places):
    """Same values in both formats: the CSV (validated) vouches for the JSON."""
    rows = csv_rows("".join(export.iter_csv(Place.objects.all())))
    records = json.loads("".join(export.iter_json(Place.objects.all())))

    as_text = [
        {name: (export._number(value) if isinstance(value, float) else value) for name, value in record.items()}
        for record in records
    ]
    assert as_text == [{name: value for name, value in row.items() if value != ""} for row in rows]


def test_geojson_export(places):
    stats = export.ExportStats()
    collection = json.loads("".join(export.iter_geojson(Place.objects.all(), stats=stats)))

    assert collection["type"] == "FeatureCollection"
    features = {feature["properties"]["nom"]: feature for feature in collection["features"]}
    assert set(features) == {
        "France Services de Guéret",
        "Case numérique de Saint-Denis",
        "Espace numérique aux valeurs hors standard",
    }
    reunion = features["Case numérique de Saint-Denis"]
    assert reunion["geometry"] == {
        "type": "Point",
        "coordinates": [places["reunion"].longitude, places["reunion"].latitude],
    }
    assert reunion["id"] == reunion["properties"]["id"] == f"cordee-{places['reunion'].pk}"
    assert reunion["properties"]["services"] == enums.Service.ACCES_INTERNET_MATERIEL.value
    assert (stats.written, stats.skipped_without_point, stats.skipped_incomplete) == (3, 1, 1)


@pytest.mark.parametrize(
    ("writer", "expected"),
    [
        (export.iter_json, []),
        (export.iter_geojson, {"type": "FeatureCollection", "features": []}),
    ],
)
def test_empty_exports_are_valid(writer, expected):
    assert json.loads("".join(writer(Place.objects.none()))) == expected


@pytest.mark.parametrize("writer", [export.iter_csv, export.iter_json, export.iter_geojson])
def test_exports_stream(writer, monkeypatch):
    PlaceFactory.create_batch(5)
    monkeypatch.setattr(export, "FLUSH_SIZE", 1)

    chunks = writer(Place.objects.all())
    assert isinstance(chunks, types.GeneratorType)
    chunks = list(chunks)
    assert len(chunks) > 5
    assert all(isinstance(chunk, str) for chunk in chunks)


def test_exports_read_places_in_chunks(monkeypatch):
    """The queryset is read with .iterator(): never a whole list in memory."""
    PlaceFactory.create_batch(3)
    calls = []
    original = Place.objects.none().__class__.iterator

    def iterator(queryset, chunk_size=None):
        calls.append(chunk_size)
        return original(queryset, chunk_size=chunk_size)

    monkeypatch.setattr(Place.objects.none().__class__, "iterator", iterator)
    rows = csv_rows("".join(export.iter_csv(Place.objects.all())))

    assert len(rows) == 3
    assert calls == [export.CHUNK_SIZE]


def test_command_writes_a_valid_file(places, tmp_path):
    output = tmp_path / "lieux.csv"
    stderr = io.StringIO()

    call_command("export_places", "--format", "csv", "--output", str(output), stdout=io.StringIO(), stderr=stderr)

    assert validate_csv(output) == []
    assert len(csv_rows(output.read_text(encoding="utf-8"))) == 4
    assert "Export csv : 4 lieux exportés ; 1 lieux ignorés faute de champ obligatoire" in stderr.getvalue()
    assert str(output) in stderr.getvalue()


def test_command_streams_to_stdout_for_one_departement(places):
    stdout = io.StringIO()

    call_command("export_places", "--format", "geojson", "--departement", "974", stdout=stdout, stderr=io.StringIO())

    collection = json.loads(stdout.getvalue())
    assert [feature["properties"]["nom"] for feature in collection["features"]] == ["Case numérique de Saint-Denis"]


def test_command_refuses_a_wrong_departement():
    with pytest.raises(CommandError, match="code de département invalide"):
        call_command("export_places", "--departement", "Creuse", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.slow
@pytest.mark.skipif(not SHARED_DATA.exists(), reason="shared/data absent : fichiers réels indisponibles")
def test_real_file_imported_then_exported_validates(tmp_path):
    """The Hub du Sud file (646 places, standard v1) through import_places, then the whole export."""
    call_command(
        "import_places",
        str(SHARED_DATA / "lieux" / "lmn-v1" / "hub-du-sud-2023-05-17.json"),
        "--report",
        str(tmp_path / "rapport.csv"),
        "--wet-run",
        verbosity=0,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert Place.objects.count() == 646
    output = tmp_path / "hub-du-sud.csv"

    call_command("export_places", "--output", str(output), verbosity=0, stdout=io.StringIO(), stderr=io.StringIO())

    assert validate_csv(output) == []
    assert len(csv_rows(output.read_text(encoding="utf-8"))) == 646


@pytest.mark.parametrize("writer", [export.iter_csv, export.iter_json, export.iter_geojson])
def test_exports_cost_two_queries(writer, django_assert_num_queries):
    PlaceFactory.create_batch(5, pass_numerique=True)
    places = Place.objects.all()

    # The places, and once the source identifiers shared by several sources (the ids of the export).
    with django_assert_num_queries(2):
        chunks = list(writer(places))
    assert len(chunks) >= 1


@pytest.mark.parametrize(
    ("pivot", "siret_status", "exported"),
    [
        ("43493312300029", enums.SiretStatus.VALID, "43493312300029"),
        ("W751234567", enums.SiretStatus.RNA, "W751234567"),
        ("", enums.SiretStatus.MISSING, "00000000000000"),
        ("00000000000000", enums.SiretStatus.PLACEHOLDER, "00000000000000"),
        ("43493312300028", enums.SiretStatus.INVALID, "00000000000000"),
        ("1234-56", enums.SiretStatus.MISSING, "00000000000000"),  # refused by the schema's pattern
    ],
)
def test_pivot_is_always_valid(pivot, siret_status, exported, tmp_path):
    PlaceFactory(pivot=pivot, siret_status=siret_status)

    path = write(tmp_path, export.iter_csv(Place.objects.all()))
    [row] = csv_rows(path.read_text(encoding="utf-8"))
    assert row["pivot"] == exported
    assert validate_csv(path) == []


def test_csv_neutralises_formulas_in_free_text_and_stays_valid(places, tmp_path):
    PlaceFactory(
        name='=HYPERLINK("http://evil.example")',
        description="@SUM(1)",
        address_complement="-2+3",
        phones=["+33555520000"],
    )
    path = write(tmp_path, export.iter_csv(Place.objects.all()))

    rows = {row["nom"]: row for row in csv_rows(path.read_text(encoding="utf-8"))}
    injected = rows['\'=HYPERLINK("http://evil.example")']
    assert injected["presentation_detail"] == "'@SUM(1)" and injected["complement_adresse"] == "'-2+3"
    assert injected["telephone"] == "+33555520000"
    assert rows["Case numérique de Saint-Denis"]["latitude"].startswith("-20.")
    assert validate_csv(path) == []
