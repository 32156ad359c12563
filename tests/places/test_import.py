import json

import pytest
from django.core.management import call_command

from cordee.aggregation.importing import readers
from cordee.aggregation.importing.importer import ImportFailed, default_source_name, import_file
from cordee.aggregation.importing.validation import CommuneIndex, CommuneInfo, validate_row
from cordee.places import enums
from cordee.places.models import Place, PlaceOpeningInterval
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

V1_HEADER = (
    "id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,telephone,courriels,horaires,"
    "date_maj,services,frais_a_charge,formations_labels,modalites_accompagnement"
)


def write_json(tmp_path, rows, name="lieux.json"):
    path = tmp_path / name
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def v1_row(**overrides):
    row = {
        "id": "lieu-1",
        "pivot": "21230096600018",
        "nom": "Médiathèque André Lejeune",
        "commune": "Guéret",
        "code_postal": "23000",
        "code_insee": "23096",
        "adresse": "1 avenue Charles de Gaulle",
        "latitude": 46.17,
        "longitude": 1.87,
        "date_maj": "2024-03-01",
        "services": "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien",
    }
    row.update(overrides)
    return {key: value for key, value in row.items() if value is not None}


def test_v01_row_maps_onto_v1_values(tmp_path):
    row = {
        "id": "1",
        "pivot": "00000000000000",
        "nom": "Espace numérique",
        "commune": "Guéret",
        "code_postal": "23000",
        "adresse": "2 rue Nationale",
        "date_maj": "2022-06-02",
        "services": "Devenir autonome dans les démarches administratives;Prendre en main un ordinateur;"
        "Accéder à du matériel;S'équiper en matériel informatique;Créer avec le numérique",
        "publics_accueillis": "Seniors (+ 65 ans);Adultes;Surdité;Personnes en situation d'illettrisme",
        "conditions_acces": "Payant : L'accès au lieu et/ou à ses services est payant;Accepte le Pass numérique : "
        "Il est possible d'utiliser un Pass numérique pour accéder au lieu",
        "labels_nationaux": "CNFS;France Services;Fabriques de Territoire;French Tech",
        "modalites_accompagnement": "Seul : j'ai accès à du matériel et une connexion;"
        "A ma place : une personne habilitée fait les démarches à ma place",
        "courriel": "contact@example.org",
        "accessibilite": "https://acceslibre.beta.gouv.fr/app/erp/1/",
    }

    report = import_file(write_json(tmp_path, [row]), source_name="test")

    place = Place.objects.get()
    assert report.version == "0.1" and report.created == 1 and report.warnings == []
    assert place.services == [
        "Aide aux démarches administratives",
        "Maîtrise des outils numériques du quotidien",
        "Loisirs et créations numériques",
        "Accès internet et matériel informatique",
        "Acquisition de matériel informatique à prix solidaire",
    ]
    assert place.publics == ["Seniors"]
    assert place.specific_support == ["Surdité", "Illettrisme"]
    assert place.fees == ["Payant"]
    assert place.accepts_pass_numerique is True
    assert place.national_programmes == ["Conseillers numériques", "France Services"]
    assert place.training_labels == ["Fabriques de Territoire"]
    assert place.other_training_labels == "French Tech"
    assert place.support_modes == ["En autonomie", "Accompagnement individuel"]
    assert place.emails == ["contact@example.org"]
    assert place.accessibility_url == "https://acceslibre.beta.gouv.fr/app/erp/1/"
    assert place.siret_status == enums.SiretStatus.PLACEHOLDER
    assert Place.objects.with_services([enums.Service.MATERIEL_PRIX_SOLIDAIRE]).get() == place


def test_aptic_label_means_pass_numerique(tmp_path):
    import_file(write_json(tmp_path, [v1_row(labels_nationaux="APTIC")]), source_name="test")

    assert Place.objects.accepting_pass_numerique().count() == 1


def test_latin1_semicolon_csv_is_detected(tmp_path):
    path = tmp_path / "lieux.csv"
    content = (
        "id;nom;commune;code_postal;adresse;date_maj;services;telephone\n"
        "a1;Maison France Services de Guéret;Guéret;23000;Place Bonnyaud;2023-01-05;"
        "Prendre en main un ordinateur;05 55 52 00 00\n"
    )
    path.write_bytes(content.encode("cp1252"))

    read = readers.read_places_file(path)
    report = import_file(path, source_name="test")

    assert (read.encoding, read.delimiter, next(read.rows()).number) == ("Windows-1252 (Latin-1)", ";", 2)
    assert report.created == 1
    place = Place.objects.get()
    assert place.name == "Maison France Services de Guéret"
    assert place.services == ["Maîtrise des outils numériques du quotidien"]
    assert place.phones == ["+33555520000"]


def test_v1_csv_with_pipe_multi_values(tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text(
        V1_HEADER + "\n"
        "x1,21230096600018,Tiers-lieu,Guéret,23000,23096,1 rue A,46.1,1.8,"
        '"05 55 52 00 00|06 12 34 56 78",a@example.org,"Mo-Fr 09:00-12:00",2024-04-02,'
        '"Aide aux démarches administratives|Loisirs et créations numériques",Gratuit|Payant,'
        "Étapes numériques(La Poste),En autonomie\n",
        encoding="utf-8",
    )

    report = import_file(path, source_name="test")

    place = Place.objects.get()
    # The only warning: a mobile number, flagged as a possibly personal contact (kept all the same).
    assert report.version == "1.0"
    assert [(issue.field, issue.value) for issue in report.warnings] == [("telephone", "+33612345678")]
    assert place.phones == ["+33555520000", "+33612345678"]
    assert place.fees == ["Gratuit", "Payant"]
    assert place.training_labels == ["Étapes numériques (La Poste)"]
    assert place.siret_status == enums.SiretStatus.VALID
    assert place.coordinates_precision == enums.CoordinatesPrecision.ADDRESS


def test_rejections_and_warnings_name_the_row_the_field_and_the_reason(tmp_path):
    rows = [
        v1_row(id="ok"),
        v1_row(id="no-name", nom=""),
        v1_row(id="nowhere", adresse="", commune="", code_postal="", code_insee=""),
        v1_row(id="ok", nom="Doublon"),
        v1_row(
            id="warned",
            code_postal="2300",
            latitude=123.0,
            telephone="12",
            services="Aide aux démarches administratives|Astrologie",
            pivot="12345678901234",
        ),
    ]

    report = import_file(write_json(tmp_path, rows), source_name="test")

    assert (report.created, report.rejected) == (2, 3)
    rejections = {(issue.row, issue.field) for issue in report.rejections}
    # Same date, same completeness: the later row with the repeated id is kept, never the first by position.
    assert rejections == {(1, "id"), (2, "nom"), (3, "adresse")}
    warnings = {(issue.row, issue.field): issue for issue in report.warnings}
    assert set(warnings) == {(5, "latitude"), (5, "telephone"), (5, "services"), (5, "pivot")}
    assert warnings[(5, "services")].value == "Astrologie"
    assert "comprise entre -90 et 90" in warnings[(5, "latitude")].message
    place = Place.objects.get(source_id="warned")
    assert place.postal_code == "02300"  # a JSON number or a CSV cell that lost its leading zero
    assert place.services == ["Aide aux démarches administratives"]
    assert place.siret_status == enums.SiretStatus.INVALID
    assert place.latitude is None and place.coordinates_precision == enums.CoordinatesPrecision.UNKNOWN
    lines = report.issue_lines(level="rejet")
    assert lines[1] == "élément 2, nom : nom du lieu manquant"
    assert lines[0].startswith("élément 1, id : identifiant répété ; gardé à sa place : élément 4 (du 2024-03-01")
    assert Place.objects.get(source_id="ok").name == "Doublon"
    assert place.unrecognised_values == {"services": ["Astrologie"]}


def test_report_csv(tmp_path):
    report = import_file(write_json(tmp_path, [v1_row(nom="")]), source_name="test")

    content = report.write_csv(tmp_path / "rapport.csv").read_text(encoding="utf-8")

    assert content.splitlines()[0] == "élément,champ,niveau,motif,valeur"
    assert "1,nom,rejet,nom du lieu manquant," in content


def test_report_csv_neutralises_values_a_spreadsheet_would_run(tmp_path):
    report = import_file(write_json(tmp_path, [v1_row(code_postal="=1+2")]), source_name="test")

    content = report.write_csv(tmp_path / "rapport.csv").read_text(encoding="utf-8")

    assert ",'=1+2\r\n" in content or ",'=1+2\n" in content
    assert ",=1+2" not in content


def test_unchanged_reimport_rewrites_nothing(tmp_path, django_assert_max_num_queries):
    path = write_json(tmp_path, [v1_row(id=str(n), horaires="Mo-Fr 09:00-12:00") for n in range(30)])
    import_file(path, source_name="test")
    before = dict(Place.objects.values_list("pk", "updated_at"))
    intervals = set(PlaceOpeningInterval.objects.values_list("pk", flat=True))

    with django_assert_max_num_queries(8):
        again = import_file(path, source_name="test", communes=CommuneIndex())

    assert (again.created, again.updated, again.unchanged) == (0, 0, 30)
    assert "0 modifiés, 30 inchangés" in again.summary_lines()[2]
    assert dict(Place.objects.values_list("pk", "updated_at")) == before
    assert set(PlaceOpeningInterval.objects.values_list("pk", flat=True)) == intervals


def test_a_changed_row_is_rewritten_with_its_intervals(tmp_path):
    import_file(write_json(tmp_path, [v1_row(id="a", horaires="Mo 09:00-12:00"), v1_row(id="b")]), source_name="t")
    kept = set(PlaceOpeningInterval.objects.filter(place__source_id="b").values_list("pk", flat=True))

    again = import_file(
        write_json(tmp_path, [v1_row(id="a", horaires="Tu 09:00-12:00"), v1_row(id="b")]), source_name="t"
    )

    assert (again.updated, again.unchanged) == (1, 1)
    assert Place.objects.get(source_id="a").opening_intervals.get().start_minute == 24 * 60 + 9 * 60
    assert set(PlaceOpeningInterval.objects.filter(place__source_id="b").values_list("pk", flat=True)) == kept


def test_reimport_updates_in_place(tmp_path):
    path = write_json(tmp_path, [v1_row(id="a", horaires="Mo 09:00-12:00"), v1_row(id="b")])
    first = import_file(path, source_name="test")
    place = Place.objects.get(source_id="a")
    place.qualification_state = enums.QualificationState.QUALIFIED
    place.accepts_pass_numerique = True
    place.save()

    path = write_json(tmp_path, [v1_row(id="a", nom="Nouveau nom", horaires="Tu 09:00-12:00"), v1_row(id="b")])
    second = import_file(path, source_name="test")

    assert (first.created, second.created, second.updated, second.unchanged) == (2, 0, 1, 1)
    assert Place.objects.count() == 2
    place.refresh_from_db()
    assert place.name == "Nouveau nom"
    assert place.qualification_state == enums.QualificationState.QUALIFIED  # ours, not the file's
    assert place.accepts_pass_numerique is True
    assert list(PlaceOpeningInterval.objects.values_list("start_minute", "end_minute")) == [(1440 + 540, 1440 + 720)]


def test_invalid_hours_are_kept_with_a_warning(tmp_path):
    report = import_file(write_json(tmp_path, [v1_row(horaires="Du lundi au vendredi 9h-17h")]), source_name="t")

    place = Place.objects.get()
    assert place.opening_hours == "Du lundi au vendredi 9h-17h"
    assert place.hours_status == enums.HoursStatus.INVALID
    assert [(issue.field, issue.level) for issue in report.issues] == [("horaires", "avertissement")]
    assert not place.opening_intervals.exists()


def test_missing_coordinates_and_insee_code_come_from_the_commune(tmp_path):
    marseille = CommuneFactory(marseille=True)
    rows = [
        v1_row(id="m", commune="MARSEILLE 1", code_postal="13001", code_insee=None, latitude=None, longitude=None),
        v1_row(id="g", commune="Ailleurs", code_postal="99999", code_insee=None, latitude=None, longitude=None),
    ]

    import_file(write_json(tmp_path, rows), source_name="test")

    place = Place.objects.get(source_id="m")
    assert place.commune_ref == marseille
    assert place.code_insee == "13055" and place.departement_code == "13"
    assert (place.latitude, place.longitude) == (marseille.latitude, marseille.longitude)
    assert place.coordinates_precision == enums.CoordinatesPrecision.COMMUNE
    assert Place.objects.get(source_id="g").coordinates_precision == enums.CoordinatesPrecision.UNKNOWN


def test_phone_numbers_in_e164():
    communes = CommuneIndex()
    outcome = validate_row(
        1, v1_row(telephone="05 55 52 00 00;+33 6 12 34 56 78|0262 79 00 49", code_postal="97400"), communes
    )

    assert outcome.values["phones"] == ["+33555520000", "+33612345678", "+262262790049"]
    assert [issue.message.split(" : ")[0] for issue in outcome.issues] == ["contact personnel ?"]  # the mobile


def test_unreadable_file(tmp_path):
    path = tmp_path / "vide.json"
    path.write_text("[", encoding="utf-8")

    with pytest.raises(ImportFailed, match="n'est pas un JSON valide"):
        import_file(path)


def test_default_source_name():
    assert default_source_name("/x/hub-du-sud-2023-05-17.json") == "hub-du-sud"
    assert default_source_name("hinaura-2021.json") == "hinaura"


def test_command_prints_a_summary_and_writes_the_report(tmp_path, capsys):
    path = write_json(tmp_path, [v1_row(), v1_row(id="x", nom="")])

    call_command(
        "import_places", str(path), "--source", "cmd", "--report", str(tmp_path / "r.csv"), "--wet-run", verbosity=0
    )

    out = capsys.readouterr().out
    assert "2 lignes lues : 1 lieux créés, 0 modifiés, 0 inchangés, 1 lignes rejetées" in out
    assert "élément 2, nom : nom du lieu manquant" in out
    assert (tmp_path / "r.csv").exists()
    assert Place.objects.filter(source_name="cmd").count() == 1


def test_command_is_a_dry_run_without_wet_run(tmp_path, capsys):
    path = write_json(tmp_path, [v1_row(), v1_row(id="x", nom="")])

    call_command("import_places", str(path), "--source", "cmd", "--report", str(tmp_path / "r.csv"))

    out = capsys.readouterr().out
    assert "1 lieux créés" in out and "Simulation : rien n'a été écrit" in out
    assert (tmp_path / "r.csv").exists()
    assert not Place.objects.filter(source_name="cmd").exists()


def test_overseas_number_with_a_wrong_country_code_is_corrected_with_a_warning():
    outcome = validate_row(1, v1_row(telephone="+269269662010|+33262711515|+596595581171"), CommuneIndex())

    assert outcome.values["phones"] == ["+262269662010", "+262262711515"]
    assert [(issue.field, issue.value) for issue in outcome.issues] == [
        ("telephone", "+269269662010"),
        ("telephone", "+33262711515"),
        ("telephone", "+596595581171"),
    ]
    assert "corrigé en +262269662010" in outcome.issues[0].message
    assert "invalide" in outcome.issues[2].message


def test_commune_homonyms_are_told_apart_by_departement_in_corsica_too():
    index = CommuneIndex(
        [
            CommuneInfo("2A001", "Sainte-Lucie", 41.9, 8.9, ("20100",)),
            CommuneInfo("2B001", "Sainte-Lucie", 42.5, 9.3, ("20250",)),
            CommuneInfo("23001", "Sainte-Lucie", 46.1, 1.8, ("23000",)),
        ]
    )
    # The postal code given matches no commune of that name: the département decides.
    assert index.find("", "20167", "Sainte-Lucie").code_insee == "2A001"
    assert index.find("", "20290", "Sainte-Lucie").code_insee == "2B001"
    assert index.find("", "23200", "Sainte-Lucie").code_insee == "23001"
