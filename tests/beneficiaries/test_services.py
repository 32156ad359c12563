import pytest

from cordee.beneficiaries import registry
from cordee.beneficiaries.models import ANONYMISED_ALIAS
from cordee.beneficiaries.services import anonymise, create_beneficiary, update_beneficiary
from cordee.core.errors import Conflict, Invalid, NotFound
from cordee.journal.models import Entry
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory, answers
from tests.structures.factories import MembershipFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_create_records_consent_with_its_date():
    membership = MembershipFactory(aiguilleur=True)
    beneficiary = create_beneficiary(
        membership.user, membership.structure, alias="Mme R.", consent=True, birth_year=1950
    )
    assert beneficiary.consent_given and beneficiary.consent_at is not None
    assert beneficiary.created_by == membership.user
    assert Entry.objects.filter(action="beneficiary.created").exists()


def test_nothing_is_created_without_consent():
    membership = MembershipFactory(aiguilleur=True)
    with pytest.raises(Invalid) as error:
        create_beneficiary(membership.user, membership.structure, alias="Mme R.", consent=False)
    assert set(error.value.errors) == {"consent"}


def test_a_non_member_cannot_create_in_a_structure():
    membership = MembershipFactory()
    with pytest.raises(NotFound):
        create_beneficiary(MembershipFactory().user, membership.structure, alias="A", consent=True)


def test_anonymise_blanks_the_person_and_their_diagnostics_keeping_the_figures():
    membership = MembershipFactory(aiguilleur=True)
    beneficiary = BeneficiaryFactory(
        structure=membership.structure, birth_year=1950, commune=CommuneFactory(), alias="Mme R."
    )
    diagnostic = DiagnosticFactory(beneficiary=beneficiary, answers=answers(frein_handicap="oui"), note="Voit mal")
    levels, profile = diagnostic.levels, diagnostic.profile

    changed = anonymise(membership.user, beneficiary)

    beneficiary.refresh_from_db()
    diagnostic.refresh_from_db()
    assert changed == {"activities": 0, "diagnostics": 1}
    assert beneficiary.alias == ANONYMISED_ALIAS
    assert beneficiary.birth_year is None and beneficiary.commune is None
    assert beneficiary.anonymised_at is not None
    assert "frein_handicap" not in diagnostic.answers
    assert diagnostic.note == ""
    assert (diagnostic.levels, diagnostic.profile) == (levels, profile)
    entry = Entry.objects.get(action="beneficiary.anonymised")
    assert "Mme R." not in str(entry.details)


def test_anonymise_by_another_structure_is_not_found():
    beneficiary = BeneficiaryFactory(alias="Mme R.")
    with pytest.raises(NotFound):
        anonymise(MembershipFactory().user, beneficiary)
    beneficiary.refresh_from_db()
    assert beneficiary.alias == "Mme R."


def test_every_app_registers_its_eraser():
    assert "diagnostics" in registry.erasers()


def test_update_changes_gender_and_status_and_journals_field_names_only():
    person = BeneficiaryFactory()
    member = MembershipFactory(structure=person.structure).user

    update_beneficiary(member, person, gender="female", status="retired")

    person.refresh_from_db()
    assert (person.gender, person.status) == ("female", "retired")
    entry = Entry.objects.get(action="beneficiary.updated")
    assert entry.details == {"fields": ["gender", "status"]}
    update_beneficiary(member, person, gender="female", status="")  # blank: « non communiqué »
    person.refresh_from_db()
    assert person.status == "unknown"
    assert Entry.objects.filter(action="beneficiary.updated").count() == 2


def test_update_refuses_unknown_values_other_structures_and_anonymised_people():
    person = BeneficiaryFactory()
    member = MembershipFactory(structure=person.structure).user
    with pytest.raises(Invalid) as raised:
        update_beneficiary(member, person, gender="other", status="retraite")
    assert set(raised.value.errors) == {"gender", "status"}
    with pytest.raises(NotFound):
        update_beneficiary(MembershipFactory().user, person, gender="male", status="unknown")
    anonymise(member, person)
    with pytest.raises(Conflict):
        update_beneficiary(member, person, gender="male", status="unknown")
    assert not Entry.objects.filter(action="beneficiary.updated").exists()
