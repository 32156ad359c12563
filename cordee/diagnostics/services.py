"""Running, storing and importing diagnostics; publishing référentiel versions; erasing a person."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from cordee.beneficiaries import perms as beneficiary_perms
from cordee.core import ratelimit
from cordee.core.errors import Conflict, Invalid, NotFound, Refused
from cordee.diagnostics import scoring
from cordee.diagnostics.enums import Answer, Mode, VersionState
from cordee.diagnostics.models import (
    SHORT_CODE_VALIDITY,
    Area,
    Diagnostic,
    DiagnosticVersion,
    Question,
    new_short_code,
)
from cordee.journal.services import record


def current_version() -> DiagnosticVersion:
    version = DiagnosticVersion.objects.current()
    if version is None:
        raise NotFound("Aucune version du questionnaire n'est publiée.", reason="no_published_version")
    return version


def version_by_code(code: str | None) -> DiagnosticVersion:
    """The published (or replaced) version ``code``, or the current one when ``code`` is empty."""
    if not code:
        return current_version()
    version = DiagnosticVersion.objects.exclude(state=VersionState.DRAFT).filter(code=code).first()
    if version is None:
        raise Invalid(
            f"La version « {code} » du questionnaire n'existe pas.",
            reason="unknown_version",
            errors={"version": "Version inconnue."},
        )
    return version


def questions_of(version) -> list[Question]:
    return list(version.questions.select_related("area").order_by("position", "pk"))


def refs_of(questions) -> list[scoring.QuestionRef]:
    return [scoring.QuestionRef(q.code, q.kind, q.area.code if q.area_id else None) for q in questions]


def check_answers(questions, answers) -> dict[str, str]:
    """The answers, checked: every key a question of the version, every code allowed, every required one there."""
    if not isinstance(answers, dict):
        raise Invalid(
            "Les réponses doivent être un objet {question: réponse}.", errors={"answers": "Format invalide."}
        )
    by_code = {question.code: question for question in questions}
    errors = {}
    for key, value in answers.items():
        question = by_code.get(key)
        if question is None:
            errors[str(key)] = "Question inconnue dans cette version du questionnaire."
        elif value not in question.answers:
            errors[str(key)] = f"Réponse inconnue : choisissez parmi {', '.join(question.answers)}."
    for question in questions:
        if question.required and question.code not in answers:
            errors[question.code] = "Une réponse est nécessaire à cette question."
    if errors:
        raise Invalid("Certaines réponses manquent ou ne sont pas valides.", reason="invalid_answers", errors=errors)
    return {question.code: answers[question.code] for question in questions if question.code in answers}


def evaluate(version, answers) -> tuple[dict[str, str], scoring.Result]:
    questions = questions_of(version)
    clean = check_answers(questions, answers)
    return clean, scoring.score(refs_of(questions), clean)


def fill_result(diagnostic: Diagnostic, result: scoring.Result) -> None:
    diagnostic.levels = result.levels
    diagnostic.profile = result.profile
    diagnostic.help_now = result.help_now
    diagnostic.recommended_services = [str(service) for service in result.recommended_services]
    diagnostic.constraints = [str(constraint) for constraint in result.constraints]


def save_assisted(actor, beneficiary, answers, *, version=None, note: str = "") -> Diagnostic:
    """A diagnostic run with a person followed by the actor's structure; stored in that structure."""
    if beneficiary is None or not beneficiary_perms.can_view_beneficiary(actor, beneficiary):
        raise NotFound("Personne introuvable.", reason="beneficiary_not_found")
    if beneficiary.is_anonymised or not beneficiary.consent_given:
        raise Refused("Sans le consentement de la personne, rien n'est gardé.", reason="no_consent")
    version = version or current_version()
    clean, result = evaluate(version, answers)
    diagnostic = Diagnostic(
        version=version,
        mode=Mode.ASSISTED,
        structure=beneficiary.structure,
        beneficiary=beneficiary,
        answers=clean,
        note=note,
        created_by=actor,
    )
    fill_result(diagnostic, result)
    diagnostic.save()
    record(
        actor, "diagnostic.created", diagnostic, beneficiary_id=beneficiary.pk, structure_id=diagnostic.structure_id
    )
    return diagnostic


def save_self(version, answers, *, consent: bool) -> Diagnostic:
    """A self-diagnostic kept only because the person agreed, with a short code valid 90 days."""
    if not consent:
        raise Refused("Sans votre accord, vos réponses ne sont pas gardées.", reason="no_consent")
    clean, result = evaluate(version, answers)
    now = timezone.now()
    for _attempt in range(10):
        diagnostic = Diagnostic(
            version=version,
            mode=Mode.SELF,
            answers=clean,
            short_code=new_short_code(),
            short_code_expires_at=now + SHORT_CODE_VALIDITY,
            created_at=now,
        )
        fill_result(diagnostic, result)
        try:
            with transaction.atomic():
                diagnostic.save()
        except IntegrityError:
            continue
        record(None, "diagnostic.self_stored", diagnostic)
        return diagnostic
    raise Conflict("Impossible de créer un code pour le moment, réessayez.", reason="short_code_exhausted")


def find_by_short_code(code: str) -> Diagnostic:
    """A stored self-diagnostic by its short code; an expired code says so."""
    diagnostic = Diagnostic.objects.by_short_code(code).filter(mode=Mode.SELF).select_related("version").first()
    if diagnostic is None:
        raise NotFound("Aucun diagnostic ne correspond à ce code. Vérifiez les 6 caractères.", reason="unknown_code")
    if diagnostic.short_code_expired:
        raise Refused(
            "Ce code a expiré : il était valable 90 jours. La personne peut refaire le diagnostic.",
            reason="expired_code",
            errors={"code": "Code expiré."},
        )
    return diagnostic


# Wrong codes typed by one account to attach a diagnostic: the same limit as the public look-up per address, so
# that nobody signed in can try codes one after the other and attach the answers of a stranger.
IMPORT_WRONG_CODES = ratelimit.Limit(
    "diagnostic-import-code",
    attempts=10,
    window=15 * 60,
    message="Trop de codes inconnus ou expirés ont été essayés depuis votre compte. Vérifiez le code écrit sur le "
    "résultat de la personne, puis réessayez dans {wait}.",
)


def import_by_short_code(actor, code: str, beneficiary) -> Diagnostic:
    """Attach a self-diagnostic to a person the actor's structure follows; the code stops working. Past
    ``IMPORT_WRONG_CODES`` unknown or expired codes, ``RateLimited`` (429) until the window ends."""
    if beneficiary is None or not beneficiary_perms.can_view_beneficiary(actor, beneficiary):
        raise NotFound("Personne introuvable.", reason="beneficiary_not_found")
    who = f"user:{actor.pk}"
    ratelimit.check(IMPORT_WRONG_CODES, who)
    try:
        return _attach(actor, code, beneficiary)
    except (NotFound, Refused) as error:
        if error.reason in ("unknown_code", "expired_code"):
            ratelimit.count(IMPORT_WRONG_CODES, who)  # outside the transaction: the database cache keeps it
        raise


@transaction.atomic
def _attach(actor, code: str, beneficiary) -> Diagnostic:
    diagnostic = find_by_short_code(code)
    diagnostic = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
    if diagnostic.beneficiary_id is not None:
        raise Conflict("Ce diagnostic a déjà été rattaché à une personne.", reason="already_imported")
    diagnostic.beneficiary = beneficiary
    diagnostic.structure = beneficiary.structure
    diagnostic.imported_at = timezone.now()
    diagnostic.short_code = None
    diagnostic.short_code_expires_at = None
    diagnostic.save(update_fields=["beneficiary", "structure", "imported_at", "short_code", "short_code_expires_at"])
    record(
        actor, "diagnostic.imported", diagnostic, beneficiary_id=beneficiary.pk, structure_id=beneficiary.structure_id
    )
    return diagnostic


def erase_beneficiary(beneficiary) -> int:
    """Registered eraser: blank notes and sensitive answers of the person's diagnostics; levels stay."""
    changed = 0
    for diagnostic in Diagnostic.objects.filter(beneficiary=beneficiary).select_related("version"):
        sensitive = set(diagnostic.version.questions.filter(sensitive=True).values_list("code", flat=True))
        diagnostic.answers = {key: value for key, value in diagnostic.answers.items() if key not in sensitive}
        diagnostic.note = ""
        diagnostic.save(update_fields=["answers", "note"])
        changed += 1
    return changed


# ── Référentiel versions (national admin) ─────────────────────────────────────────────────────────


@transaction.atomic
def publish(actor, version: DiagnosticVersion) -> DiagnosticVersion:
    """Publish a draft; the previous published version is replaced (its results keep it)."""
    version = DiagnosticVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != VersionState.DRAFT:
        raise Conflict("Seul un brouillon peut être publié.", reason="not_a_draft")
    questions = list(version.questions.all())
    if not any(question.answers for question in questions):
        raise Refused("Un questionnaire sans question ne peut pas être publié.", reason="empty_version")
    invalid = {q.code: "Réponse inconnue." for q in questions if not set(q.answers) <= set(Answer.values)}
    if invalid:
        raise Invalid(errors=invalid, reason="invalid_version")
    DiagnosticVersion.objects.filter(state=VersionState.PUBLISHED).update(state=VersionState.ARCHIVED)
    version.state = VersionState.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["state", "published_at"])
    record(actor, "diagnostic_version.published", version)
    return version


@transaction.atomic
def new_draft(actor, source: DiagnosticVersion, code: str) -> DiagnosticVersion:
    """A draft copied from ``source``, to be edited then published."""
    if DiagnosticVersion.objects.filter(code=code).exists():
        raise Invalid(errors={"code": "Cette version existe déjà."}, reason="version_exists")
    draft = DiagnosticVersion.objects.create(code=code, notes=f"Copie de la version {source.code}.")
    areas = {}
    for area in source.areas.all():
        old_pk = area.pk
        area.pk, area.version = None, draft
        area.save()
        areas[old_pk] = area
    for question in source.questions.all():
        question.pk, question.version = None, draft
        question.area = areas.get(question.area_id)
        question.save()
    record(actor, "diagnostic_version.drafted", draft, source_id=source.pk)
    return draft


def area_labels(version) -> dict[str, Area]:
    return {area.code: area for area in version.areas.all()}
