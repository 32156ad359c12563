"""Assisted diagnostics, progress, import by short code, anonymisation and statistics: pages and permissions."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from cordee.beneficiaries.models import ANONYMISED_ALIAS, Beneficiary
from cordee.diagnostics import services
from cordee.diagnostics.models import Diagnostic
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory, answers
from tests.structures.factories import MembershipFactory, StructureFactory
from tests.structures.user_kinds import USER_KINDS, login_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure():
    structure = StructureFactory()
    MembershipFactory(structure=structure)  # médiateur
    MembershipFactory(structure=structure, gestionnaire=True)
    return structure


def _answer_data(**kwargs):
    return {f"q_{key}": value for key, value in answers(**kwargs).items()}


# Who may see a person's pages: the members of the structure that follows them, nobody else (404).
PERSON_STATUS = {
    "anonymous": 302,
    "member": 200,
    "gestionnaire": 200,
    "member_elsewhere": 404,
    "coordinator_in_scope": 404,
    "coordinator_out_of_scope": 404,
    "national_admin": 404,
}


@pytest.mark.parametrize("kind", USER_KINDS)
@pytest.mark.parametrize("page", ["beneficiary", "create", "anonymise", "detail"])
def test_another_structure_never_sees_a_person(client, structure, kind, page):
    diagnostic = DiagnosticFactory(beneficiary=BeneficiaryFactory(structure=structure))
    pk = diagnostic.pk if page == "detail" else diagnostic.beneficiary_id
    login_as(client, kind, structure)
    response = client.get(reverse(f"www:diagnostics:{page}", kwargs={"pk": pk}))
    assert response.status_code == PERSON_STATUS[kind]


@pytest.mark.parametrize("kind", USER_KINDS)
def test_the_list_of_people_is_for_structures_only(client, structure, kind):
    BeneficiaryFactory(structure=structure, alias="Mme Visible")
    login_as(client, kind, structure)
    response = client.get(reverse("www:diagnostics:index"))
    # A member elsewhere has the page, for the people of their own structure only.
    expected = 200 if kind == "member_elsewhere" else PERSON_STATUS[kind]
    assert response.status_code == expected
    if response.status_code == 200:
        assert ("Mme Visible" in response.content.decode()) is (kind != "member_elsewhere")


def test_the_list_shows_only_the_people_of_the_users_structures(client, structure):
    BeneficiaryFactory(structure=structure, alias="Mme Ici")
    BeneficiaryFactory(alias="M. Ailleurs")
    login_as(client, "member", structure)
    page = client.get(reverse("www:diagnostics:index")).content.decode()
    assert "Mme Ici" in page and "M. Ailleurs" not in page


def test_an_aiguilleur_creates_a_person_with_consent_then_runs_a_diagnostic(client, structure):
    user = MembershipFactory(structure=structure, aiguilleur=True).user
    client.force_login(user)
    response = client.post(
        reverse("www:diagnostics:beneficiary_create"),
        {"structure": structure.pk, "alias": "Mme R.", "birth_year": "1950", "consent": "on"},
    )
    beneficiary = Beneficiary.objects.get()
    assert response.status_code == 302
    assert beneficiary.consent_at is not None and beneficiary.created_by == user
    response = client.post(reverse("www:diagnostics:create", kwargs={"pk": beneficiary.pk}), _answer_data())
    diagnostic = Diagnostic.objects.get()
    assert response["Location"] == reverse("www:diagnostics:detail", kwargs={"pk": diagnostic.pk})
    assert diagnostic.structure == structure and diagnostic.created_by == user


def test_no_person_without_consent(client, structure):
    login_as(client, "member", structure)
    response = client.post(
        reverse("www:diagnostics:beneficiary_create"), {"structure": structure.pk, "alias": "Mme R."}
    )
    assert response.status_code == 200
    assert "accord de la personne, rien" in response.content.decode()
    assert not Beneficiary.objects.exists()


def test_a_missing_answer_is_shown_next_to_its_question(client, structure):
    beneficiary = BeneficiaryFactory(structure=structure)
    login_as(client, "member", structure)
    data = _answer_data()
    del data["q_secu_arnaque"]
    response = client.post(reverse("www:diagnostics:create", kwargs={"pk": beneficiary.pk}), data)
    assert response.status_code == 200
    assert "Une réponse est nécessaire" in response.content.decode()
    assert not Diagnostic.objects.exists()


def test_a_second_diagnostic_shows_progress_per_area_with_dates(client, structure):
    beneficiary = BeneficiaryFactory(structure=structure)
    with freeze_time("2026-03-02 10:00"):
        DiagnosticFactory(beneficiary=beneficiary, answers=answers(default="ne_sait_pas"), created_at=timezone.now())
    login_as(client, "member", structure)
    page = client.get(reverse("www:diagnostics:beneficiary", kwargs={"pk": beneficiary.pk})).content.decode()
    assert "Progrès par domaine" not in page
    DiagnosticFactory(beneficiary=beneficiary, answers=answers(areas={"securite": "avec_aide"}, default="seul"))
    page = client.get(reverse("www:diagnostics:beneficiary", kwargs={"pk": beneficiary.pk})).content.decode()
    assert "Progrès par domaine" in page
    assert "02/03/2026" in page
    assert "<svg" in page
    assert "+3" in page and "+1" in page


def test_import_a_self_diagnostic_by_its_code(client, structure):
    beneficiary = BeneficiaryFactory(structure=structure)
    stored = services.save_self(services.current_version(), answers(), consent=True)
    login_as(client, "member", structure)
    response = client.post(
        reverse("www:diagnostics:import", kwargs={"pk": beneficiary.pk}), {"code": stored.short_code}
    )
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.beneficiary == beneficiary


def test_an_expired_code_gives_a_clear_message(client, structure):
    beneficiary = BeneficiaryFactory(structure=structure)
    with freeze_time(timezone.now() - dt.timedelta(days=100)):
        stored = services.save_self(services.current_version(), answers(), consent=True)
    login_as(client, "member", structure)
    response = client.post(
        reverse("www:diagnostics:import", kwargs={"pk": beneficiary.pk}), {"code": stored.short_code}
    )
    assert response.status_code == 400
    assert "Ce code a expiré" in response.content.decode()
    stored.refresh_from_db()
    assert stored.beneficiary is None


def test_anonymise_from_the_person_page(client, structure):
    beneficiary = BeneficiaryFactory(structure=structure, alias="Mme R.")
    login_as(client, "gestionnaire", structure)
    response = client.post(reverse("www:diagnostics:anonymise", kwargs={"pk": beneficiary.pk}))
    assert response.status_code == 302
    beneficiary.refresh_from_db()
    assert beneficiary.alias == ANONYMISED_ALIAS


STATS_STATUS = {
    "anonymous": 302,
    "member": 200,
    "gestionnaire": 200,
    "member_elsewhere": 200,
    "coordinator_in_scope": 200,
    "coordinator_out_of_scope": 200,
    "national_admin": 200,
}


@pytest.mark.parametrize("kind", USER_KINDS)
def test_statistics_count_only_what_the_user_may_see(client, structure, kind):
    DiagnosticFactory.create_batch(2, beneficiary=BeneficiaryFactory(structure=structure))
    login_as(client, kind, structure)
    response = client.get(reverse("www:diagnostics:statistics"))
    assert response.status_code == STATS_STATUS[kind]
    if response.status_code == 200:
        expected = 2 if kind in ("member", "gestionnaire", "coordinator_in_scope", "national_admin") else 0
        assert f"{expected} diagnostic" in response.content.decode()


def test_statistics_csv(client, structure):
    DiagnosticFactory(beneficiary=BeneficiaryFactory(structure=structure), answers=answers(frein_urgence="oui"))
    login_as(client, "gestionnaire", structure)
    response = client.get(reverse("www:diagnostics:statistics_csv"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "profil,a_aider,À aider (faire avec ou pour la personne),1" in body
    assert "diagnostics,,Diagnostics faits,1" in body


@pytest.mark.parametrize("kind", USER_KINDS)
def test_referentiel_page_is_for_the_national_admin(client, structure, kind):
    login_as(client, kind, structure)
    response = client.get(reverse("www:diagnostics:referentiel"))
    assert response.status_code == {"anonymous": 302, "national_admin": 200}.get(kind, 404)


def test_national_admin_drafts_edits_and_publishes_a_version(client, structure):
    login_as(client, "national_admin", structure)
    url = reverse("www:diagnostics:referentiel")
    client.post(url, {"action": "draft", "code": "2026-2"})
    draft = services.version_by_code("2026-1").__class__.objects.get(code="2026-2")
    question = draft.questions.get(code="comm_appel_video")
    client.post(url, {"action": "publish", "version": draft.pk, f"text_{question.pk}": "Appeler en vidéo."})
    assert services.current_version().code == "2026-2"
    assert services.current_version().questions.get(code="comm_appel_video").text == "Appeler en vidéo."
    assert (
        services.version_by_code("2026-1").questions.get(code="comm_appel_video").text == "Appeler un proche en vidéo."
    )


def test_statistics_by_departement_and_structure(client, structure):
    DiagnosticFactory(beneficiary=BeneficiaryFactory(structure=structure))
    elsewhere = StructureFactory(in_marseille=True)
    DiagnosticFactory(beneficiary=BeneficiaryFactory(structure=elsewhere), answers=answers(frein_urgence="oui"))
    login_as(client, "national_admin", structure)
    url = reverse("www:diagnostics:statistics")
    assert "2 diagnostics" in client.get(url).content.decode()
    creuse = client.get(url, {"departement": "23"}).content.decode()
    assert "1 diagnostic fait" in creuse
    body = client.get(reverse("www:diagnostics:statistics_csv"), {"structure": elsewhere.pk}).content.decode()
    assert "profil,a_aider,À aider (faire avec ou pour la personne),1" in body
    assert "profil,autonome,Autonome,0" in body
