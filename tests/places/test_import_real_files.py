"""Importing the real files of the national map (shared/data, present in CI): stable, explained counts.

No row of these files lacks an id, a name or a place, so none is rejected; the warnings are invalid
opening hours, SIRET keys, phones and e-mails, each checked by reading the files. Contacts that look like a
person's (cordee.places.contacts) are flagged as warnings too, counted apart.
"""

from pathlib import Path

import pytest
from django.conf import settings

from cordee.aggregation.importing.importer import import_file
from cordee.places import contacts, enums
from cordee.places.models import Place

SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data"


def other_warnings(report):
    return [issue for issue in report.warnings if not issue.message.startswith(contacts.PERSONAL_WARNING)]


def personal(report):
    """(e-mails, phones) flagged as likely personal contacts."""
    flagged = [issue for issue in report.warnings if issue.message.startswith(contacts.PERSONAL_WARNING)]
    return (
        sum(1 for issue in flagged if issue.field == "courriels"),
        sum(1 for issue in flagged if issue.field == "telephone"),
    )


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    pytest.mark.skipif(not SHARED_DATA.exists(), reason="shared/data absent : fichiers réels indisponibles"),
]


@pytest.mark.parametrize(
    ("relative_path", "version", "total", "warnings", "personal_contacts", "pass_numerique", "valid_hours"),
    [
        # Hub du Sud dates 99 (v1) and 144 (v0.1) places "1970-01-01": placeholders, read as missing dates.
        ("lieux/lmn-v1/hub-du-sud-2023-05-17.json", "mixte", 646, 7 + 99, (43, 18), 0, 402),
        ("lieux/lmn-v0.1/hub-du-sud-2023-05-16.json", "0.1", 792, 14 + 144, (49, 22), 0, 497),
        ("lieux/lmn-v0.1/hinaura-2021.json", "0.1", 687, 1, (112, 147), 91, 617),
        ("lieux/lmn-v0.1/aix-en-provence.json", "0.1", 38, 0, (1, 1), 0, 16),
        ("lieux/lmn-v0.1/bus-france-services-charente.json", "0.1", 12, 12, (0, 12), 12, 10),  # all dated 1969-12-31
        ("standard/exemple-valide_HEAD.csv", "1.0", 1, 0, (0, 0), 0, 1),
        ("standard/exemple-valide_v0.1.1.csv", "0.1", 1, 0, (0, 0), 1, 1),
    ],
)
def test_import_real_file(relative_path, version, total, warnings, personal_contacts, pass_numerique, valid_hours):
    report = import_file(SHARED_DATA / relative_path, source_name="reel")

    assert (report.version, report.total, report.created, report.rejected) == (version, total, total, 0)
    assert len(other_warnings(report)) == warnings
    assert personal(report) == personal_contacts
    assert Place.objects.count() == total
    assert Place.objects.accepting_pass_numerique().count() == pass_numerique
    assert Place.objects.with_valid_hours().count() == valid_hours


def test_conseillers_numeriques_permanences():
    """The biggest file (4,930 rows): one run checks counts, mapping and re-import without duplicates."""
    path = SHARED_DATA / "lieux/lmn-v0.1/conseillers-numeriques-permanences-2022.json"

    report = import_file(path, source_name="cnfs")

    assert (report.created, report.rejected, len(other_warnings(report))) == (4930, 0, 79)
    assert (personal(report), report.personal_contacts) == ((253, 237), 412)
    assert report.file_notes == ["1 colonne inconnue du standard, ignorée : structureId."]
    assert {issue.field for issue in other_warnings(report)} == {"pivot", "horaires", "telephone", "courriels"}
    assert Place.objects.with_dispositifs([enums.NationalProgramme.CONSEILLERS_NUMERIQUES]).count() == 4930
    assert Place.objects.with_frais([enums.Fee.GRATUIT]).count() == 4930
    assert Place.objects.filter(siret_status=enums.SiretStatus.PLACEHOLDER).count() == 2383
    assert Place.objects.filter(coordinates_precision=enums.CoordinatesPrecision.UNKNOWN).count() == 22

    again = import_file(path, source_name="cnfs")

    assert (again.created, again.updated, again.unchanged, Place.objects.count()) == (0, 0, 4930, 4930)


def test_data_inclusion_aggregate_with_repeated_ids():
    """data·inclusion aggregates sources whose ids collide (240 repeats): places are keyed by source:id."""
    report = import_file(SHARED_DATA / "lieux/lmn-v0.1/data-inclusion-2023-02-06.json", source_name="di")

    assert (report.created, report.rejected, len(other_warnings(report))) == (3811, 0, 145)
    assert (personal(report), report.personal_contacts) == ((437, 363), 659)
    assert Place.objects.filter(source_id="Hinaura:1003").exists()
    assert Place.objects.filter(source_id="siao:1003").exists()
    assert Place.objects.filter(coordinates_precision=enums.CoordinatesPrecision.ADDRESS).count() == 3372
