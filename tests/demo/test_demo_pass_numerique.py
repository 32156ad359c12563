import pytest

from cordee.demo.loader import load_demo
from cordee.pass_numerique import ledger
from cordee.pass_numerique.enums import OrderState, StatementState
from cordee.pass_numerique.models import Distribution, Order, Redemption, Statement
from tests.demo.test_load_demo import demo_communes  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("demo_communes")
def test_the_demo_has_a_creuse_order_with_books_passes_handed_out_redeemed_and_one_statement():
    report = load_demo()
    order = Order.objects.get()
    assert order.funder.name == "Conseil départemental de la Creuse" and order.state == OrderState.CONFIRMED
    holders = set(order.books.exclude(holder=None).values_list("holder__name", flat=True))
    assert holders == {"CCAS de Guéret", "France Services de Bourganeuf"}
    assert Distribution.objects.count() == 9 and Redemption.objects.count() == 5
    statement = Statement.objects.get()
    assert statement.state == StatementState.SUBMITTED and statement.total_cents == 3000
    assert statement.funder.memberships.filter(user__email="financeur.creuse@cordee.example").exists()
    assert ledger.compute(order).reconciled
    paid = Redemption.objects.exclude(activity=None).get()  # one paid for an accompaniment at the médiathèque
    assert paid.activity.place == paid.place and paid.activity.structure_id == paid.structure_id
    assert report.created["commandes de Pass numérique"] == 1
    load_demo()
    assert Order.objects.count() == 1 and Redemption.objects.count() == 5
