"""Walk every HTML page of the web (namespace "www") as each main role, at desktop width and at 375 px, and
collect the WCAG 2.1 A/AA violations axe reports (the tags of tests/browser/accessibility.py) and the pages that
scroll horizontally on a phone, instead of stopping at the first one.

One test per role: it builds a realistic world with the factories (a place, a structure with members, a followed
person with a diagnostic, referrals both ways, activities, a team, an export, an import, a Pass numérique world),
asks Django's test client which pages answer 200 in HTML to that person, then opens each in Chromium.

``CORDEE_WALK_OUT=/path/file.jsonl`` also writes every finding as a JSON line (one per violation or overflow).
"""

import datetime as dt
import importlib
import json
import os
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cordee.aggregation.importing import uploads
from cordee.dashboards import exports, share
from cordee.dashboards.models import DashboardExport
from cordee.dashboards.scope import territory_scope
from cordee.diagnostics import services as diagnostics
from cordee.pass_numerique import services as pass_services
from cordee.pass_numerique.jobs.models import BookPrint
from cordee.places.enums import QualificationState
from cordee.places.models import PlaceReport, QualityCriterion
from cordee.referrals import links
from cordee.structures.services import invitation_token
from cordee.www.home.placeholders import PLACEHOLDERS
from tests.activities.factories import ActivityFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.browser.accessibility import violations
from tests.browser.conftest import DESKTOP, MOBILE
from tests.diagnostics.factories import DiagnosticFactory, answers, ensure_referentiel
from tests.pass_numerique.factories import OrderFactory, build_world
from tests.places.factories import PlaceFactory
from tests.places.test_place_imports import places_csv, stored_import
from tests.referrals.factories import ReferralFactory
from tests.structures.factories import (
    CoordinatorScopeFactory,
    InvitationFactory,
    MembershipFactory,
    StructureFactory,
    TeamMembershipFactory,
)
from tests.territories.factories import CommuneFactory, DepartementFactory

pytestmark = [pytest.mark.browser, pytest.mark.pages]

ROLES = ["anonymous", "mediateur", "gestionnaire", "aiguilleur", "coordinateur", "national_admin"]
VIEWPORTS = {"desktop": DESKTOP, "375px": MOBILE}


@dataclass
class Scene:
    users: dict = field(default_factory=dict)  # role → (user for the pages of the platform, user for the Pass)
    objects: dict = field(default_factory=dict)


def build_scene():
    # The migrations' data do not survive the flush of earlier transactional tests: install them again.
    ensure_referentiel()
    importlib.import_module("cordee.places.migrations.0004_seed_quality_criteria").seed(apps, None)
    DepartementFactory()
    gueret = CommuneFactory()

    structure = StructureFactory(name="Espace numérique de Guéret", with_siret=True)
    gestionnaire = MembershipFactory(
        structure=structure, gestionnaire=True, user__first_name="Gaëlle", user__last_name="Martin"
    ).user
    mediateur = MembershipFactory(structure=structure, user__first_name="Awa", user__last_name="Diallo").user
    aiguilleur = MembershipFactory(
        structure=structure, aiguilleur=True, user__first_name="Nina", user__last_name="Laval"
    ).user
    coordinator = CoordinatorScopeFactory(user__first_name="Paul", user__last_name="Roux").user

    place = PlaceFactory(
        structure=structure, name="Médiathèque de Guéret", with_hours=True, with_contacts=True, qualified=True
    )
    to_qualify = PlaceFactory(
        structure=structure, name="Tiers-lieu du Grand Guéret", with_hours=True, with_contacts=True
    )
    # In the coordinator's queue (the request itself, with its criteria, has its own tests).
    to_qualify.qualification_state = QualificationState.REQUESTED
    to_qualify.save(update_fields=["qualification_state"])
    PlaceReport.objects.create(place=place, kind="wrong_hours", message="Fermé le mercredi")

    person = BeneficiaryFactory(structure=structure, alias="Mme Régine B.", birth_year=1950, commune=gueret)
    BeneficiaryFactory(structure=structure, alias="mme regine b", birth_year=1950, commune=gueret)  # a duplicate
    diagnostic = DiagnosticFactory(beneficiary=person)
    self_diagnostic = diagnostics.save_self(diagnostics.current_version(), answers(), consent=True)
    activity = ActivityFactory(structure=structure, mediator=mediateur, place=place, beneficiary=person)
    ActivityFactory(structure=structure, mediator=mediateur, place=place, workshop=True)

    received = ReferralFactory(place=place)  # sent by another structure to our place
    link_token = links.issue(received)
    sent = ReferralFactory(prescriber_structure=structure, prescriber=aiguilleur)

    team_row = TeamMembershipFactory(coordinator=coordinator, mediator=mediateur)
    TeamMembershipFactory(coordinator=CoordinatorScopeFactory().user, mediator=mediateur, invited=True)
    invitation = InvitationFactory(structure=structure, invited_by=gestionnaire)

    export = DashboardExport.objects.create(
        requested_by=gestionnaire, scope_ref=f"structure:{structure.pk}", what="activities", file_format="csv"
    )
    exports.run(export)
    share_token = share.make_token(coordinator, territory_scope("departement:23"), "")

    place_import = stored_import(places_csv(valid=2, invalid=1), user=coordinator)
    uploads.run(place_import)

    world = build_world(
        books=3, passes_per_book=4, allocate=1, distribute=3, valid_from=timezone.localdate() - dt.timedelta(days=90)
    )
    last_month = timezone.now() - dt.timedelta(days=40)
    pass_services.redeem(world.mediateur, code=world.code("distributed", 0), place_id=world.place.pk, now=last_month)
    statement = pass_services.generate_statements()[0]
    draft = OrderFactory(funder=world.funder)
    job = BookPrint.objects.create(order=world.order, requested_by=world.funder_manager)
    job.result_file.save("carnets.zip", ContentFile(b"PK"), save=False)
    job.finish(books_count=1)

    admin = world.admin
    scene = Scene()
    scene.users = {
        "anonymous": (None, None),
        "mediateur": (mediateur, world.mediateur),
        "gestionnaire": (gestionnaire, world.funder_manager),
        "aiguilleur": (aiguilleur, world.aiguilleur),
        "coordinateur": (coordinator, coordinator),
        "national_admin": (admin, admin),
    }
    scene.objects = {
        "structure": structure,
        "mediateur": mediateur,
        "coordinator": coordinator,
        "place": place,
        "to_qualify": to_qualify,
        "person": person,
        "diagnostic": diagnostic,
        "self_diagnostic": self_diagnostic,
        "activity": activity,
        "received": received,
        "sent": sent,
        "link_token": link_token,
        "team_row": team_row,
        "invitation": invitation,
        "export": export,
        "share_token": share_token,
        "place_import": place_import,
        "criterion": QualityCriterion.objects.order_by("pk").first(),
        "world": world,
        "statement": statement,
        "draft": draft,
        "job": job,
        "reset_user": gestionnaire,
    }
    return scene


def main_pages(o):
    """(label, URL name, URL) of the pages of the platform, with the objects of the scene."""
    s, p, w = o["structure"], o["place"], o["world"]
    membership = s.memberships.get(user=o["mediateur"])
    reset = o["reset_user"]
    return [
        ("www:home", reverse("www:home")),
        ("www:coming_soon", reverse("www:coming_soon", args=[sorted(PLACEHOLDERS)[0]])),
        ("www:accounts:login", reverse("www:accounts:login")),
        ("www:accounts:profile", reverse("www:accounts:profile")),
        ("www:accounts:password_change", reverse("www:accounts:password_change")),
        ("www:accounts:password_reset", reverse("www:accounts:password_reset")),
        ("www:accounts:password_reset_done", reverse("www:accounts:password_reset_done")),
        (
            "www:accounts:password_reset_confirm",
            reverse(
                "www:accounts:password_reset_confirm",
                args=[urlsafe_base64_encode(force_bytes(reset.pk)), default_token_generator.make_token(reset)],
            ),
        ),
        ("www:accounts:password_reset_confirm (lien périmé)", "/compte/mot-de-passe/nouveau/MA/lien-perime/"),
        ("www:accounts:password_reset_complete", reverse("www:accounts:password_reset_complete")),
        ("www:accounts:api_token", reverse("www:accounts:api_token")),
        ("www:dashboard:index", reverse("www:dashboard:index")),
        ("www:dashboards:index", reverse("www:dashboards:index")),
        ("www:dashboards:mine", reverse("www:dashboards:mine")),
        ("www:dashboards:structure", reverse("www:dashboards:structure", args=[s.pk])),
        ("www:dashboards:team", reverse("www:dashboards:team", args=[o["coordinator"].pk])),
        ("www:dashboards:territory", reverse("www:dashboards:territory", args=["departement:23"])),
        ("www:dashboards:export_task", reverse("www:dashboards:export_task", args=[o["export"].pk])),
        ("www:dashboards:shared", reverse("www:dashboards:shared", args=[o["share_token"]])),
        ("www:structures:list", reverse("www:structures:list")),
        ("www:structures:detail", reverse("www:structures:detail", args=[s.pk])),
        ("www:structures:edit", reverse("www:structures:edit", args=[s.pk])),
        ("www:structures:member_invite", reverse("www:structures:member_invite", args=[s.pk])),
        ("www:structures:member_role", reverse("www:structures:member_role", args=[s.pk, membership.pk])),
        ("www:structures:member_remove", reverse("www:structures:member_remove", args=[s.pk, membership.pk])),
        (
            "www:structures:invitation_accept",
            reverse("www:structures:invitation_accept", args=[invitation_token(o["invitation"])]),
        ),
        ("www:team:mine", reverse("www:team:mine")),
        ("www:team:remove", reverse("www:team:remove", args=[o["team_row"].pk])),
        ("www:team:invitations", reverse("www:team:invitations")),
        ("www:places:search", reverse("www:places:search")),
        ("www:places:search (Guéret)", reverse("www:places:search") + "?ou=Gu%C3%A9ret"),
        # A criterion without a place: the « more criteria » part stays open.
        ("www:places:search (critères ouverts)", reverse("www:places:search") + "?pass_numerique=on&when=moment"),
        ("www:places:detail", reverse("www:places:detail", args=[p.pk])),
        ("www:places:detail (Pass numérique)", reverse("www:places:detail", args=[w.place.pk])),
        ("www:place_reports:create", reverse("www:place_reports:create", args=[p.pk])),
        ("www:place_reports:thanks", reverse("www:place_reports:thanks", args=[p.pk])),
        ("www:places_manage:territory", reverse("www:places_manage:territory")),
        ("www:places_manage:structure_places", reverse("www:places_manage:structure_places", args=[s.pk])),
        ("www:places_manage:create", reverse("www:places_manage:create", args=[s.pk])),
        ("www:places_manage:detail", reverse("www:places_manage:detail", args=[p.pk])),
        ("www:places_manage:detail (demande)", reverse("www:places_manage:detail", args=[o["to_qualify"].pk])),
        ("www:places_manage:edit", reverse("www:places_manage:edit", args=[p.pk])),
        (
            "www:places_manage:qualification_decide",
            reverse("www:places_manage:qualification_decide", args=[o["to_qualify"].pk]),
        ),
        ("www:places_manage:qualification_queue", reverse("www:places_manage:qualification_queue")),
        ("www:places_manage:report_queue", reverse("www:places_manage:report_queue")),
        # www:places_manage:hours_check answers a fragment (<p>) to the script of the place form: not a page.
        ("www:places_manage:criterion_list", reverse("www:places_manage:criterion_list")),
        ("www:places_manage:criterion_create", reverse("www:places_manage:criterion_create")),
        ("www:places_manage:criterion_edit", reverse("www:places_manage:criterion_edit", args=[o["criterion"].pk])),
        ("www:places_manage:import_list", reverse("www:places_manage:import_list")),
        ("www:places_manage:import_create", reverse("www:places_manage:import_create")),
        ("www:places_manage:import_detail", reverse("www:places_manage:import_detail", args=[o["place_import"].pk])),
        ("www:legal:legal_notice", reverse("www:legal:legal_notice")),
        ("www:legal:personal_data", reverse("www:legal:personal_data")),
        ("www:legal:accessibility", reverse("www:legal:accessibility")),
        ("www:diagnostics:start", reverse("www:diagnostics:start")),
        ("www:diagnostics:by_code", reverse("www:diagnostics:by_code", args=[o["self_diagnostic"].short_code])),
        ("www:diagnostics:paper", reverse("www:diagnostics:paper")),
        ("www:diagnostics:index", reverse("www:diagnostics:index")),
        ("www:diagnostics:beneficiary_create", reverse("www:diagnostics:beneficiary_create")),
        ("www:diagnostics:beneficiary", reverse("www:diagnostics:beneficiary", args=[o["person"].pk])),
        ("www:diagnostics:create", reverse("www:diagnostics:create", args=[o["person"].pk])),
        ("www:diagnostics:anonymise", reverse("www:diagnostics:anonymise", args=[o["person"].pk])),
        ("www:diagnostics:detail", reverse("www:diagnostics:detail", args=[o["diagnostic"].pk])),
        ("www:diagnostics:statistics", reverse("www:diagnostics:statistics")),
        ("www:diagnostics:referentiel", reverse("www:diagnostics:referentiel")),
        ("www:referrals:index", reverse("www:referrals:index")),
        ("www:referrals:suggest", reverse("www:referrals:suggest")),
        (
            "www:referrals:suggest (diagnostic)",
            reverse("www:referrals:suggest") + f"?diagnostic={o['diagnostic'].pk}",
        ),
        ("www:referrals:statistics", reverse("www:referrals:statistics")),
        ("www:referrals:create", reverse("www:referrals:create") + f"?lieu={w.place.pk}"),
        ("www:referrals:detail (reçue)", reverse("www:referrals:detail", args=[o["received"].pk])),
        ("www:referrals:detail (envoyée)", reverse("www:referrals:detail", args=[o["sent"].pk])),
        ("www:referrals:sheet", reverse("www:referrals:sheet", args=[o["received"].pk])),
        ("www:referrals:link", reverse("www:referrals:link", args=[o["link_token"]])),
        ("www:beneficiaries:index", reverse("www:beneficiaries:index")),
        ("www:beneficiaries:duplicates", reverse("www:beneficiaries:duplicates")),
        ("www:beneficiaries:edit", reverse("www:beneficiaries:edit", args=[o["person"].pk])),
        ("www:activities:index", reverse("www:activities:index")),
        ("www:activities:create", reverse("www:activities:create")),
        ("www:activities:edit", reverse("www:activities:edit", args=[o["activity"].pk])),
        ("www:activities:delete", reverse("www:activities:delete", args=[o["activity"].pk])),
        ("api-docs", reverse("api-docs")),
    ]


def pass_pages(o):
    w, order, book = o["world"], o["world"].order, o["world"].books[0]
    return [
        ("www:pass_numerique:check_form", reverse("www:pass_numerique:check_form")),
        ("www:pass_numerique:check", reverse("www:pass_numerique:check", args=[w.code("distributed", 1)])),
        ("www:pass_numerique:index", reverse("www:pass_numerique:index")),
        ("www:pass_numerique:orders", reverse("www:pass_numerique:orders")),
        ("www:pass_numerique:order_create", reverse("www:pass_numerique:order_create")),
        ("www:pass_numerique:order", reverse("www:pass_numerique:order", args=[order.pk])),
        ("www:pass_numerique:order (brouillon)", reverse("www:pass_numerique:order", args=[o["draft"].pk])),
        ("www:pass_numerique:order_edit", reverse("www:pass_numerique:order_edit", args=[o["draft"].pk])),
        ("www:pass_numerique:print", reverse("www:pass_numerique:print", args=[order.pk, o["job"].pk])),
        ("www:pass_numerique:book", reverse("www:pass_numerique:book", args=[book.pk])),
        ("www:pass_numerique:stock", reverse("www:pass_numerique:stock")),
        ("www:pass_numerique:distribute", reverse("www:pass_numerique:distribute")),
        ("www:pass_numerique:redeem", reverse("www:pass_numerique:redeem")),
        ("www:pass_numerique:statements", reverse("www:pass_numerique:statements")),
        ("www:pass_numerique:statement", reverse("www:pass_numerique:statement", args=[o["statement"].pk])),
        ("www:pass_numerique:statistics", reverse("www:pass_numerique:statistics")),
    ]


def html_pages(user, pages):
    """The pages that answer 200 in HTML to ``user`` (a valid reset link redirects to its form: followed)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    kept = []
    for label, url in pages:
        response = client.get(url, follow=label == "www:accounts:password_reset_confirm")
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            kept.append((label, url))
    return kept


OVERFLOWING = """() => {
    // Which elements make the page wider than the window: go down from <body>, at each level hiding one child
    // at a time, to the smallest element whose hiding removes the horizontal scroll; then hide it and look
    // for another one (at most 3). Everything is shown again at the end.
    const root = document.documentElement;
    const limit = window.innerWidth;
    const describe = (el) => {
        const id = el.id ? '#' + el.id : '';
        const names = typeof el.className === 'string' ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
        const cls = names.map((name) => '.' + name).join('');
        const right = Math.round(el.getBoundingClientRect().right);
        return `${el.parentElement.tagName.toLowerCase()} > ${el.tagName.toLowerCase()}${id}${cls} (right=${right})`;
    };
    const hidden = [];
    const culprits = [];
    for (let round = 0; round < 3 && root.scrollWidth > limit; round++) {
        let node = document.body;
        let leaf = null;
        for (let depth = 0; depth < 60; depth++) {
            let found = null;
            for (const child of node.children) {
                const old = child.style.display;
                child.style.display = 'none';
                const fits = root.scrollWidth <= limit;
                child.style.display = old;
                if (fits) { found = child; break; }
            }
            if (!found) break;
            leaf = node = found;
        }
        if (!leaf) { culprits.push('(plusieurs éléments ensemble)'); break; }
        culprits.push(describe(leaf));
        hidden.push([leaf, leaf.style.display]);
        leaf.style.display = 'none';
    }
    for (const [el, old] of hidden) el.style.display = old;
    return culprits;
}"""


NEAREST_TITLE = """(selector) => {
    // The caption of the element's table, or the last heading before it: to tell which part of the page it is.
    const el = document.querySelector(selector);
    if (!el) return '';
    const caption = el.closest('table, .fr-table')?.querySelector('caption');
    if (caption) return 'caption: ' + caption.textContent.trim().replace(/\\s+/g, ' ').slice(0, 80);
    const headings = [...document.querySelectorAll('h1, h2, h3, h4')];
    let last = null;
    for (const h of headings) {
        if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) last = h;
    }
    return last ? last.tagName.toLowerCase() + ': ' + last.textContent.trim().replace(/\\s+/g, ' ').slice(0, 80) : '';
}"""


def sign_in(page, live_server, user):
    page.context.clear_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def check(page, role, area, label, url, console_errors):
    findings = []
    for viewport_name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        response = page.goto(url)
        page.wait_for_load_state("load")
        where = {"page": label, "url": url, "role": role, "area": area, "viewport": viewport_name}
        if response is None or response.status != 200:
            findings.append({**where, "kind": "status", "status": response and response.status})
            continue
        for violation in violations(page):
            for node in violation["nodes"]:
                selector = node["target"][0] if len(node["target"]) == 1 else None
                near = page.evaluate(NEAREST_TITLE, selector) if isinstance(selector, str) else ""
                findings.append(
                    {
                        **where,
                        "kind": "axe",
                        "rule": violation["id"],
                        "impact": violation["impact"],
                        "help": violation["help"],
                        "target": " ".join(str(part) for part in node["target"]),
                        "html": node.get("html", "")[:300],
                        "summary": " ".join(node.get("failureSummary", "").split()),
                        "near": near,
                    }
                )
        if viewport_name == "375px":
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > MOBILE["width"]:
                findings.append(
                    {
                        **where,
                        "kind": "overflow",
                        "scroll_width": width,
                        "elements": page.evaluate(OVERFLOWING),
                    }
                )
                shots = os.environ.get("CORDEE_WALK_SHOTS")
                if shots:
                    slug = "".join(c if c.isalnum() else "-" for c in f"{role}-{label}")
                    page.screenshot(path=os.path.join(shots, f"{slug}.png"), full_page=True)
        if console_errors:
            findings.append({**where, "kind": "console", "errors": list(console_errors)})
            console_errors.clear()
    return findings


def summary(findings):
    lines = []
    for item in findings:
        head = f"{item['page']} [{item['role']}, {item['viewport']}]"
        if item["kind"] == "axe":
            lines.append(f"{head} {item['rule']} ({item['impact']}) {item['target']}: {item['summary'][:200]}")
        elif item["kind"] == "overflow":
            lines.append(f"{head} défilement horizontal : {item['scroll_width']} px — {', '.join(item['elements'])}")
        else:
            lines.append(f"{head} {item['kind']}: {item.get('errors') or item.get('status')}")
    return "\n".join(lines)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_each_role_is_accessible(page, live_server, console_errors, role):
    scene = build_scene()
    main_user, pass_user = scene.users[role]
    findings, checked = [], 0
    for area, user, pages in (
        ("plateforme", main_user, main_pages(scene.objects)),
        ("pass", pass_user, pass_pages(scene.objects)),
    ):
        visible = html_pages(user, pages)
        sign_in(page, live_server, user)
        for label, url in visible:
            findings += check(page, role, area, label, url, console_errors)
            checked += 1
    out = os.environ.get("CORDEE_WALK_OUT")
    if out:
        with open(out, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"kind": "count", "role": role, "pages": checked}) + "\n")
            for item in findings:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    assert checked, "Aucune page ouverte"
    assert not findings, f"{len(findings)} problèmes sur {checked} pages ({role}) :\n{summary(findings)}"
