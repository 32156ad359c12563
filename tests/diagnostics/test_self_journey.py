"""The public self-diagnostic, screen by screen, without JavaScript."""

import re
from urllib.parse import urlparse

import pytest
from django.http import QueryDict
from django.urls import reverse
from freezegun import freeze_time

from cordee.diagnostics import services
from cordee.diagnostics.models import Diagnostic
from tests.diagnostics.factories import answers

pytestmark = pytest.mark.django_db

QUESTION_URL = reverse("www:diagnostics:question")


def _state(response):
    return re.search(r'name="state" value="([^"]+)"', response.content.decode()).group(1)


def _post(client, response, **data):
    return client.post(QUESTION_URL, {"state": _state(response), **data})


def _answer_all(client, chosen):
    response = client.get(reverse("www:diagnostics:start"))
    response = _post(client, response, step=0, action="start")
    questions = services.questions_of(services.current_version())
    for step, question in enumerate(questions):
        assert f"Question {step + 1} sur {len(questions)}" in response.content.decode()
        if question.code in chosen:
            response = _post(client, response, step=step, action="answer", answer=chosen[question.code])
        else:
            response = _post(client, response, step=step, action="skip")
    return response


def test_start_page_is_public(client):
    response = client.get(reverse("www:diagnostics:start"))
    assert response.status_code == 200
    assert "Commencer" in response.content.decode()


def test_whole_journey_ends_on_a_result_and_stores_nothing(client):
    response = _answer_all(client, answers(areas={"securite": "ne_sait_pas"}, pass_numerique="oui"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Votre résultat" in page
    assert "Se protéger" in page
    assert "Trouver un lieu près de chez moi" in page
    assert 'name="services" value="Utilisation sécurisée du numérique"' in page
    assert 'name="pass_numerique" value="on"' in page
    assert not Diagnostic.objects.exists()


def test_an_answer_is_needed_to_go_on(client):
    response = _post(client, client.get(reverse("www:diagnostics:start")), step=0, action="start")
    response = _post(client, response, step=0, action="answer")
    assert response.status_code == 400
    assert "Choisissez une réponse" in response.content.decode()
    assert "Question 1 sur" in response.content.decode()


def test_a_required_question_cannot_be_skipped(client):
    response = _post(client, client.get(reverse("www:diagnostics:start")), step=0, action="start")
    response = _post(client, response, step=0, action="skip")
    assert response.status_code == 400


def test_back_shows_the_previous_question_with_its_answer(client):
    response = _post(client, client.get(reverse("www:diagnostics:start")), step=0, action="start")
    response = _post(client, response, step=0, action="answer", answer="avec_aide")
    assert "Question 2 sur" in response.content.decode()
    response = _post(client, response, step=1, action="back")
    page = response.content.decode()
    assert "Question 1 sur" in page
    assert re.search(r'value="avec_aide"\s+checked', page)


def test_change_one_answer_from_the_result_and_come_back_to_it(client):
    result = _answer_all(client, answers())
    assert "Autonome" in result.content.decode()
    response = _post(client, result, step=0, action="goto")
    assert "Question 1 sur" in response.content.decode()
    response = client.post(
        QUESTION_URL, {"state": _state(response), "step": 0, "action": "answer", "review": "1", "answer": "seul"}
    )
    assert "Votre résultat" in response.content.decode()


def test_a_forged_state_is_refused(client):
    response = client.post(QUESTION_URL, {"state": "forged", "step": 3, "action": "answer", "answer": "seul"})
    assert response.status_code == 400


def test_saving_without_agreement_stores_nothing(client):
    result = _answer_all(client, answers())
    response = client.post(reverse("www:diagnostics:save"), {"state": _state(result)})
    assert response.status_code == 400
    assert not Diagnostic.objects.exists()


def test_saving_with_agreement_gives_a_short_code_page(client):
    result = _answer_all(client, answers())
    response = client.post(reverse("www:diagnostics:save"), {"state": _state(result), "consent": "on"})
    diagnostic = Diagnostic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("www:diagnostics:by_code", kwargs={"code": diagnostic.short_code})
    page = client.get(response["Location"]).content.decode()
    assert diagnostic.short_code in page


def test_an_expired_code_says_so(client):
    with freeze_time("2026-01-01"):
        diagnostic = services.save_self(services.current_version(), answers(), consent=True)
    response = client.get(reverse("www:diagnostics:by_code", kwargs={"code": diagnostic.short_code}))
    assert response.status_code == 404
    assert "expiré" in response.content.decode()


def test_the_search_link_uses_the_place_search_parameters(client):
    from cordee.www.diagnostics.presentation import place_search_url
    from cordee.www.places.forms import PlaceSearchForm

    url = place_search_url(["Aide aux démarches administratives"], holds_passes=True)
    params = QueryDict(urlparse(url).query, mutable=True)
    params["ou"] = "Guéret"
    form = PlaceSearchForm(params)
    assert form.is_valid()
    assert form.cleaned_data["services"] == ["Aide aux démarches administratives"]
    assert form.cleaned_data["pass_numerique"] is True


def test_paper_questionnaire_is_public(client):
    response = client.get(reverse("www:diagnostics:paper"))
    assert response.status_code == 200
    assert "Reconnaître un faux message" in response.content.decode()


def test_the_personal_data_page_says_what_a_diagnostic_stores(client):
    page = client.get(reverse("www:legal:personal_data")).content.decode()
    assert "autodiagnostic de compétences numériques" in page
    assert "pseudonyme choisi avec la personne" in page
