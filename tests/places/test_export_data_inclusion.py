"""Export to data·inclusion v1 (structures and services), validated against its shipped JSON Schemas."""

import io
import json
import types
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from cordee.aggregation import export
from cordee.aggregation.schema import DATA_INCLUSION_V1_DIR, data_inclusion_schema
from cordee.places import enums
from cordee.places.models import Place
from tests.places.factories import PlaceFactory

SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data"

pytestmark = pytest.mark.django_db

format_checker = FormatChecker()


@format_checker.checks("uri")
def is_uri(value):
    """jsonschema checks "uri" only with an optional package: a plain absolute http(s) URL check here."""
    parts = urllib.parse.urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def errors(kind, items):
    """Messages of every error of the items against the data·inclusion v1 schema of that kind."""
    validator = Draft202012Validator(data_inclusion_schema(kind), format_checker=format_checker)
    return [
        f"{item.get('id')} {'/'.join(map(str, error.path))}: {error.message}"
        for item in items
        for error in validator.iter_errors(item)
    ]


@pytest.fixture
def places():
    complete = PlaceFactory(
        name="France Services de Guéret",
        pivot="43493312300029",
        siret_status=enums.SiretStatus.VALID,
        phones=["+33555520000"],
        emails=["contact@gueret.fr"],
        websites=["https://www.gueret.fr/"],
        with_hours=True,
        summary="Accès libre et accompagnement.",
        services=[
            enums.Service.AIDE_DEMARCHES.value,
            enums.Service.PARENTALITE.value,
            enums.Service.MATERIEL_PRIX_SOLIDAIRE.value,
        ],
        publics=[enums.Public.SENIORS.value, enums.Public.FAMILLES_ENFANTS.value],
        specific_support=[enums.SpecificSupport.SURDITE.value, enums.SpecificSupport.ILLETTRISME.value],
        fees=[enums.Fee.GRATUIT.value, enums.Fee.GRATUIT_SOUS_CONDITION.value],
        national_programmes=[
            enums.NationalProgramme.FRANCE_SERVICES.value,
            enums.NationalProgramme.CONSEILLERS_NUMERIQUES.value,
            enums.NationalProgramme.CERTIFICATION_PIX.value,
        ],
        training_labels=[enums.TrainingLabel.ETAPES_NUMERIQUES.value],
        access_modes=[
            enums.AccessMode.SE_PRESENTER.value,
            enums.AccessMode.RDV_EN_LIGNE.value,
            enums.AccessMode.FICHE_PRESCRIPTION.value,
        ],
        support_modes=[enums.SupportMode.INDIVIDUEL.value, enums.SupportMode.A_DISTANCE.value],
        accessibility_url="https://acceslibre.beta.gouv.fr/app/23-gueret/a/mairie/erp/mairie-gueret/",
        booking_url="https://www.rdv-solidarites.fr/",
        accepts_pass_numerique=True,
    )
    workshops = PlaceFactory(
        name="Atelier numérique",
        pivot="00000000000000",
        siret_status=enums.SiretStatus.PLACEHOLDER,
        services=[enums.Service.OUTILS_QUOTIDIEN.value],
        fees=[enums.Fee.PAYANT.value],
        support_modes=[enums.SupportMode.ATELIER_COLLECTIF.value],
        access_modes=[enums.AccessMode.RDV_EN_LIGNE.value],  # but no booking link
        with_invalid_hours=True,
    )
    bare = PlaceFactory(
        name="EPN",
        commune_ref=None,
        commune_name="",
        postal_code="",
        code_insee="",
        address="",
        latitude=None,
        longitude=None,
        services=[],
        fees=[],
        support_modes=[],
        source_updated_on=None,
    )
    return {"complete": complete, "workshops": workshops, "bare": bare}


def test_structures_and_services_validate(places):
    stats = export.ExportStats()
    document = json.loads("".join(export.iter_data_inclusion(Place.objects.all(), stats=stats)))

    assert errors("structure", document["structures"]) == []
    assert errors("service", document["services"]) == []
    assert len(document["structures"]) == 3
    assert len(document["services"]) == 4
    assert (stats.written, stats.services_written, stats.seen) == (3, 4, 6)  # two passes


def test_structure_mapping(places):
    structures = {
        item["nom"]: item for item in json.loads("".join(export.iter_data_inclusion_structures(Place.objects.all())))
    }

    complete = structures["France Services de Guéret"]
    assert complete["source"] == "cordee"
    assert complete["id"] == f"cordee--{places['complete'].pk}"
    assert complete["siret"] == "43493312300029"
    assert complete["date_maj"] == "2024-03-01"
    assert complete["reseaux_porteurs"] == ["conseillers-numeriques", "france-service", "la-poste"]
    assert complete["horaires_accueil"] == "Mo-Fr 09:00-12:00,14:00-17:00"
    assert (complete["telephone"], complete["courriel"]) == ("+33555520000", "contact@gueret.fr")
    assert complete["description"] == "Accès libre et accompagnement."

    workshops = structures["Atelier numérique"]
    assert workshops["siret"] is None  # placeholder
    assert workshops["horaires_accueil"] is None  # not in the OpenStreetMap format

    bare = structures["EPN"]
    assert (bare["adresse"], bare["code_postal"], bare["latitude"], bare["reseaux_porteurs"]) == (
        None,
        None,
        None,
        None,
    )
    assert bare["date_maj"] == timezone.localdate(places["bare"].updated_at).isoformat()


def test_service_mapping(places):
    services = {
        item["id"]: item for item in json.loads("".join(export.iter_data_inclusion_services(Place.objects.all())))
    }
    prefix = f"cordee--{places['complete'].pk}"

    assert sorted(services) == sorted(
        [
            f"{prefix}--aide-demarches",
            f"{prefix}--parentalite",
            f"{prefix}--materiel-prix-solidaire",
            f"cordee--{places['workshops'].pk}--outils-quotidien",
        ]
    )
    demarches = services[f"{prefix}--aide-demarches"]
    assert demarches["structure_id"] == prefix
    assert demarches["nom"] == "Aide aux démarches administratives"
    assert demarches["thematiques"] == [
        "numerique--acceder-a-des-services-en-ligne",
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
    ]
    assert demarches["type"] == "accompagnement"
    assert demarches["frais"] == "gratuit"
    assert demarches["frais_precisions"] == "Gratuit, Gratuit sous condition. Pass numérique accepté"
    assert demarches["publics"] == ["familles", "seniors", "personnes-en-situation-de-handicap"]
    assert demarches["publics_precisions"] == "Prise en charge spécifique : Surdité, Illettrisme"
    assert demarches["modes_accueil"] == ["en-presentiel", "a-distance"]
    assert demarches["modes_mobilisation"] == ["se-presenter", "utiliser-lien-mobilisation", "envoyer-un-courriel"]
    assert demarches["mobilisable_par"] == ["usagers", "professionnels"]
    assert demarches["lien_mobilisation"] == "https://www.rdv-solidarites.fr/"
    assert demarches["description"].startswith("Aide aux démarches administratives : France Services de Guéret, ")
    assert services[f"{prefix}--materiel-prix-solidaire"]["type"] == "aide-materielle"
    assert services[f"{prefix}--materiel-prix-solidaire"]["thematiques"] == ["numerique--acquerir-un-equipement"]

    workshops = services[f"cordee--{places['workshops'].pk}--outils-quotidien"]
    assert workshops["type"] == "atelier"
    assert (workshops["frais"], workshops["frais_precisions"]) == ("payant", None)
    assert workshops["publics"] == ["tous-publics"]
    assert workshops["modes_mobilisation"] is None  # online booking without a link: nothing to mobilise
    assert workshops["mobilisable_par"] == ["usagers"]


def test_every_service_maps_to_known_thematiques():
    known = set(data_inclusion_schema("service")["$defs"]["Thematique"]["enum"])

    assert set(export.DATA_INCLUSION_THEMATIQUES) == set(enums.Service)
    assert {thematique for values in export.DATA_INCLUSION_THEMATIQUES.values() for thematique in values} <= known
    assert set(export.DATA_INCLUSION_SERVICE_SLUGS) == set(enums.Service)
    reseaux = set(data_inclusion_schema("structure")["$defs"]["ReseauPorteur"]["enum"])
    assert set(export.DATA_INCLUSION_RESEAUX.values()) <= reseaux


def test_empty_export():
    chunks = export.iter_data_inclusion(Place.objects.none())

    assert isinstance(chunks, types.GeneratorType)
    assert json.loads("".join(chunks)) == {"structures": [], "services": []}


def test_command_writes_data_inclusion(places, tmp_path):
    output = tmp_path / "data-inclusion.json"
    stderr = io.StringIO()

    call_command("export_places", "--format", "data-inclusion", "--output", str(output), stderr=stderr)

    document = json.loads(output.read_text(encoding="utf-8"))
    assert errors("structure", document["structures"]) == []
    assert errors("service", document["services"]) == []
    assert "3 lieux exportés ; 4 services data·inclusion" in stderr.getvalue()


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="shared/data absent")
@pytest.mark.parametrize("kind", ["structure", "service"])
def test_shipped_schemas_are_the_official_files(kind):
    official = SHARED_DATA / "standard" / "data-inclusion" / "v1" / f"{kind}.json"
    assert (DATA_INCLUSION_V1_DIR / f"{kind}.json").read_bytes() == official.read_bytes()


@pytest.mark.slow
@pytest.mark.skipif(not SHARED_DATA.exists(), reason="shared/data absent : fichiers réels indisponibles")
def test_real_file_exported_to_data_inclusion_validates(tmp_path):
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

    document = json.loads("".join(export.iter_data_inclusion(Place.objects.all())))

    assert len(document["structures"]) == 646
    assert errors("structure", document["structures"]) == []
    assert errors("service", document["services"]) == []
