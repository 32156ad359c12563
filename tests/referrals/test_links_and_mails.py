import datetime as dt

import pytest
from django.core import mail
from django.core.signing import TimestampSigner
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from cordee.referrals import links, services
from cordee.referrals.enums import ReferralState
from cordee.referrals.models import Referral
from cordee.referrals.tasks import remind_and_expire, remind_appointments
from tests.referrals.factories import ReferralFactory, place_member
from tests.structures.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def link_url(token):
    return reverse("www:referrals:link", kwargs={"token": token})


def token_in(message):
    marker = "/orientations/lien/"
    start = message.body.index(marker) + len(marker)
    return message.body[start:].split("/", 1)[0]


def test_a_place_with_members_is_told_by_e_mail_to_its_members(
    django_capture_on_commit_callbacks, place_and_aiguilleur
):
    place, aiguilleur = place_and_aiguilleur
    MembershipFactory(structure=place.structure, gestionnaire=True, user__email="gestion@lieu.fr")
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.create_referral(
            aiguilleur.user,
            structure=aiguilleur.structure,
            place_id=place.pk,
            services=["Aide aux démarches administratives"],
        )
    assert [message.to for message in mail.outbox] == [["gestion@lieu.fr"]]
    assert referral.number in mail.outbox[0].subject
    assert "/orientations/lien/" not in mail.outbox[0].body


@pytest.fixture
def place_and_aiguilleur():
    from tests.places.factories import PlaceFactory
    from tests.structures.factories import StructureFactory

    return PlaceFactory(structure=StructureFactory(), emails=["lieu@exemple.fr"]), MembershipFactory(aiguilleur=True)


def test_a_place_without_account_gets_a_signed_link_and_answers_without_login(
    client, django_capture_on_commit_callbacks, place_and_aiguilleur
):
    place, aiguilleur = place_and_aiguilleur
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.create_referral(
            aiguilleur.user,
            structure=aiguilleur.structure,
            place_id=place.pk,
            services=["Aide aux démarches administratives"],
            contact_phone="+33612345678",
            consent=True,
        )
    assert mail.outbox[0].to == ["lieu@exemple.fr"]
    token = token_in(mail.outbox[0])
    page = client.get(link_url(token))
    assert page.status_code == 200
    assert "06 12 34 56 78" not in page.content.decode()  # not before acceptance
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link_url(token), {"transition": "accept"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    assert [message.to for message in mail.outbox] == [[aiguilleur.user.email]]  # the prescriber is told
    # The next page shows the person's contact now, through a fresh link.
    fresh = client.get(response.url)
    assert "06 12 34 56 78" in fresh.content.decode()
    # A second decision through the old link is refused.
    again = client.post(link_url(token), {"transition": "refuse", "refuse-reasons": ["full"], "refuse-note": "x"})
    assert again.status_code == 404
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED


def test_a_tampered_link_is_refused(client):
    referral = ReferralFactory(place_without_account=True)
    token = links.issue(referral)
    response = client.get(link_url(token[:-2] + ("aa" if not token.endswith("aa") else "bb")))
    assert response.status_code == 404
    other_purpose = links.make_token(referral, purpose="sheet")
    assert client.get(link_url(other_purpose)).status_code == 404


def test_an_expired_link_offers_a_new_one_sent_to_the_stored_address_only(client, django_capture_on_commit_callbacks):
    referral = ReferralFactory(place_without_account=True)
    with freeze_time(timezone.now() - dt.timedelta(days=9)):
        token = links.issue(referral)
    response = client.get(link_url(token))
    assert response.status_code == 422
    assert "nouveau lien" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        renewed = client.post(
            reverse("www:referrals:link_renew", kwargs={"token": token}), {"email": "pirate@exemple.fr"}
        )
    assert renewed.status_code == 200
    assert [message.to for message in mail.outbox] == [["lieu@exemple.fr"]]
    fresh_token = token_in(mail.outbox[0])
    assert client.get(link_url(fresh_token)).status_code == 200
    assert client.get(link_url(token)).status_code == 422


def test_a_fresh_link_invalidates_the_old_one(client):
    referral = ReferralFactory(place_without_account=True)
    old = links.issue(referral)
    links.issue(referral)
    assert client.get(link_url(old)).status_code == 404


def test_a_forged_signature_with_another_key_is_refused(client):
    referral = ReferralFactory(place_without_account=True)
    links.issue(referral)
    forged = TimestampSigner(key="autre-cle", salt=links.SALT).sign_object(
        {"r": referral.pk, "n": referral.link_nonce, "p": "answer"}, compress=True
    )
    assert client.get(link_url(forged)).status_code == 404


def test_the_prescriber_is_told_of_every_change_with_reasons(django_capture_on_commit_callbacks):
    referral = ReferralFactory(in_review=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(
            referral, place_member(referral), to=ReferralState.REFUSED, reasons=["full"], note="Complet."
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [referral.prescriber.email]
    assert "refusée" in message.subject and "Plus de place disponible" in message.body


def test_reminders_then_expiry_with_a_fake_clock(django_capture_on_commit_callbacks):
    with freeze_time("2026-03-02 09:00:00"):
        referral = ReferralFactory(place_without_account=True, expires_at=timezone.now() + dt.timedelta(days=30))
    with freeze_time("2026-03-05 09:00:00"):
        assert remind_and_expire() == {"expired": 0, "reminded": 0}
    with freeze_time("2026-03-10 09:00:00"):
        assert remind_and_expire() == {"expired": 0, "reminded": 1}
        assert mail.outbox[-1].to == ["lieu@exemple.fr"] and "rappel" in mail.outbox[-1].subject
    with freeze_time("2026-03-11 09:00:00"):
        assert remind_and_expire()["reminded"] == 0
    with freeze_time("2026-04-02 09:00:00"), django_capture_on_commit_callbacks(execute=True):
        counts = remind_and_expire()
    assert counts["expired"] == 1
    referral.refresh_from_db()
    assert referral.state == ReferralState.EXPIRED and referral.contact_phone == ""
    assert mail.outbox[-1].to == [referral.prescriber.email]


def test_expiry_follows_the_setting(settings):
    settings.REFERRAL_EXPIRY_DAYS = 5
    aiguilleur = MembershipFactory(aiguilleur=True)
    from tests.places.factories import PlaceFactory

    with freeze_time("2026-03-02 09:00:00"):
        referral = services.create_referral(
            aiguilleur.user,
            structure=aiguilleur.structure,
            place_id=PlaceFactory().pk,
            services=["Aide aux démarches administratives"],
        )
    assert referral.expires_at == timezone.make_aware(dt.datetime(2026, 3, 7, 9, 0), dt.UTC)
    with freeze_time("2026-03-07 09:00:01"):
        remind_and_expire()
    referral.refresh_from_db()
    assert referral.state == ReferralState.EXPIRED


def test_appointment_reminder_goes_to_the_person_the_day_before_once():
    with freeze_time("2026-03-02 09:00:00"):
        referral = ReferralFactory(
            appointment_set=True,
            contact_preference="email",
            contact_email="personne@exemple.fr",
            appointment_at=dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC),
        )
        assert remind_appointments() == 0
    with freeze_time("2026-03-03 08:00:00"):
        assert remind_appointments() == 1
        assert remind_appointments() == 0
    assert mail.outbox[-1].to == ["personne@exemple.fr"]
    assert "mercredi 4 mars à 11 h" in mail.outbox[-1].body
    assert Referral.objects.get(pk=referral.pk).appointment_reminded_at is not None


def test_the_person_who_chose_e_mail_gets_the_information_notice(
    django_capture_on_commit_callbacks, place_and_aiguilleur
):
    place, aiguilleur = place_and_aiguilleur
    with django_capture_on_commit_callbacks(execute=True):
        services.create_referral(
            aiguilleur.user,
            structure=aiguilleur.structure,
            place_id=place.pk,
            services=["Aide aux démarches administratives"],
            contact_preference="email",
            contact_email="personne@exemple.fr",
            consent=True,
        )
    notice = next(message for message in mail.outbox if message.to == ["personne@exemple.fr"])
    assert "Ce qui est transmis au lieu" in notice.body and "vous y opposer" in notice.body
    assert "motif" not in notice.body.lower()


def test_finished_referrals_are_anonymised_after_the_retention_period(settings):
    from cordee.referrals.models import ReferralMessage
    from cordee.referrals.tasks import anonymise_old
    from tests.beneficiaries.factories import BeneficiaryFactory

    settings.REFERRAL_RETENTION_DAYS = 100
    with freeze_time("2026-01-05 09:00:00"):
        closed = ReferralFactory(
            state=ReferralState.CLOSED, outcome="accompanied", message="Mme a besoin d'aide", referent="M. Paul"
        )
        closed.beneficiary = BeneficiaryFactory(structure=closed.prescriber_structure)
        closed.save()
        ReferralMessage.objects.create(referral=closed, from_place=True, body="Elle viendra mardi.")
        waiting = ReferralFactory()
    with freeze_time("2026-03-01 09:00:00"):
        assert anonymise_old() == 0
    with freeze_time("2026-05-01 09:00:00"):
        assert anonymise_old() == 1
        assert anonymise_old() == 0
    closed.refresh_from_db()
    assert closed.beneficiary is None and closed.message == "" and closed.referent == "" and closed.contact_phone == ""
    assert closed.anonymised_at is not None and closed.outcome == "accompanied" and closed.services
    assert closed.messages.get().body == ""
    waiting.refresh_from_db()
    assert waiting.contact_phone and waiting.anonymised_at is None
