import pytest
from django.urls import reverse

from cordee.activities.legacy.models import LegacyActivityRow, LegacyMediator, LegacyStructure
from tests.structures.factories import StructureFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:activities_legacy_legacymediator_changelist",
        "admin:activities_legacy_legacymediator_add",
        "admin:activities_legacy_legacystructure_changelist",
        "admin:activities_legacy_legacyactivityrow_changelist",
    ],
)
def test_the_v1_import_admin_pages_load(client, url_name):
    LegacyMediator.objects.create(v1_id="604621bf871498b5cec23bed", user=UserFactory())
    LegacyStructure.objects.create(
        v1_id="6082626c4f47999865abffc5", structure=StructureFactory(), created_by_import=True
    )
    LegacyActivityRow.objects.create(
        legacy_id="x", values={"id": "x"}, outcome="rejected", read_at="2026-01-01T00:00Z"
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(url_name)).status_code == 200
