"""The Pass numérique pages do what they say: public check, redemption by typing, distribution, printing,
statements (exact sums, CSV and PDF), alerts before the end, statistics."""

import csv
import datetime as dt
import io
import re
import zipfile

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cordee.pass_numerique import codes, services, stats
from cordee.pass_numerique.enums import PassState
from cordee.pass_numerique.jobs import alerts
from cordee.pass_numerique.jobs.models import BookPrint, ExpiryAlert
from cordee.pass_numerique.models import Redemption, Statement
from cordee.pass_numerique.pdf import BookSheet, PassCard, format_euros, render_books
from tests.activities.factories import ActivityFactory
from tests.pass_numerique.factories import build_world
from tests.referrals.test_views import pdf_objects
from tests.structures.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def past_world(**kwargs):
    return build_world(valid_from=timezone.localdate() - dt.timedelta(days=90), **kwargs)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf_objects(pdf)))


# --- Money and PDF ---------------------------------------------------------------------------------------------


def test_amounts_are_written_from_integer_cents():
    assert format_euros(1000) == "10\u00a0€"
    assert format_euros(1050) == "10,50\u00a0€"
    assert format_euros(123456) == "1\u202f234,56\u00a0€"


def test_a_book_is_a_tagged_a4_pdf_with_a_cover_and_eight_cut_outs_a_page():
    book = BookSheet(
        number="PN-00001-0001",
        funder="Conseil départemental de la Creuse",
        value_cents=1000,
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
        conditions="Personnes de plus de 60 ans",
        cards=[
            PassCard(code="K7M3-XQ9P-2WRT-HB", check_url=f"https://cordee.example/pass/{n}/", position=n)
            for n in range(1, 11)
        ],
    )
    pdf = render_books([book])
    assert pdf.startswith(b"%PDF-")
    objects = pdf_objects(pdf)
    assert b"/StructTreeRoot" in objects and b"/Lang" in objects and b"/Title" in objects
    assert page_count(pdf) == 1 + 2  # the cover, then 8 + 2 cut-outs
    assert b"/MediaBox [0 0 595" in objects  # A4


def test_the_book_pdf_page_of_a_holder(client):
    world = past_world()
    client.force_login(world.aiguilleur)
    response = client.get(reverse("www:pass_numerique:book_pdf", kwargs={"pk": world.books[0].pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert page_count(response.content) == 1 + 1  # 5 passes: one page of cut-outs


def test_printing_a_whole_order_in_the_background(client, django_capture_on_commit_callbacks):
    world = past_world(books=3, passes_per_book=2)
    client.force_login(world.funder_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("www:pass_numerique:print_request", kwargs={"pk": world.order.pk}))
    job = BookPrint.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/impression/{job.pk}/")
    job.refresh_from_db()
    assert job.is_done and job.books_count == 3 and job.progress_done == 3
    page = client.get(response["Location"]).content.decode()
    assert "Télécharger les carnets" in page
    download = client.get(reverse("www:pass_numerique:print_file", kwargs={"pk": world.order.pk, "job": job.pk}))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = sorted(archive.namelist())
    assert len(names) == 3 and all(name.endswith(".pdf") for name in names)
    assert all(archive.read(name).startswith(b"%PDF-") for name in names)


# --- Public check ------------------------------------------------------------------------------------------------


def test_the_public_check_says_valid_until_when_and_where_without_personal_data(client):
    world = past_world()
    code = world.code("distributed")
    response = client.get(reverse("www:pass_numerique:check", kwargs={"code": codes.display(code)}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ce pass est valable" in page and world.place.name in page
    assert world.order.valid_until.strftime("%Y") in page
    # The pseudonymous reference of the distribution (« P-… ») is never shown (the code itself may hold « P-»).
    assert "P-" not in page.replace(codes.display(code), "")
    assert world.holder.name not in page


def test_the_public_check_of_a_used_pass_gives_the_date_only(client):
    world = past_world()
    code = world.code("distributed")
    services.redeem(world.mediateur, code=code, place_id=world.place.pk)
    page = client.get(reverse("www:pass_numerique:check", kwargs={"code": code})).content.decode()
    assert "déjà été utilisé" in page and timezone.localdate().strftime("%Y") in page
    assert world.place.name not in page  # where it was used is not the public's business


def test_an_unknown_code_is_a_404_and_a_mistyped_one_a_400(client):
    past_world()
    body = "ABCDEFGHJKMNP"
    unknown = body + codes.check_symbol(body)
    response = client.get(reverse("www:pass_numerique:check", kwargs={"code": unknown}))
    assert response.status_code == 404 and "Aucun pass ne porte ce code" in response.content.decode()
    wrong = body + ("2" if codes.check_symbol(body) != "2" else "3")
    response = client.get(reverse("www:pass_numerique:check", kwargs={"code": wrong}))
    assert response.status_code == 400 and "erreur de saisie" in response.content.decode()
    response = client.get(reverse("www:pass_numerique:check_form"), {"code": "k7m3 xq9p"})
    assert response.status_code == 302


@pytest.mark.parametrize("typed", ["K7M3/XQ9P", "K7M3?x=1", "é/../..", "////"])
def test_the_check_form_keeps_only_letters_and_digits_in_the_address(client, typed):
    response = client.get(reverse("www:pass_numerique:check_form"), {"code": typed})
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith("/pass/") and target.count("/") == 3 and "?" not in target
    assert client.get(target).status_code in (400, 404)


@override_settings(PASS_CHECK_RATE=(3, 600))
def test_the_public_check_is_rate_limited_per_address(client):
    world = past_world()
    url = reverse("www:pass_numerique:check", kwargs={"code": world.code("distributed")})
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Trop de vérifications" in response.content.decode()
    other = client.get(url, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200  # another address has its own count


# --- Distribution and redemption ----------------------------------------------------------------------------


def test_an_aiguilleur_records_a_distribution(client):
    world = past_world(distribute=0)
    code = world.code("allocated")
    client.force_login(world.aiguilleur)
    url = reverse("www:pass_numerique:distribute")
    data = {
        "code": codes.display(code).lower(),
        "distributed_on": timezone.localdate().isoformat(),
        "reference": "D-7",
    }
    assert client.post(url, data).status_code == 302
    assert world.passes(PassState.DISTRIBUTED)[0].code == code
    again = client.post(url, data)
    assert again.status_code == 409 and "ne peut pas être remis" in again.content.decode()


def test_a_mediateur_redeems_by_typing_once_only(client):
    world = past_world()
    code = world.code("distributed")
    client.force_login(world.mediateur)
    url = reverse("www:pass_numerique:redeem")
    assert client.get(url).status_code == 200
    assert client.post(url, {"code": codes.display(code), "place": world.place.pk}).status_code == 302
    assert Redemption.objects.get().pass_obj.code == code
    again = client.post(url, {"code": code, "place": world.place.pk})
    assert again.status_code == 409 and "déjà été utilisé" in again.content.decode()
    typo = client.post(url, {"code": code[:-1] + ("2" if code[-1] != "2" else "3"), "place": world.place.pk})
    assert typo.status_code == 400 and "erreur de saisie" in typo.content.decode()
    assert Redemption.objects.count() == 1


def test_the_redemption_page_offers_the_persons_recent_accompaniments_to_link(client):
    world = past_world()
    code = world.code("distributed")
    structure = world.place_structure
    today = timezone.localdate()
    recent = ActivityFactory(structure=structure, mediator=world.mediateur, place=world.place, date=today)
    old = ActivityFactory(structure=structure, mediator=world.mediateur, date=today - dt.timedelta(days=90))
    colleague = ActivityFactory(structure=structure, date=today)
    client.force_login(world.mediateur)
    url = reverse("www:pass_numerique:redeem")
    page = client.get(url).content.decode()
    assert f"{today:%d/%m/%Y} · Accompagnement individuel · Médiathèque (n° {recent.pk})" in page
    assert f"(n° {old.pk})" not in page and f"(n° {colleague.pk})" not in page
    # Not offered, not accepted: an old accompaniment or a colleague's.
    for other in (old, colleague):
        refused = client.post(url, {"code": code, "place": world.place.pk, "activity": other.pk})
        assert refused.status_code == 400
    assert client.post(url, {"code": code, "place": world.place.pk, "activity": recent.pk}).status_code == 302
    assert Redemption.objects.get().activity == recent


# --- Statements -----------------------------------------------------------------------------------------------


def test_monthly_statements_sum_exactly_and_export_as_csv_and_pdf(client):
    world = past_world(books=2, passes_per_book=5, allocate=2, distribute=7, value_cents=1050)
    last_month = timezone.now() - dt.timedelta(days=35)
    for item in world.passes("distributed")[:6]:
        services.redeem(world.mediateur, code=item.code, place_id=world.place.pk, now=last_month)
    call_command("pass_monthly_statements", "--wet-run", verbosity=0)
    statement = Statement.objects.get()
    assert (statement.passes_count, statement.total_cents) == (6, 6 * 1050)
    call_command("pass_monthly_statements", "--wet-run", verbosity=0)
    assert Statement.objects.count() == 1  # nothing claimed twice
    client.force_login(world.mediateur)
    response = client.get(reverse("www:pass_numerique:statement_csv", kwargs={"pk": statement.pk}))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 6 and sum(int(row["montant_centimes"]) for row in rows) == statement.total_cents
    assert {row["montant_euros"] for row in rows} == {"10,50"}
    pdf = client.get(reverse("www:pass_numerique:statement_pdf", kwargs={"pk": statement.pk})).content
    assert pdf.startswith(b"%PDF-") and b"/StructTreeRoot" in pdf_objects(pdf)


def test_the_funder_approves_pays_and_the_structure_sees_it(client):
    world = past_world()
    services.redeem(
        world.mediateur,
        code=world.code("distributed"),
        place_id=world.place.pk,
        now=timezone.now() - dt.timedelta(days=35),
    )
    statement = services.generate_statements()[0]
    url = reverse("www:pass_numerique:statement_decide", kwargs={"pk": statement.pk})
    client.force_login(world.funder_manager)
    client.post(url, {"action": "approve"})
    client.post(url, {"action": "pay", "payment_reference": "VIR-2026-0042"})
    statement.refresh_from_db()
    assert statement.state == "paid" and statement.payment_reference == "VIR-2026-0042"
    client.force_login(world.mediateur)
    page = client.get(reverse("www:pass_numerique:statement", kwargs={"pk": statement.pk})).content.decode()
    assert "Payée" in page and "VIR-2026-0042" in page and "Décision du financeur" not in page


# --- Alerts and statistics ------------------------------------------------------------------------------------------


def test_structures_holding_passes_are_told_once_before_the_end():
    world = past_world(valid_until=timezone.localdate() + dt.timedelta(days=20))
    assert alerts.alert_before_end() == 1
    assert len(mail.outbox) == 1 and world.aiguilleur.email in mail.outbox[0].to
    assert "2 pass" in mail.outbox[0].subject  # 5 allocated, 3 handed out
    assert alerts.alert_before_end() == 0 and ExpiryAlert.objects.count() == 1


def test_an_alert_the_mail_server_refused_is_sent_the_next_day(monkeypatch):
    import smtplib

    world = past_world(valid_until=timezone.localdate() + dt.timedelta(days=20))
    MembershipFactory(structure=world.holder, gestionnaire=True)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connexion perdue")

    monkeypatch.setattr(alerts, "send_mass_mail", refuse)
    assert alerts.alert_before_end() == 0 and not ExpiryAlert.objects.exists()
    monkeypatch.undo()
    assert alerts.alert_before_end() == 1 and ExpiryAlert.objects.count() == 1
    # One message per person: nobody sees another's address.
    assert len(mail.outbox) == 2 and all(len(message.to) == 1 for message in mail.outbox)


def test_no_alert_long_before_the_end():
    past_world(valid_until=timezone.localdate() + dt.timedelta(days=45))
    assert alerts.alert_before_end() == 0 and not mail.outbox


def test_statistics_count_rates_and_the_median_delay(client):
    world = past_world(books=2, passes_per_book=5, allocate=1, distribute=4)
    for item in world.passes("distributed")[:2]:
        services.redeem(world.mediateur, code=item.code, place_id=world.place.pk)
    report = stats.report(type(world.order).objects.filter(pk=world.order.pk))
    row = report.orders[0]
    assert (row.issued, row.distributed, row.redeemed) == (10, 4, 2)
    assert (row.distribution_rate, row.redemption_rate, row.median_days) == (40, 50, 0)
    assert report.places[0].redeemed_cents == 2000
    client.force_login(world.funder_manager)
    page = client.get(reverse("www:pass_numerique:statistics")).content.decode()
    assert "<svg" in page and "<caption>Par commande</caption>" in page
    response = client.get(reverse("www:pass_numerique:statistics_csv"))
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("niveau,cle,libelle") and lines[1].startswith("commande,")


def test_statistics_say_what_the_passes_paid_for_from_the_linked_activities(client):
    world = past_world(books=1, passes_per_book=5, allocate=1, distribute=3)
    first, second, third = world.passes("distributed")[:3]
    email = ActivityFactory(
        structure=world.place_structure, place=world.place, mediator=world.mediateur, themes=["email", "browsing"]
    )
    services.redeem(world.mediateur, code=first.code, place_id=world.place.pk, activity_id=email.pk)
    smartphone = ActivityFactory(
        structure=world.place_structure, place=world.place, mediator=world.mediateur, themes=["browsing"]
    )
    services.redeem(world.mediateur, code=second.code, place_id=world.place.pk, activity_id=smartphone.pk)
    services.redeem(world.mediateur, code=third.code, place_id=world.place.pk)

    report = stats.report(type(world.order).objects.filter(pk=world.order.pk))

    assert [(code, count) for code, _label, count in report.themes] == [("browsing", 2), ("email", 1)]
    assert report.without_activity == 1
    client.force_login(world.funder_manager)
    page = client.get(reverse("www:pass_numerique:statistics")).content.decode()
    assert "Ce que les pass ont payé" in page and "Sans compte rendu d'activité relié : 1" in page
    response = client.get(reverse("www:pass_numerique:statistics_csv"))
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert any(line.startswith("thematique,browsing,") and ",2," in line for line in lines)
