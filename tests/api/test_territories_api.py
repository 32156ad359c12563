import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.territories.factories import CommuneFactory, DepartementFactory
from tests.users.factories import UserFactory

URL = reverse("api:territories-communes")


@pytest.fixture
def communes(db):
    gueret = CommuneFactory()
    return {
        "gueret": gueret,
        "sainte_feyre": CommuneFactory(
            code_insee="23193",
            name="Sainte-Feyre",
            population=2300,
            latitude=46.14,
            longitude=1.91,
            departement=gueret.departement,
            epci=gueret.epci,
        ),
        "marseille": CommuneFactory(marseille=True),
        "marseillette": CommuneFactory(
            code_insee="11220",
            name="Marseillette",
            population=712,
            postal_codes="11800",
            epci=None,
            departement=DepartementFactory(code="11", name="Aude", region__code="76", region__name="Occitanie"),
        ),
        "saint_etienne": CommuneFactory(
            code_insee="42218",
            name="Saint-Étienne",
            population=171000,
            postal_codes="42000|42100",
            epci=None,
            departement=DepartementFactory(code="42", name="Loire", region__code="84", region__name="AURA"),
        ),
    }


def get(client, **params):
    return client.get(URL, params)


def codes(response):
    return [result["code_insee"] for result in response.json()["results"]]


def test_public_and_paginated(communes, django_assert_num_queries):
    client = APIClient()
    with django_assert_num_queries(2):  # count + page: no query per commune
        response = get(client, q="gueret")

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "code_insee": "23096",
                "nom": "Guéret",
                "codes_postaux": ["23000"],
                "departement": "23",
                "epci": "200067213",
                "population": 12804,
                "latitude": 46.17199,
                "longitude": 1.87148,
            }
        ],
    }


def test_same_answer_for_a_signed_in_user(communes):
    client = APIClient()
    client.force_authenticate(UserFactory())
    assert codes(get(client, q="GUÉRET")) == ["23096"]


@pytest.mark.parametrize("text", ["st etienne", "saint-etienne", "Saint Étienne", "SAINT-ET"])
def test_q_is_accent_and_case_insensitive(communes, text):
    assert codes(get(APIClient(), q=text)) == ["42218"]


def test_q_ranks_by_population(communes):
    assert codes(get(APIClient(), q="marseille")) == ["13055", "11220"]


def test_postal_code_may_give_several_communes(communes):
    assert codes(get(APIClient(), postal_code="23000")) == ["23096", "23193"]
    assert codes(get(APIClient(), postal_code="42100")) == ["42218"]
    assert codes(get(APIClient(), postal_code="99999")) == []


def test_filters_combine(communes):
    assert codes(get(APIClient(), departement="23")) == ["23096", "23193"]
    assert codes(get(APIClient(), departement="23", q="sainte")) == ["23193"]
    assert codes(get(APIClient(), departement="13", postal_code="23000")) == []


def test_without_filter_lists_everything_by_code(communes):
    response = get(APIClient(), page_size=2)
    assert response.json()["count"] == 5
    assert codes(response) == ["11220", "13055"]
    assert response.json()["next"].endswith("page=2&page_size=2")


@pytest.mark.parametrize(
    "params,field,message",
    [
        ({"departement": "ZZZ"}, "departement", "« ZZZ » n'est pas un code de département connu"),
        ({"departement": "96"}, "departement", "« 96 » n'est pas un code de département connu"),
        ({"postal_code": "abc"}, "postal_code", "« abc » n'est pas un code postal : indiquez 5 chiffres"),
        ({"postal_code": "230000"}, "postal_code", "« 230000 » n'est pas un code postal"),
        ({"q": "x" * 101}, "q", "La recherche « q » ne doit pas dépasser 100 caractères."),
    ],
)
def test_bad_parameters_give_a_clear_message(communes, params, field, message):
    response = get(APIClient(), **params)
    assert response.status_code == 400
    body = response.json()
    assert body["reason"] == "invalid"
    assert list(body["errors"]) == [field]
    assert body["errors"][field].startswith(message)


def test_openapi_documents_the_public_endpoint(db):
    response = APIClient().get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    operation = response.json()["paths"]["/api/v1/territories/communes/"]["get"]
    assert "Accès public" in operation["description"]
    assert {"q", "postal_code", "departement", "page"} <= {parameter["name"] for parameter in operation["parameters"]}
    assert "security" not in operation  # no authentication scheme required
    assert set(operation["responses"]) == {"200", "400", "401", "429"}
    assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaginatedCommuneList"
    }
