"""Import fidelity on real-world files: tolerant values and columns, newest row wins, foreign formats
refused whole, identical places attached instead of doubled. Rows are written as real exports write them."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command

from cordee.aggregation.importing import values
from cordee.aggregation.importing.importer import ImportFailed, import_file
from cordee.aggregation.importing.validation import CommuneIndex, standard_column, validate_row
from cordee.places import enums
from cordee.places.models import Place
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db

S, P, PEC = enums.Service, enums.Public, enums.SpecificSupport


def write_json(tmp_path, rows, name="lieux.json"):
    path = tmp_path / name
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path


def write_csv(tmp_path, rows, name="lieux.csv", delimiter=","):
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def row(**overrides):
    base = {
        "id": "lieu-1",
        "pivot": "21230096600018",
        "nom": "Médiathèque André Lejeune",
        "commune": "Guéret",
        "code_postal": "23000",
        "adresse": "1 avenue Charles de Gaulle",
        "date_maj": "2024-03-01",
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def validated(**overrides):
    return validate_row(1, row(**overrides), CommuneIndex())


# --- 1. Tolerant values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Aide aux démarches administratives", [S.AIDE_DEMARCHES]),
        ("AIDE AUX DEMARCHES ADMINISTRATIVES", [S.AIDE_DEMARCHES]),
        ("aide aux démarches administrative", [S.AIDE_DEMARCHES]),
        (
            "Maîtrise des outils numériques du quotidien ; Accès internet et matériel informatique",
            [S.OUTILS_QUOTIDIEN, S.ACCES_INTERNET_MATERIEL],
        ),
        (
            "numerique--prendre-en-main-un-ordinateur|numerique--realiser-des-demarches-administratives-avec-un-"
            "accompagnement",
            [S.AIDE_DEMARCHES, S.OUTILS_QUOTIDIEN],
        ),
        (
            "['numerique--favoriser-mon-insertion-professionnelle', 'numerique--acceder-a-du-materiel']",
            [S.INSERTION_PRO, S.ACCES_INTERNET_MATERIEL],
        ),
        ('["Prendre en main un ordinateur"]', [S.OUTILS_QUOTIDIEN]),
        ("Prendre en main un ordinateur\nUtiliser le numérique au quotidien", [S.OUTILS_QUOTIDIEN]),
        (
            "Parentalité et éducation avec le numérique / Loisirs et créations numériques",
            [S.PARENTALITE, S.LOISIRS_CREATIONS],
        ),
        ("Maitrise des outils numerique du quotidient", [S.OUTILS_QUOTIDIEN]),
    ],
)
def test_services_written_in_many_ways_are_read(written, expected):
    outcome = validated(services=written)

    assert outcome.values["services"] == [str(value) for value in expected]
    assert outcome.values["unrecognised_values"] == {}


@pytest.mark.parametrize(
    ("column", "written", "field", "expected"),
    [
        (
            "publics_specifiquement_adresses",
            "Seniors (+65 ans)|familles-enfants",
            "publics",
            [P.FAMILLES_ENFANTS, P.SENIORS],
        ),
        (
            "publics_specifiquement_adresses",
            "seniors-65;jeunes-16-26;Etudiant",
            "publics",
            [P.JEUNES, P.ETUDIANTS, P.SENIORS],
        ),
        ("publics_accueillis", "Seniors (+ 65 ans);Surdité", "specific_support", [PEC.SURDITE]),
        (
            "prise_en_charge_specifique",
            "handicaps mentaux|DEFICIENCE VISUELLE",
            "specific_support",
            [PEC.HANDICAPS_MENTAUX, PEC.DEFICIENCE_VISUELLE],
        ),
        (
            "frais_a_charge",
            "gratuit|Gratuit sous conditions",
            "fees",
            [enums.Fee.GRATUIT, enums.Fee.GRATUIT_SOUS_CONDITION],
        ),
        ("frais_a_charge", "adhesion", "fees", [enums.Fee.PAYANT]),
        (
            "dispositif_programmes_nationaux",
            "France service|Maison France Service|conseiller-numerique",
            "national_programmes",
            [enums.NationalProgramme.CONSEILLERS_NUMERIQUES, enums.NationalProgramme.FRANCE_SERVICES],
        ),
        (
            "formations_labels",
            "Etapes numériques (La Poste)",
            "training_labels",
            [enums.TrainingLabel.ETAPES_NUMERIQUES],
        ),
        (
            "modalites_acces",
            "se presenter|Téléphoner",
            "access_modes",
            [enums.AccessMode.SE_PRESENTER, enums.AccessMode.TELEPHONER],
        ),
        (
            "modalites_accompagnement",
            "a-distance|Avec de l’aide : je suis accompagné seul dans l’usage du numérique",
            "support_modes",
            [enums.SupportMode.INDIVIDUEL, enums.SupportMode.A_DISTANCE],
        ),
    ],
)
def test_every_closed_list_is_read_tolerantly(column, written, field, expected):
    outcome = validated(**{column: written})

    assert outcome.values[field] == [str(value) for value in expected]
    assert outcome.values["unrecognised_values"] == {}


def test_curly_apostrophes_and_non_breaking_spaces_do_not_matter():
    outcome = validated(
        modalites_acces="Ce lieu n’accueille pas de public", frais_a_charge="Gratuit\u00a0sous condition"
    )

    assert outcome.values["access_modes"] == [enums.AccessMode.PAS_DE_PUBLIC.value]
    assert outcome.values["fees"] == [enums.Fee.GRATUIT_SOUS_CONDITION.value]


def test_pass_numerique_slug_sets_our_flag():
    assert validated(frais_a_charge="gratuit|pass-numerique").accepts_pass_numerique is True


def test_a_sentence_holding_several_services_gives_them():
    outcome = validated(
        services="Nous aidons à prendre en main un ordinateur et accompagnons les démarches administratives en ligne"
    )

    assert set(outcome.values["services"]) == {S.AIDE_DEMARCHES.value, S.OUTILS_QUOTIDIEN.value}
    assert [match.how for _column, match in outcome.value_matches] == [values.IN_TEXT]


def test_an_unknown_value_is_kept_on_the_place_and_warned_never_dropped(tmp_path):
    path = write_json(
        tmp_path, [row(services="Aide aux démarches administratives|Cours de cuisine", frais_a_charge="Sur devis")]
    )

    report = import_file(path, source_name="test")

    place = Place.objects.get()
    assert place.services == [S.AIDE_DEMARCHES.value]
    assert place.unrecognised_values == {"services": ["Cours de cuisine"], "frais_a_charge": ["Sur devis"]}
    assert {(issue.field, issue.value) for issue in report.warnings} == {
        ("services", "Cours de cuisine"),
        ("frais_a_charge", "Sur devis"),
    }


def test_a_fuzzy_match_is_only_above_the_threshold_and_reported():
    close = validated(services="Aide aux démarches adminstratives")
    far = validated(services="Aide aux devoirs")

    assert close.values["services"] == [S.AIDE_DEMARCHES.value]
    assert "rapprochée" in close.issues[-1].message
    assert far.values["services"] == [] and far.values["unrecognised_values"] == {"services": ["Aide aux devoirs"]}


def test_typologies_become_their_code_and_others_are_kept():
    outcome = validated(typologie="asso|Médiathèque|Garage solidaire")

    assert outcome.values["typologies"] == ["ASSO", "BIB", "Garage solidaire"]


def test_the_report_counts_per_field_what_was_normalised_matched_or_unrecognised(tmp_path):
    rows = [
        row(id="1", services="Aide aux démarches administratives|numerique--prendre-en-main-un-ordinateur"),
        row(id="2", services="Aide aux démarches adminstratives|Cours de cuisine"),
    ]

    report = import_file(write_json(tmp_path, rows), source_name="test")

    line = next(line for line in report.summary_lines() if "« services »" in line)
    assert line.startswith("Valeurs de « services » : 1 exact, 1 normalisé, 1 rapproché, 1 non reconnu")
    assert "« numerique--prendre-en-main-un-ordinateur → Maîtrise des outils numériques du quotidien »" in line
    assert "« Cours de cuisine »" in line
    content = report.write_csv(tmp_path / "rapport.csv").read_text(encoding="utf-8")
    assert ',valeurs,"Valeurs de « services »' in content


def test_the_managers_page_shows_the_unrecognised_values(client):
    from tests.users.factories import UserFactory

    place = PlaceFactory(unrecognised_values={"services": ["Cours de cuisine"], "publics_accueillis": ["Adultes+"]})
    client.force_login(UserFactory(national_admin=True))

    page = client.get(f"/gestion/lieux/{place.pk}/").content.decode()

    assert "Valeurs non reconnues" in page
    assert "« Cours de cuisine »" in page and "Publics accueillis (v0.1)" in page


def test_a_manager_says_the_unrecognised_values_are_dealt_with_and_the_journal_keeps_them(client):
    from cordee.journal.models import Entry
    from tests.users.factories import UserFactory

    place = PlaceFactory(unrecognised_values={"services": ["Cours de cuisine"], "publics_accueillis": ["Adultes+"]})
    client.force_login(UserFactory(national_admin=True))
    url = f"/gestion/lieux/{place.pk}/valeurs-non-reconnues/"

    response = client.post(url, {"column": "services"}, follow=True)

    place.refresh_from_db()
    assert place.unrecognised_values == {"publics_accueillis": ["Adultes+"]}
    page = response.content.decode()
    assert "« Cours de cuisine » ne seront plus affichées" in page and "« Adultes+ »" in page
    entry = Entry.objects.get(action="places.place.unrecognised_dismissed")
    assert entry.details == {"column": "services", "values": ["Cours de cuisine"]}
    # The same form sent again (a second tab) changes nothing and says so.
    again = client.post(url, {"column": "services"}, follow=True).content.decode()
    assert "ne sont plus à traiter" in again
    assert Entry.objects.filter(action="places.place.unrecognised_dismissed").count() == 1


# --- 2. Column aliases ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "standard"),
    [
        ("SIRET", "pivot"),
        ("pivot (siret ou rna)", "pivot"),
        ("horaires_ouverture", "horaires"),
        ("labels_nat", "labels_nationaux"),
        ("labels_autre", "autres_formations_labels"),
        ("courriel", "courriels"),
        ("Courriels", "courriels"),
        ("thematiques", "services"),
        ("Code Postal", "code_postal"),
        ("Code INSEE", "code_insee"),
        ("Nom", "nom"),
        ("Téléphone", "telephone"),
        ("Site internet", "site_web"),
        ("Adresse e-mail", "courriels"),
        ("Date de mise à jour", "date_maj"),
        ("Publics", "publics_specifiquement_adresses"),
        ("Frais", "frais_a_charge"),
        ("Couleur du logo", None),
    ],
)
def test_column_aliases(column, standard):
    assert standard_column(column) == standard


def test_a_file_with_aliased_columns_imports_and_lists_unknown_columns_once(tmp_path):
    rows = [
        {
            "ID": f"pfs-{n}",
            "Nom": f"France services de Guéret {n}",
            "pivot (siret ou rna)": "21230096600018",
            "Adresse": "1 avenue Charles de Gaulle",
            "Code Postal": "23000",
            "Commune": "Guéret",
            "Courriel": "accueil@example.org",
            "thematiques": "numerique--prendre-en-main-un-ordinateur",
            "horaires_ouverture": "Mo-Fr 09:00-12:00",
            "labels_nat": "France service",
            "Couleur": "bleu",
            "Référent": "",
        }
        for n in range(3)
    ]

    report = import_file(write_csv(tmp_path, rows, delimiter=";"), source_name="test")

    assert (report.created, report.rejected) == (3, 0)
    place = Place.objects.order_by("pk").first()
    assert place.emails == ["accueil@example.org"] and place.opening_hours == "Mo-Fr 09:00-12:00"
    assert place.services == [S.OUTILS_QUOTIDIEN.value] and place.pivot == "21230096600018"
    assert place.national_programmes == [enums.NationalProgramme.FRANCE_SERVICES.value]
    assert [note for note in report.file_notes if "inconnue" in note] == [
        "2 colonnes inconnues du standard, ignorées : Couleur, Référent."
    ]


# --- 5. Repeated ids ---------------------------------------------------------------------------------------


def test_a_repeated_id_keeps_the_newest_row_whatever_its_position(tmp_path):
    rows = [
        row(id="cyber-7", nom="Cyberbase (2024)", date_maj="2024-06-01", telephone="05 55 52 00 00"),
        row(id="cyber-7", nom="Cyberbase (2022)", date_maj="2022-01-10"),
        row(id="autre", nom="Autre lieu"),
    ]

    report = import_file(write_json(tmp_path, rows), source_name="test")

    assert Place.objects.get(source_id="cyber-7").name == "Cyberbase (2024)"
    assert [(issue.row, issue.field) for issue in report.rejections] == [(2, "id")]
    assert "élément 1 (du 2024-06-01" in report.rejections[0].message


def test_with_the_same_date_the_most_complete_row_wins(tmp_path):
    rows = [
        row(id="epn", nom="EPN complet", telephone="05 55 52 00 00", horaires="Mo 09:00-12:00"),
        row(id="epn", nom="EPN partiel"),
    ]

    import_file(write_json(tmp_path, rows), source_name="test")

    assert Place.objects.get().name == "EPN complet"


# --- 6. Foreign formats --------------------------------------------------------------------------------------


def test_a_file_of_another_format_is_refused_whole_with_what_was_expected_and_found(tmp_path):
    rows = [{"id_fs": str(n), "lib_structure": "France services", "h_lundi": "9h-12h"} for n in range(40)]
    path = write_csv(tmp_path, rows)

    with pytest.raises(ImportFailed) as refused:
        import_file(path, source_name="test")

    message = str(refused.value)
    assert "ne suit pas le standard" in message
    assert "« id », « nom »" in message and "« id_fs », « lib_structure », « h_lundi »" in message
    assert not Place.objects.exists()


def test_a_file_whose_rows_mostly_lack_id_and_name_is_refused(tmp_path):
    rows = [row(id="1")] + [row(id="", nom="") for _ in range(5)]

    with pytest.raises(ImportFailed, match="5 éléments sur 6 n'ont ni identifiant"):
        import_file(write_json(tmp_path, rows), source_name="test")
    assert not Place.objects.exists()


def test_the_command_fails_on_a_foreign_format_and_writes_nothing(tmp_path):
    path = write_csv(tmp_path, [{"Raison sociale": "Mairie", "Question 110": "12"}])

    with pytest.raises(CommandError, match="ne suit pas le standard"):
        call_command("import_places", str(path), "--source", "x", "--report", str(tmp_path / "r.csv"), "--wet-run")
    assert not Place.objects.exists()


# --- 7. Identity across sources -------------------------------------------------------------------------------


def test_rows_identical_to_places_of_another_source_are_counted_and_warned(tmp_path):
    import_file(write_json(tmp_path, [row(id="a"), row(id="b", nom="Espace Jean Zay")]), source_name="hub-du-sud")

    report = import_file(
        write_json(tmp_path, [row(id="x1", nom="MÉDIATHÈQUE ANDRÉ LEJEUNE"), row(id="x2", nom="Autre")], "b.json"),
        source_name="hub-du-sud-bis",
    )

    assert report.identical == 1 and report.created == 2
    assert any("1 lignes identiques" in line and "--attach-identical" in line for line in report.summary_lines())
    assert [issue.row for issue in report.warnings if "identique au lieu" in issue.message] == [1]


def test_with_attach_identical_the_place_is_updated_and_moves_to_the_new_source_and_id(tmp_path):
    import_file(
        write_json(tmp_path, [row(id="old-7", services="Aide aux démarches administratives")]), source_name="s"
    )
    place = Place.objects.get()

    report = import_file(
        write_json(tmp_path, [row(id="new-7", services="Loisirs et créations numériques")], "b.json"),
        source_name="s",
        attach_identical=True,
    )

    assert (report.created, report.updated, report.attached) == (0, 1, 1)
    place.refresh_from_db()
    assert (place.source_name, place.source_id) == ("s", "new-7")
    assert place.services == [S.LOISIRS_CREATIONS.value]
    assert Place.objects.count() == 1


def test_an_id_still_in_the_file_is_not_taken_for_a_changed_id(tmp_path):
    first = write_json(tmp_path, [row(id="a"), row(id="b")])
    import_file(first, source_name="s")  # two rows, same place on paper: both kept

    again = import_file(
        write_json(tmp_path, [row(id="a"), row(id="b"), row(id="c")], "b.json"), source_name="s", attach_identical=True
    )

    assert again.attached == 0 and Place.objects.count() == 3


def test_the_command_offers_and_applies_attach_identical(tmp_path, capsys):
    import_file(write_json(tmp_path, [row(id="a")]), source_name="one")
    path = write_json(tmp_path, [row(id="z")], "b.json")

    call_command("import_places", str(path), "--source", "two", "--report", str(tmp_path / "r.csv"), verbosity=0)
    assert "--attach-identical" in capsys.readouterr().out
    call_command(
        "import_places",
        str(path),
        "--source",
        "two",
        "--report",
        str(tmp_path / "r.csv"),
        "--attach-identical",
        "--wet-run",
        verbosity=0,
    )

    assert list(Place.objects.values_list("source_name", "source_id")) == [("two", "z")]


def test_an_aggregated_file_keys_by_source_and_still_keeps_the_newest_of_a_true_repeat(tmp_path):
    rows = [
        row(id="1003", source="Hinaura", nom="EPN de Riom", date_maj="2021-05-01"),
        row(id="1003", source="siao", nom="Accueil de jour"),
        row(id="1003", source="Hinaura", nom="EPN de Riom (mis à jour)", date_maj="2022-09-15"),
    ]

    report = import_file(write_json(tmp_path, rows), source_name="di")

    assert sorted(Place.objects.values_list("source_id", "name")) == [
        ("Hinaura:1003", "EPN de Riom (mis à jour)"),
        ("siao:1003", "Accueil de jour"),
    ]
    assert [(issue.row, issue.field) for issue in report.rejections] == [(1, "id")]


def test_a_slug_that_dropped_an_apostrophe_is_still_read():
    outcome = validated(
        services="numerique--s-equiper-en-materiel-informatique|numerique--sequiper-en-materiel-informatique",
        modalites_accompagnement="avec-de-laide-je-suis-accompagne-seul-dans-lusage-du-numerique",
    )

    assert outcome.values["services"] == [S.MATERIEL_PRIX_SOLIDAIRE.value]
    assert outcome.values["support_modes"] == [enums.SupportMode.INDIVIDUEL.value]
    assert {match.how for _column, match in outcome.value_matches} == {values.NORMALISED}
