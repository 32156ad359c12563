import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from cordee.core.errors import Conflict, Invalid, NotFound, Refused
from cordee.core.ratelimit import RateLimited
from cordee.diagnostics import services
from cordee.diagnostics.enums import Mode, VersionState
from cordee.diagnostics.models import SHORT_CODE_ALPHABET, Diagnostic, DiagnosticVersion
from cordee.journal.models import Entry
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory, answers
from tests.structures.factories import MembershipFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_fresh_database_has_2026_1_published():
    version = services.current_version()
    assert version.code == "2026-1"
    assert version.state == VersionState.PUBLISHED
    assert 12 <= version.questions.filter(kind="skill").count() <= 18
    assert {area.code for area in version.areas.all()} >= {"information", "securite", "demarches"}


def test_nothing_stored_without_consent():
    version = services.current_version()
    with pytest.raises(Refused):
        services.save_self(version, answers(), consent=False)
    assert not Diagnostic.objects.exists()


def test_a_person_without_consent_gets_no_stored_diagnostic():
    membership = MembershipFactory(aiguilleur=True)
    beneficiary = BeneficiaryFactory(structure=membership.structure, without_consent=True)
    with pytest.raises(Refused):
        services.save_assisted(membership.user, beneficiary, answers())
    assert not Diagnostic.objects.exists()


def test_self_diagnostic_stored_with_consent_gets_a_short_code_for_90_days():
    diagnostic = services.save_self(services.current_version(), answers(), consent=True)
    assert diagnostic.mode == Mode.SELF
    assert len(diagnostic.short_code) == 6
    assert set(diagnostic.short_code) <= set(SHORT_CODE_ALPHABET)
    assert not set("0O1IL5S2Z8B") & set(SHORT_CODE_ALPHABET)
    assert diagnostic.short_code_expires_at - diagnostic.created_at == dt.timedelta(days=90)
    assert diagnostic.structure is None and diagnostic.beneficiary is None


def test_import_by_short_code_attaches_it_to_the_person():
    membership = MembershipFactory(aiguilleur=True)
    beneficiary = BeneficiaryFactory(structure=membership.structure)
    stored = services.save_self(services.current_version(), answers(), consent=True)
    imported = services.import_by_short_code(membership.user, stored.short_code.lower(), beneficiary)
    assert imported.pk == stored.pk
    assert imported.beneficiary == beneficiary
    assert imported.structure == membership.structure
    assert imported.short_code is None
    assert Entry.objects.filter(action="diagnostic.imported").exists()


def test_an_expired_short_code_is_refused_with_a_clear_message():
    with freeze_time(timezone.now() - dt.timedelta(days=91)):
        stored = services.save_self(services.current_version(), answers(), consent=True)
    with pytest.raises(Refused) as error:
        services.find_by_short_code(stored.short_code)
    assert error.value.reason == "expired_code"
    assert "expiré" in error.value.message


def test_an_unknown_short_code_is_not_found():
    with pytest.raises(NotFound):
        services.find_by_short_code("AAAAAA")


def test_an_account_cannot_try_codes_one_after_the_other_to_attach_a_strangers_diagnostic():
    membership = MembershipFactory(aiguilleur=True)
    beneficiary = BeneficiaryFactory(structure=membership.structure)
    colleague = MembershipFactory(aiguilleur=True, structure=membership.structure).user
    stored = services.save_self(services.current_version(), answers(), consent=True)
    for _attempt in range(services.IMPORT_WRONG_CODES.attempts):
        with pytest.raises(NotFound):
            services.import_by_short_code(membership.user, "AAAAAA", beneficiary)
    # Past the limit even the right code waits, and nothing is attached.
    with pytest.raises(RateLimited) as refused:
        services.import_by_short_code(membership.user, stored.short_code, beneficiary)
    assert refused.value.status == 429 and refused.value.retry_after > 0
    assert "depuis votre compte" in refused.value.message
    stored.refresh_from_db()
    assert stored.beneficiary is None
    # The limit is the account's: a colleague is not held back.
    assert services.import_by_short_code(colleague, stored.short_code, beneficiary).beneficiary == beneficiary


def test_import_into_a_person_of_another_structure_is_not_found():
    membership = MembershipFactory(aiguilleur=True)
    stored = services.save_self(services.current_version(), answers(), consent=True)
    with pytest.raises(NotFound):
        services.import_by_short_code(membership.user, stored.short_code, BeneficiaryFactory())


def test_assisted_diagnostic_for_a_person_of_another_structure_is_not_found():
    membership = MembershipFactory(aiguilleur=True)
    with pytest.raises(NotFound):
        services.save_assisted(membership.user, BeneficiaryFactory(), answers())


def test_an_old_result_keeps_its_version_and_its_questions():
    old = DiagnosticFactory()
    admin = UserFactory(national_admin=True)
    draft = services.new_draft(admin, old.version, "2026-2")
    draft.questions.filter(code="secu_paiement").delete()
    draft.questions.filter(code="comm_appel_video").update(text="Appeler un proche en vidéo avec son téléphone.")
    services.publish(admin, draft)

    old.refresh_from_db()
    assert old.version.code == "2026-1"
    assert old.version.state == VersionState.ARCHIVED
    assert old.version.questions.filter(code="secu_paiement").exists()
    assert old.version.questions.get(code="comm_appel_video").text == "Appeler un proche en vidéo."
    assert services.current_version().code == "2026-2"
    # New answers follow the new version: the removed question is now unknown.
    with pytest.raises(Invalid) as error:
        services.evaluate(services.current_version(), answers())
    assert set(error.value.errors) == {"secu_paiement"}
    # …and the old version still scores its own answers.
    services.evaluate(services.version_by_code("2026-1"), answers())


def test_only_a_draft_can_be_published():
    with pytest.raises(Conflict):
        services.publish(UserFactory(national_admin=True), services.current_version())


def test_a_draft_cannot_be_used_to_answer():
    services.new_draft(UserFactory(national_admin=True), services.current_version(), "2026-2")
    with pytest.raises(Invalid):
        services.version_by_code("2026-2")
    assert DiagnosticVersion.objects.current().code == "2026-1"
