"""The activity report form offers the redemption of a Pass numérique: the activity and the pass are saved together,
or neither is; the refusal's message shows on the field. The activity's page and the person's timeline show it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cordee.activities.models import Activity
from cordee.pass_numerique import codes, services
from cordee.pass_numerique.enums import PassState
from cordee.pass_numerique.models import Pass, Redemption
from tests.activities.factories import ActivityFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.pass_numerique.factories import build_world
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db
CREATE = reverse("www:activities:create")


def form_data(place, **extra):
    return {
        "kind": "individual",
        "date": timezone.localdate().isoformat(),
        "location_kind": "place",
        "place": place.pk,
        "duration": "60",
        "themes": ["email"],
        **extra,
    }


@pytest.fixture
def world(client):
    world = build_world()
    client.force_login(world.mediateur)
    return world


def test_the_field_is_there_only_for_a_team_with_an_accepting_place(client, world):
    page = client.get(CREATE).content.decode()
    assert "Pass numérique utilisé" in page and 'name="pass_code"' in page
    client.force_login(world.other_mediateur)  # its place does not accept the Pass numérique
    assert 'name="pass_code"' not in client.get(CREATE).content.decode()


def test_the_activity_and_its_pass_are_saved_together(client, world):
    code = world.code()
    beneficiary = BeneficiaryFactory(structure=world.place_structure)
    response = client.post(
        CREATE, form_data(world.place, pass_code=codes.display(code).lower(), beneficiary=beneficiary.pk)
    )
    assert response.status_code == 302, response.context["form"].errors
    activity = Activity.objects.get()
    redemption = Redemption.objects.get()
    assert redemption.activity == activity and redemption.place == world.place
    assert Pass.objects.get(code=code).state == PassState.REDEEMED
    followed = client.get(response.url).content.decode()
    assert f"Pass {codes.display(code)} utilisé à « Médiathèque »" in followed
    assert 'fr-badge--info fr-mt-1v">Pass numérique</p>' in followed  # the list marks it
    # The activity's page and the person's timeline show it.
    page = client.get(reverse("www:activities:edit", kwargs={"pk": activity.pk})).content.decode()
    assert "Pass numérique utilisé" in page and codes.display(code) in page and "dû au lieu" in page
    timeline = client.get(reverse("www:diagnostics:beneficiary", kwargs={"pk": beneficiary.pk})).content.decode()
    assert "Pass numérique utilisé" in timeline and codes.display(code) in timeline


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("used", "Ce pass a déjà été utilisé le"),
        ("cancelled", "Ce pass a été annulé"),
        ("not_distributed", "Ce pass n'a pas encore été remis"),
        ("malformed", "caractère"),
    ],
)
def test_a_refused_pass_saves_nothing_and_tells_why_on_the_field(client, world, case, message):
    if case == "used":
        code = world.code()
        services.redeem(world.mediateur, code=code, place_id=world.place.pk)
    elif case == "cancelled":
        code = world.code()
        services.cancel_passes(world.funder_manager, world.order, codes_list=[code])
    elif case == "not_distributed":
        code = world.code("allocated")
    else:
        shown = codes.display(world.code())
        code = shown[:-1] + ("Z" if shown[-1] != "Z" else "Y")  # a wrong check character
    activities, redemptions = Activity.objects.count(), Redemption.objects.count()
    response = client.post(CREATE, form_data(world.place, pass_code=code))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["pass_code"], errors
    assert message in errors["pass_code"][0]
    assert (Activity.objects.count(), Redemption.objects.count()) == (activities, redemptions)
    assert 'id="id_pass_code-errors"' in response.content.decode()


def test_the_pass_is_used_at_the_activity_place_only_if_it_accepts_it(client, world):
    elsewhere = PlaceFactory(structure=world.place_structure, name="Annexe")  # does not accept the pass
    response = client.post(CREATE, form_data(elsewhere, pass_code=world.code()))
    assert response.status_code == 400
    assert "lieu de votre structure qui l'accepte" in response.context["form"].errors["pass_code"][0]
    response = client.post(CREATE, {**form_data(world.place, pass_code=world.code()), "location_kind": "remote"})
    assert response.status_code == 400
    assert not Activity.objects.exists() and not Redemption.objects.exists()


def test_an_existing_activity_can_be_paid_by_a_pass_and_then_not_deleted(client, world):
    activity = ActivityFactory(structure=world.place_structure, place=world.place, mediator=world.mediateur)
    edit = reverse("www:activities:edit", kwargs={"pk": activity.pk})
    response = client.post(edit, form_data(world.place, pass_code=world.code()))
    assert response.status_code == 302, response.context["form"].errors
    assert Redemption.objects.get().activity == activity
    response = client.post(reverse("www:activities:delete", kwargs={"pk": activity.pk}), follow=True)
    assert "ne peut pas être supprimée" in response.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_without_a_code_nothing_changes_for_the_pass(client, world):
    response = client.post(CREATE, form_data(world.place, pass_code=""))
    assert response.status_code == 302
    assert Activity.objects.count() == 1 and not Redemption.objects.exists()
