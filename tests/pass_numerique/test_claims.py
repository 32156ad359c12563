"""A rejected claim: the claiming structure's gestionnaire answers the reason and sends the same statement back
(same passes, same amount); the funder decides again. The ledger reconciles at every step and each step is
journaled."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cordee.core.errors import Invalid, NotAllowed, NotFound
from cordee.core.workflow import TransitionNotAllowed
from cordee.journal.models import Entry
from cordee.pass_numerique import ledger, services
from cordee.pass_numerique.enums import StatementState
from tests.pass_numerique.factories import build_world
from tests.structures.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    world = build_world(valid_from=timezone.localdate() - dt.timedelta(days=90))
    last_month = timezone.now() - dt.timedelta(days=40)
    for _ in range(2):
        services.redeem(world.mediateur, code=world.code(), place_id=world.place.pk, now=last_month)
    world.statement = services.generate_statements()[0]
    world.gestionnaire = MembershipFactory(structure=world.place_structure, gestionnaire=True).user
    services.reject_statement(world.funder_manager, world.statement, "Attestation de présence manquante")
    return world


def test_the_structure_answers_and_sends_the_statement_back(claim):
    statement = claim.statement
    assert ledger.compute(claim.order).owed_cents == 2000
    services.resubmit_statement(claim.gestionnaire, statement, "Attestations jointes")
    statement.refresh_from_db()
    assert statement.state == StatementState.SUBMITTED
    assert statement.rejection_reason == "" and statement.decided_at is None
    assert (statement.passes_count, statement.total_cents) == (2, 2000)
    assert statement.redemptions.count() == 2
    steps = [(step.transition, step.reason) for step in statement.transitions.order_by("at", "pk")]
    assert steps == [("reject", "Attestation de présence manquante"), ("resubmit", "Attestations jointes")]
    entry = Entry.objects.get(action="pass_numerique.statement.resubmit")
    assert entry.details["total_cents"] == 2000 and entry.details["passes"] == 2
    figures = ledger.compute(claim.order)
    assert figures.reconciled and (figures.owed_cents, figures.claimed_cents) == (0, 2000)
    # The passes stay on it: the next monthly run does not claim them twice.
    assert services.generate_statements() == []
    services.approve_statement(claim.funder_manager, statement)
    services.pay_statement(claim.funder_manager, statement, "VIR-42")
    figures = ledger.compute(claim.order)
    assert figures.reconciled and figures.paid_cents == 2000


def test_only_the_claiming_structure_gestionnaires_send_it_back(claim):
    for user in (claim.mediateur, claim.funder_manager, claim.admin):
        with pytest.raises(NotAllowed):
            services.resubmit_statement(user, claim.statement, "Réponse")
    with pytest.raises(NotFound):
        services.resubmit_statement(claim.other_mediateur, claim.statement, "Réponse")
    with pytest.raises(Invalid) as error:
        services.resubmit_statement(claim.gestionnaire, claim.statement, "  ")
    assert "answer" in error.value.errors
    claim.statement.refresh_from_db()
    assert claim.statement.state == StatementState.REJECTED


def test_only_a_rejected_statement_is_sent_back(claim):
    services.resubmit_statement(claim.gestionnaire, claim.statement, "Attestations jointes")
    with pytest.raises(TransitionNotAllowed):
        services.resubmit_statement(claim.gestionnaire, claim.statement, "Encore")


def test_the_page_offers_it_to_the_gestionnaire(client, claim):
    url = reverse("www:pass_numerique:statement", kwargs={"pk": claim.statement.pk})
    client.force_login(claim.mediateur)
    assert "Renvoyer le relevé" not in client.get(url).content.decode()
    client.force_login(claim.gestionnaire)
    page = client.get(url).content.decode()
    assert "Renvoyer le relevé" in page and "Attestation de présence manquante" in page
    resubmit = reverse("www:pass_numerique:statement_resubmit", kwargs={"pk": claim.statement.pk})
    response = client.post(resubmit, {"answer": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    response = client.post(resubmit, {"answer": "Attestations jointes"})
    assert response.status_code == 302
    claim.statement.refresh_from_db()
    assert claim.statement.state == StatementState.SUBMITTED
    page = client.get(url).content.decode()
    assert "Attestations jointes" in page and "Renvoyer le relevé" not in page
