"""Text messages to the person who chose the phone: the information notice and the appointment reminder, through
the SMS backend of the settings (cordee.core.sms; locmem in tests, console by default, never the network)."""

import datetime as dt
import io

import pytest
from django.core import mail
from freezegun import freeze_time

from cordee.core import sms
from cordee.referrals import services
from cordee.referrals.tasks import remind_appointments
from tests.places.factories import PlaceFactory
from tests.referrals.factories import ReferralFactory
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def test_appointment_reminder_by_sms_the_day_before_once():
    with freeze_time("2026-03-02 09:00:00"):
        ReferralFactory(
            appointment_set=True,
            contact_preference="phone",
            contact_phone="+33612345678",
            contact_email="",
            place=PlaceFactory(structure=StructureFactory(), name="Médiathèque", phones=["+33555641234"]),
            appointment_at=dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC),
        )
    with freeze_time("2026-03-03 08:00:00"):
        assert remind_appointments() == 1
        assert remind_appointments() == 0
    [message] = sms.outbox
    assert message.to == "+33612345678"
    assert "mercredi 4 mars à 11 h" in message.body and "« Médiathèque »" in message.body
    assert "+33555641234" in message.body and len(message.body) <= sms.MAX_LENGTH
    assert mail.outbox == []


def test_no_sms_to_a_landline():
    with freeze_time("2026-03-02 09:00:00"):
        ReferralFactory(
            appointment_set=True,
            contact_preference="phone",
            contact_phone="+33555641234",
            appointment_at=dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC),
        )
    with freeze_time("2026-03-03 08:00:00"):
        remind_appointments()
    assert sms.outbox == []


def test_the_person_who_chose_the_phone_gets_the_notice_by_sms(django_capture_on_commit_callbacks):
    place = PlaceFactory(structure=StructureFactory(), with_contacts=True)
    aiguilleur = MembershipFactory(aiguilleur=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.create_referral(
            aiguilleur.user,
            structure=aiguilleur.structure,
            place_id=place.pk,
            services=["Aide aux démarches administratives"],
            contact_preference="phone",
            contact_phone="06 12 34 56 78",
            consent=True,
        )
    [notice] = sms.outbox
    assert notice.to == "+33612345678"
    assert "vous oriente vers" in notice.body and "Pour vous y opposer" in notice.body
    assert "motif" not in notice.body.lower()


def test_console_backend_masks_the_number(settings):
    settings.SMS_BACKEND = "cordee.core.sms.ConsoleBackend"
    stream = io.StringIO()
    sms.ConsoleBackend.stream = stream
    try:
        assert sms.send_sms("+33612345678", "Bonjour") == 1
    finally:
        sms.ConsoleBackend.stream = None
    assert "+336******78" in stream.getvalue() and "12345678" not in stream.getvalue()


def test_send_sms_refuses_too_long_messages_and_skips_empty_ones(settings):
    assert sms.send_sms("", "Bonjour") == 0
    with pytest.raises(ValueError):
        sms.send_sms("+33612345678", "x" * (sms.MAX_LENGTH + 1))
    settings.SMS_BACKEND = "cordee.core.sms.DisabledBackend"
    assert sms.send_sms("+33612345678", "Bonjour") == 0
