"""Contacts that look like a person's are flagged to the place's managers (issue 8, item 8)."""

import re

import pytest
from django.urls import reverse

from cordee.aggregation.importing.importer import import_file
from cordee.places import contacts
from cordee.places.models import Place
from tests import user_kinds
from tests.places.factories import PlaceFactory
from tests.places.test_import import v1_row, write_json
from tests.structures.factories import StructureFactory
from tests.territories.factories import CommuneFactory


@pytest.mark.parametrize(
    ("email", "personal"),
    [
        ("jean.dupont@gmail.com", True),
        ("j.dupont@ville-gueret.fr", True),
        ("Élodie.Géraud@exemple.fr", True),
        ("marie-anne_martin@asso.org", True),
        ("jean.dupont2@exemple.fr", True),
        ("contact@exemple.fr", False),
        ("mediation.numerique@exemple.fr", False),
        ("accueil.mairie@exemple.fr", False),
        ("cnfs.dupont@exemple.fr", False),
        ("ville.gueret@exemple.fr", False),
        ("a.b@exemple.fr", False),
        ("jdupont@exemple.fr", False),  # one word: cannot tell
        ("", False),
    ],
)
def test_email_that_looks_like_a_name(email, personal):
    assert contacts.email_looks_personal(email) is personal


@pytest.mark.parametrize(
    ("phone", "mobile"),
    [
        ("+33612345678", True),
        ("+33781234567", True),
        ("+262692123456", True),  # La Réunion
        ("+590690123456", True),  # Guadeloupe
        ("+33555641234", False),
        ("+33969320000", False),
        ("+262262123456", False),
        ("pas un numéro", False),
    ],
)
def test_mobile_numbers(phone, mobile):
    assert contacts.phone_is_mobile(phone) is mobile


def test_personal_contacts_lists_emails_then_phones():
    found = contacts.personal_contacts(["contact@lieu.fr", "jean.dupont@lieu.fr"], ["+33555641234", "+33612345678"])
    assert [(contact.kind, contact.value) for contact in found] == [
        (contacts.EMAIL, "jean.dupont@lieu.fr"),
        (contacts.PHONE, "+33612345678"),
    ]


@pytest.mark.django_db
def test_import_report_warns_about_personal_contacts_and_keeps_them(tmp_path):
    CommuneFactory()
    rows = [
        v1_row(id="1", courriels="jean.dupont@exemple.fr", telephone="06 12 34 56 78"),
        v1_row(id="2", courriels="accueil@exemple.fr", telephone="05 55 64 12 34"),
    ]
    report = import_file(write_json(tmp_path, rows), source_name="test")
    assert report.created == 2
    flagged = [issue for issue in report.issues if issue.message.startswith(contacts.PERSONAL_WARNING)]
    assert [(issue.row, issue.field, issue.value) for issue in flagged] == [
        (1, "courriels", "jean.dupont@exemple.fr"),
        (1, "telephone", "+33612345678"),
    ]
    assert report.personal_contacts == 1
    assert any("1 lieux publient un contact qui semble personnel" in line for line in report.summary_lines())
    report.write_csv(tmp_path / "rapport.csv")
    rows_of_the_csv = (tmp_path / "rapport.csv").read_text(encoding="utf-8")
    assert "contact personnel ?" in rows_of_the_csv
    assert Place.objects.get(source_id="1").emails == ["jean.dupont@exemple.fr"]  # kept: the place published it


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["member", "gestionnaire", "coordinator_in_scope", "national_admin"])
def test_management_page_flags_personal_contacts_to_who_manages_the_place(client, kind):
    structure = StructureFactory()
    place = PlaceFactory(structure=structure, emails=["jean.dupont@exemple.fr"], phones=["+33612345678"])
    user_kinds.login_as(client, kind, structure)
    response = client.get(reverse("www:places_manage:detail", args=[place.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Un contact semble personnel" in text
    assert re.search(r"jean\.dupont@exemple\.fr\s+ressemble à l&#x27;adresse d&#x27;une personne", text)
    assert "06 12 34 56 78" in text
    assert "contact générique" in text


@pytest.mark.django_db
def test_management_page_says_nothing_for_generic_contacts(client):
    structure = StructureFactory()
    place = PlaceFactory(structure=structure, with_contacts=True)
    user_kinds.login_as(client, "gestionnaire", structure)
    response = client.get(reverse("www:places_manage:detail", args=[place.pk]))
    assert "Un contact semble personnel" not in response.content.decode()


@pytest.mark.django_db
def test_personal_data_page_documents_the_rule(client):
    text = client.get(reverse("www:legal:personal_data")).content.decode()
    assert "prenom.nom@" in text
    assert "numéro de portable" in text
