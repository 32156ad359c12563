"""The entry pages: pre-filled from a referral, a diagnostic, a person or a past activity; change; the list."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cordee.activities.models import Activity
from cordee.referrals.enums import ReferralState
from tests.activities.factories import ActivityFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db
CREATE = reverse("www:activities:create")


@pytest.fixture
def team():
    structure = StructureFactory()
    mediator = MembershipFactory(structure=structure).user
    place = PlaceFactory(structure=structure)
    return structure, mediator, place


def form_data(where, **extra):
    data = {
        "kind": "individual",
        "date": timezone.localdate().isoformat(),
        "location_kind": "place",
        "place": where.pk,
        "duration": "30",
        "themes": ["email"],
    }
    data.update(extra)
    return data


def test_a_report_from_an_accepted_referral_marks_it_accompanied(client, team):
    structure, mediator, place = team
    referral = ReferralFactory(place=place, accepted=True)
    client.force_login(mediator)

    page = client.get(f"{CREATE}?orientation={referral.pk}")
    assert page.status_code == 200
    assert "personne accompagnée" in page.content.decode()
    assert page.context["form"].initial["referral"] == referral.pk
    assert page.context["form"].initial["themes"] == ["admin_procedures"]

    response = client.post(f"{CREATE}?orientation={referral.pk}", form_data(place, referral=referral.pk))

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCOMPANIED
    assert Activity.objects.get().referral == referral


def test_another_structures_referral_or_diagnostic_is_not_found(client, team):
    _structure, mediator, _place = team
    client.force_login(mediator)

    assert client.get(f"{CREATE}?orientation={ReferralFactory(accepted=True).pk}").status_code == 404
    assert client.get(f"{CREATE}?diagnostic={DiagnosticFactory().pk}").status_code == 404
    assert client.get(f"{CREATE}?personne={BeneficiaryFactory().pk}").status_code == 404
    assert client.get(f"{CREATE}?dupliquer={ActivityFactory().pk}").status_code == 404


def test_a_report_from_a_diagnostic_names_the_person(client, team):
    structure, mediator, place = team
    diagnostic = DiagnosticFactory(beneficiary=BeneficiaryFactory(structure=structure))
    client.force_login(mediator)

    page = client.get(f"{CREATE}?diagnostic={diagnostic.pk}")

    initial = page.context["form"].initial
    assert (initial["diagnostic"], initial["beneficiary"]) == (diagnostic.pk, diagnostic.beneficiary_id)
    response = client.post(CREATE, form_data(place, diagnostic=diagnostic.pk, beneficiary=diagnostic.beneficiary_id))
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.diagnostic, activity.beneficiary) == (diagnostic, diagnostic.beneficiary)


def test_a_home_visit_copies_the_persons_commune(client, team):
    structure, mediator, place = team
    person = BeneficiaryFactory(structure=structure, commune=CommuneFactory(code_insee="23176", name="Saint-Vaury"))
    client.force_login(mediator)

    response = client.post(
        CREATE, form_data(place, location_kind="home", place="", beneficiary=person.pk, gender="female")
    )

    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.commune_id == "23176"
    assert activity.gender_female == 0  # a followed person is counted from their own record
    assert activity.gender_unknown == 1


def test_an_anonymous_person_is_counted_from_the_few_facts_given(client, team):
    _structure, mediator, place = team
    client.force_login(mediator)

    client.post(CREATE, form_data(place, gender="female", age_band="60_69", status="retired", returning="on"))

    activity = Activity.objects.get()
    assert (activity.gender_female, activity.age_60_69, activity.status_retired, activity.returning) == (1, 1, 1, 1)


def test_a_workshop_with_its_counts(client, team):
    _structure, mediator, place = team
    client.force_login(mediator)

    response = client.post(
        CREATE,
        form_data(
            place,
            kind="workshop",
            title="Premiers pas",
            level="beginner",
            participants="8",
            gender_female="5",
            age_70_plus="3",
            duration="autre",
            duration_other="100",
        ),
    )

    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.participants, activity.gender_female, activity.gender_unknown, activity.age_70_plus) == (
        8,
        5,
        3,
        3,
    )
    assert activity.duration_minutes == 100


def test_refusals_are_shown_beside_their_fields(client, team):
    _structure, mediator, place = team
    client.force_login(mediator)

    response = client.post(
        CREATE, form_data(place, kind="workshop", title="Atelier", participants="2", gender_male="3", duration="")
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["participants"] == ["La répartition par genre dépasse le total des participants (2)."]
    assert form.errors["duration"] == ["Indiquez la durée de l'activité."]
    assert not Activity.objects.exists()


def test_a_postal_code_shared_by_several_communes_asks_for_the_insee_code(client, team):
    _structure, mediator, place = team
    CommuneFactory(code_insee="23177", name="Saint-Victor-en-Marche", postal_codes="23000")
    client.force_login(mediator)

    response = client.post(CREATE, form_data(place, location_kind="elsewhere", commune="23000"))

    assert response.status_code == 400
    assert "Plusieurs communes ont ce code postal" in response.context["form"].errors["commune"][0]


def test_duplicate_then_save_another(client, team):
    structure, mediator, place = team
    source = ActivityFactory(structure=structure, mediator=mediator, place=place, duration_minutes=45, note="x")
    client.force_login(mediator)

    page = client.get(f"{CREATE}?dupliquer={source.pk}")
    initial = page.context["form"].initial
    assert (initial["duration"], initial["place"], initial["themes"]) == ("45", place.pk, ["email"])
    assert "note" not in initial

    response = client.post(CREATE, form_data(place, encore="1"))
    new = Activity.objects.order_by("-pk").first()
    assert response["Location"] == f"{CREATE}?dupliquer={new.pk}"


def test_edit_keeps_the_anonymous_facts_and_the_frequent_duration_comes_first(client, team):
    structure, mediator, place = team
    client.force_login(mediator)
    client.post(CREATE, form_data(place, duration="90", gender="male"))
    activity = Activity.objects.get()
    url = reverse("www:activities:edit", kwargs={"pk": activity.pk})

    page = client.get(url)

    assert page.context["form"].initial["gender"] == "male"
    assert page.context["form"]["duration"].field.choices[0] == ("90", "1 h 30")
    response = client.post(url, form_data(place, duration="60", gender="male"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.duration_minutes, activity.gender_male) == (60, 1)


def test_the_list_shows_mine_then_my_structures(client, team):
    structure, mediator, place = team
    ActivityFactory(structure=structure, mediator=mediator, place=place, title="La mienne")
    ActivityFactory(structure=structure, place=place, title="Celle du collègue", kind="workshop")
    client.force_login(mediator)

    mine = client.get(reverse("www:activities:index")).content.decode()
    everyone = client.get(reverse("www:activities:index") + "?liste=structure").content.decode()

    assert "La mienne" in mine and "Celle du collègue" not in mine
    assert "La mienne" in everyone and "Celle du collègue" in everyone


def test_a_coordinator_records_an_event(client):
    coordinator = CoordinatorScopeFactory().user
    client.force_login(coordinator)

    page = client.get(CREATE)
    assert [value for value, _ in page.context["form"].fields["kind"].choices] == ["animation", "event", "partnership"]
    response = client.post(
        CREATE,
        {
            "kind": "event",
            "title": "Forum de l'inclusion",
            "date": timezone.localdate().isoformat(),
            "location_kind": "remote",
            "duration": "120",
        },
    )

    assert response.status_code == 302
    assert Activity.objects.get().mediator == coordinator


def test_the_persons_page_shows_their_journey_on_one_timeline(client, team):
    from tests.diagnostics.factories import DiagnosticFactory as Diagnostics

    structure, mediator, place = team
    person = BeneficiaryFactory(structure=structure, alias="Mme K.")
    Diagnostics(beneficiary=person)
    ActivityFactory(structure=structure, mediator=mediator, place=place, beneficiary=person, title="Suivi CAF")
    workshop = ActivityFactory(structure=structure, place=place, workshop=True, title="Atelier courriel")
    workshop.participant_links.create(beneficiary=person)
    ActivityFactory(title="Ailleurs")  # another structure's
    client.force_login(mediator)

    html = client.get(reverse("www:diagnostics:beneficiary", kwargs={"pk": person.pk})).content.decode()

    assert "Parcours" in html
    assert "Suivi CAF" in html and "Atelier courriel" in html and "Diagnostic" in html
    assert "Ailleurs" not in html
    assert f"?personne={person.pk}" in html


def test_an_accepted_referrals_page_offers_the_report(client, team):
    _structure, mediator, place = team
    referral = ReferralFactory(place=place, accepted=True)
    client.force_login(mediator)

    html = client.get(reverse("www:referrals:detail", kwargs={"pk": referral.pk})).content.decode()

    assert f"/activites/nouvelle/?orientation={referral.pk}" in html


def test_a_new_followed_person_may_give_gender_and_situation(client, team):
    from cordee.beneficiaries.models import Beneficiary

    structure, mediator, _place = team
    client.force_login(mediator)

    response = client.post(
        reverse("www:diagnostics:beneficiary_create"),
        {"structure": structure.pk, "alias": "Mme R.", "gender": "female", "status": "retired", "consent": "on"},
    )

    assert response.status_code == 302
    person = Beneficiary.objects.get()
    assert (person.gender, person.status) == ("female", "retired")


def test_a_quick_request_takes_the_persons_few_facts_as_counts_of_one(client, team):
    _structure, mediator, place = team
    client.force_login(mediator)
    facts = {"gender": "male", "age_band": "18_24", "status": "student", "returning": "on"}

    response = client.post(CREATE, form_data(place, kind="quick", **facts))

    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.kind, activity.participants) == ("quick", 1)
    assert (activity.gender_male, activity.age_18_24, activity.status_student, activity.returning) == (1, 1, 1, 1)
    assert (activity.gender_unknown, activity.age_unknown, activity.status_unknown) == (0, 0, 0)
    edit = client.get(reverse("www:activities:edit", kwargs={"pk": activity.pk})).context["form"]
    assert {name: edit.initial[name] for name in ("gender", "age_band", "status", "returning")} == {
        **facts,
        "returning": True,
    }


def test_a_quick_request_without_facts_counts_one_person_not_communicated(client, team):
    _structure, mediator, place = team
    client.force_login(mediator)

    client.post(CREATE, form_data(place, kind="quick"))

    activity = Activity.objects.get()
    assert (activity.participants, activity.gender_unknown, activity.age_unknown, activity.status_unknown) == (
        1,
        1,
        1,
        1,
    )
    assert activity.returning == 0


def test_a_quick_request_is_never_for_a_followed_person(client, team):
    structure, mediator, place = team
    person = BeneficiaryFactory(structure=structure)
    client.force_login(mediator)

    response = client.post(CREATE, form_data(place, kind="quick", beneficiary=person.pk))

    assert response.status_code == 400
    assert response.context["form"].errors["beneficiary"]
    assert not Activity.objects.exists()
