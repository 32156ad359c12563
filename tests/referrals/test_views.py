import contextlib
import re
import zlib

import pytest
from django.urls import reverse

from cordee.places.enums import Service
from cordee.referrals.enums import ReferralState
from cordee.referrals.models import Referral
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory, outsider, place_member
from tests.structures.factories import CoordinatorScopeFactory, MembershipFactory, StructureFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def user_of(kind, referral):
    return {
        "anonymous": lambda: None,
        "prescriber": lambda: referral.prescriber,
        "prescriber_colleague": lambda: MembershipFactory(structure=referral.prescriber_structure).user,
        "place_member": lambda: place_member(referral),
        "member_elsewhere": outsider,
        "coordinator_in_scope": lambda: CoordinatorScopeFactory().user,
        "national_admin": lambda: UserFactory(national_admin=True),
    }[kind]()


@pytest.mark.parametrize(
    ("kind", "detail_status", "sheet_status"),
    [
        ("anonymous", 302, 302),
        ("prescriber", 200, 200),
        ("prescriber_colleague", 200, 200),
        ("place_member", 200, 200),
        ("member_elsewhere", 404, 404),
        ("coordinator_in_scope", 404, 404),
        ("national_admin", 404, 404),
    ],
)
def test_detail_and_sheet_for_every_kind_of_user(client, kind, detail_status, sheet_status):
    referral = ReferralFactory()
    user = user_of(kind, referral)
    if user is not None:
        client.force_login(user)
    assert client.get(reverse("www:referrals:detail", kwargs={"pk": referral.pk})).status_code == detail_status
    assert client.get(reverse("www:referrals:sheet", kwargs={"pk": referral.pk})).status_code == sheet_status


def test_the_place_sees_the_person_only_once_accepted(client):
    referral = ReferralFactory(beneficiary=None)
    referral.beneficiary = BeneficiaryFactory(structure=referral.prescriber_structure, alias="Mme Lune")
    referral.save()
    member = place_member(referral)
    client.force_login(member)
    url = reverse("www:referrals:detail", kwargs={"pk": referral.pk})
    assert "Mme Lune" not in client.get(url).content.decode()
    response = client.post(url, {"transition": "accept"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Mme Lune" in page and "06 12 34 56 78" in page


def test_refusing_from_the_page_needs_reasons_and_a_note(client):
    referral = ReferralFactory()
    client.force_login(place_member(referral))
    url = reverse("www:referrals:detail", kwargs={"pk": referral.pk})
    client.post(url, {"transition": "refuse", "refuse-note": "Complet."})
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT
    client.post(url, {"transition": "refuse", "refuse-reasons": ["full"], "refuse-note": "Complet."})
    referral.refresh_from_db()
    assert referral.state == ReferralState.REFUSED


def test_a_step_out_of_order_from_the_page_changes_nothing(client):
    referral = ReferralFactory(accepted=True)
    client.force_login(place_member(referral))
    response = client.post(
        reverse("www:referrals:detail", kwargs={"pk": referral.pk}), {"transition": "review"}, follow=True
    )
    assert "pas possible" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED


def test_send_a_referral_from_the_page(client):
    aiguilleur = MembershipFactory(aiguilleur=True)
    place = PlaceFactory(structure=None, emails=[], phones=["+33555520000"])
    client.force_login(aiguilleur.user)
    url = reverse("www:referrals:create") + f"?lieu={place.pk}"
    page = client.get(url)
    assert "prévenez le lieu par téléphone" in page.content.decode()
    data = {
        "structure": aiguilleur.structure.pk,
        "services": [Service.AIDE_DEMARCHES.value],
        "contact_preference": "phone",
        "contact_phone": "0612345678",
        "message": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and "consentement" in refused.content.decode()
    assert not Referral.objects.exists()
    sent = client.post(url, {**data, "consent": "on"})
    assert sent.status_code == 302
    assert Referral.objects.get().contact_phone == "0612345678"


def test_suggestions_page_without_javascript(client):
    aiguilleur = MembershipFactory(aiguilleur=True)
    place = PlaceFactory(qualified=True)
    client.force_login(aiguilleur.user)
    response = client.get(
        reverse("www:referrals:suggest"), {"services": [Service.AIDE_DEMARCHES.value], "commune": "23000"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert place.name in content and "Lieu qualifié" in content
    assert f"?lieu={place.pk}" in content


def test_lists_and_the_header_count(client):
    referral = ReferralFactory()
    ReferralFactory(place=referral.place, accepted=True)
    member = place_member(referral)
    client.force_login(member)
    page = client.get(reverse("www:referrals:index")).content.decode()
    assert referral.number in page
    assert '1<span class="fr-sr-only"> en attente de réponse' in page


def test_the_coordinator_list_shows_no_person_and_no_link(client):
    referral = ReferralFactory()
    coordinator = CoordinatorScopeFactory().user
    client.force_login(coordinator)
    page = client.get(reverse("www:referrals:index")).content.decode()
    assert "Orientations du territoire" in page and referral.number in page
    assert reverse("www:referrals:detail", kwargs={"pk": referral.pk}) not in page
    elsewhere = CoordinatorScopeFactory(nord=True).user
    client.force_login(elsewhere)
    assert referral.number not in client.get(reverse("www:referrals:index") + "?liste=territoire").content.decode()


def test_the_sheet_tells_hours_in_plain_french_and_what_to_bring(client):
    referral = ReferralFactory(place=PlaceFactory(structure=StructureFactory(), with_hours=True))
    client.force_login(referral.prescriber)
    page = client.get(reverse("www:referrals:sheet", kwargs={"pk": referral.pk})).content.decode()
    assert referral.number in page and "9 h – 12 h" in page
    assert "Ce qu'il faut apporter" in page and "referrals.css" in page


def test_the_sheet_as_a_tagged_pdf_for_the_referrals_parties_only(client):
    referral = ReferralFactory(place=PlaceFactory(structure=StructureFactory(), with_hours=True))
    url = reverse("www:referrals:sheet_pdf", kwargs={"pk": referral.pk})
    client.force_login(outsider())
    assert client.get(url).status_code == 404
    client.force_login(referral.prescriber)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    pdf = pdf_objects(response.content)
    assert b"/StructTreeRoot" in pdf and b"/Lang" in pdf  # tagged, with its language, for screen readers
    assert b"/Title" in pdf


def pdf_objects(content: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated, to look for keys."""
    inflated = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, flags=re.S):
        with contextlib.suppress(zlib.error):
            inflated.append(zlib.decompress(stream))
    return b"\n".join(inflated)


def test_from_a_diagnostic_to_a_referral(client):
    from cordee.diagnostics.models import Diagnostic
    from tests.diagnostics.factories import DiagnosticFactory

    aiguilleur = MembershipFactory(aiguilleur=True)
    diagnostic = DiagnosticFactory(beneficiary=BeneficiaryFactory(structure=aiguilleur.structure))
    Diagnostic.objects.filter(pk=diagnostic.pk).update(recommended_services=[Service.PARENTALITE.value])
    place = PlaceFactory(services=[Service.PARENTALITE.value])
    client.force_login(aiguilleur.user)
    page = client.get(reverse("www:referrals:suggest"), {"diagnostic": diagnostic.pk, "commune": "23000"})
    content = page.content.decode()
    assert place.name in content and f"diagnostic={diagnostic.pk}" in content
    create_url = reverse("www:referrals:create") + f"?lieu={place.pk}&diagnostic={diagnostic.pk}"
    data = {
        "structure": aiguilleur.structure.pk,
        "services": [Service.PARENTALITE.value],
        "contact_preference": "referent",
        "referent": "Mme Martin, CCAS, 05 55 00 00 00",
    }
    assert client.post(create_url, data).status_code == 400  # the diagnostic names a person: consent needed
    assert client.post(create_url, {**data, "consent": "on"}).status_code == 302
    referral = Referral.objects.get()
    assert referral.diagnostic == diagnostic and referral.beneficiary == diagnostic.beneficiary
    # Someone else's diagnostic is ignored.
    client.force_login(outsider())
    assert (
        f"diagnostic={diagnostic.pk}"
        not in client.get(
            reverse("www:referrals:suggest"), {"diagnostic": diagnostic.pk, "commune": "23000"}
        ).content.decode()
    )


def test_the_place_and_the_prescriber_exchange_messages_and_replies_go_to_the_other(
    client, django_capture_on_commit_callbacks
):
    from django.core import mail

    from cordee.journal.models import Entry

    referral = ReferralFactory()
    member = place_member(referral)
    url = reverse("www:referrals:detail", kwargs={"pk": referral.pk})
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"message": "Pouvez-vous nous dire quand la personne est libre ?"})
    assert [message.to for message in mail.outbox] == [[referral.prescriber.email]]
    client.force_login(referral.prescriber)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"message": "Le mardi matin."})
    assert mail.outbox[-1].to == [member.email]
    page = client.get(url).content.decode()
    assert "quand la personne est libre" in page and "Le mardi matin." in page
    assert referral.messages.count() == 2
    assert Entry.objects.filter(action="referrals.message").count() == 2
    client.force_login(outsider())
    assert client.post(url, {"message": "Bonjour"}).status_code == 404
    client.force_login(member)
    client.post(url, {"message": "   "})
    assert referral.messages.count() == 2


def test_statistics_per_place_and_structure_with_a_csv(client):
    import datetime as dt

    from django.utils import timezone

    referral = ReferralFactory()
    Referral.objects.filter(pk=referral.pk).update(
        state=ReferralState.CLOSED, outcome="accompanied", answered_at=timezone.now() + dt.timedelta(days=2)
    )
    ReferralFactory(place=referral.place, prescriber_structure=referral.prescriber_structure, refused=True)
    ReferralFactory()  # another territory's place would be elsewhere; this one is another prescriber's
    client.force_login(referral.prescriber)
    page = client.get(reverse("www:referrals:statistics")).content.decode()
    assert referral.place.name in page and "Plus de place disponible : 1" in page and "50 %" in page
    by_structure = client.get(reverse("www:referrals:statistics") + "?par=structure").content.decode()
    assert referral.prescriber_structure.name in by_structure
    response = client.get(reverse("www:referrals:statistics_csv") + "?par=place")
    csv_text = b"".join(response.streaming_content).decode("utf-8")
    assert "Ces chiffres ne contiennent aucune donnée personnelle" in csv_text.splitlines()[0]
    assert f"{referral.place.name},2,1,1,1,Plus de place disponible : 1,2,50" in csv_text
    client.force_login(outsider())
    assert referral.place.name not in client.get(reverse("www:referrals:statistics")).content.decode()
