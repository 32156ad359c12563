"""The structure a person in several structures acts for: the header's switch, remembered in the session."""

import re

import pytest
from django.urls import reverse

from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db
SWITCH = reverse("www:structures:acting_switch")


@pytest.fixture
def person():
    first = MembershipFactory(gestionnaire=True, structure=StructureFactory(name="Espace de Guéret"))
    MembershipFactory(user=first.user, structure=StructureFactory(name="Médiathèque d'Aubusson"))
    return first.user


def test_the_header_offers_the_switch_only_to_people_in_several_structures(client, person):
    client.force_login(person)
    html = client.get(reverse("www:dashboard:index")).content.decode()
    assert 'action="' + SWITCH + '"' in html and "Médiathèque d&#x27;Aubusson" in html

    client.force_login(MembershipFactory().user)
    assert SWITCH not in client.get(reverse("www:dashboard:index")).content.decode()


def test_the_choice_is_remembered_in_the_session(client, person):
    client.force_login(person)
    aubusson = person.memberships.get(structure__name="Médiathèque d'Aubusson").structure

    response = client.post(SWITCH, {"structure": aubusson.pk, "next": reverse("www:dashboard:index")})

    assert response.status_code == 302 and response["Location"] == reverse("www:dashboard:index")
    assert client.session["cordee_acting_structure"] == aubusson.pk
    html = client.get(reverse("www:dashboard:index")).content.decode()
    assert re.search(rf'<option value="{aubusson.pk}"\s+selected>', html)


def test_a_structure_that_is_not_theirs_is_refused_and_next_stays_on_the_site(client, person):
    client.force_login(person)
    other = StructureFactory(in_marseille=True)

    response = client.post(SWITCH, {"structure": other.pk, "next": "https://evil.example/"})

    assert response.status_code == 302 and response["Location"] == "/"
    assert "cordee_acting_structure" not in client.session


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_people_are_sent_to_log_in(client, method):
    response = getattr(client, method)(SWITCH)
    assert response.status_code == 302 and response["Location"].startswith(reverse("www:accounts:login"))
