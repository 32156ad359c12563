"""The public self-diagnostic: one question per screen, works without JavaScript, stores only on request."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cordee.core import ratelimit
from cordee.core.errors import DomainError
from cordee.core.net import rate_limit_key
from cordee.diagnostics import services
from cordee.diagnostics.enums import QuestionKind
from cordee.www.diagnostics import journey
from cordee.www.diagnostics.presentation import answer_label, result_context, stored_result
from cordee.www.errors.views import error_response

# A result's code has 6 characters: guessing one takes many tries. 10 wrong codes per address in 15 minutes.
WRONG_CODES = ratelimit.Limit(
    "diagnostic-code",
    attempts=10,
    window=15 * 60,
    message="Trop de codes inconnus ont été essayés depuis votre connexion internet. Vérifiez le code écrit sur "
    "votre résultat, puis réessayez dans {wait}.",
)

KIND_TITLES = {
    QuestionKind.SKILL: "Ce que vous savez faire",
    QuestionKind.EQUIPMENT: "Votre équipement",
    QuestionKind.BARRIER: "Ce qui peut vous gêner",
}


@login_not_required
@require_GET
def start(request):
    version = services.current_version()
    return render(
        request,
        "www/diagnostics/start.html",
        {"version": version, "count": version.questions.count(), "state": journey.dump_state(version.code, {})},
    )


def _question_page(request, version, questions, answers, step, *, review=False, error="", status=200):
    question = questions[step]
    return render(
        request,
        "www/diagnostics/question.html",
        {
            "version": version,
            "question": question,
            "kind_title": KIND_TITLES[question.kind],
            "choices": [(code, answer_label(code)) for code in question.answers],
            "current": answers.get(question.code, ""),
            "step": step,
            "number": step + 1,
            "count": len(questions),
            "state": journey.dump_state(version.code, answers),
            "review": review,
            "error": error,
        },
        status=status,
    )


def _result_page(request, version, questions, answers):
    clean, result = services.evaluate(version, answers)
    context = result_context(version, clean, result)
    context.update(
        {
            "state": journey.dump_state(version.code, answers),
            "summary": [
                (index, question, answer_label(answers[question.code]) if question.code in answers else "Sans réponse")
                for index, question in enumerate(questions)
            ],
        }
    )
    return render(request, "www/diagnostics/result.html", context)


def _first_missing(questions, answers) -> int | None:
    return next((i for i, q in enumerate(questions) if q.required and q.code not in answers), None)


@login_not_required
@require_POST
def question(request):
    """Every button of the journey posts here: answer, skip, back, or go to one question to change it."""
    state = journey.load_state(request.POST.get("state"))
    if state is None:
        return render(request, "www/diagnostics/expired.html", status=400)
    version_code, answers = state
    try:
        version = services.version_by_code(version_code)
    except DomainError:
        return render(request, "www/diagnostics/expired.html", status=400)
    questions = services.questions_of(version)
    try:
        step = max(0, min(int(request.POST.get("step", 0)), len(questions)))
    except ValueError:
        step = 0
    action = request.POST.get("action", "")
    review = request.POST.get("review") == "1"

    if action == "back":
        return _question_page(request, version, questions, answers, max(step - 1, 0), review=review)
    if action in ("goto", "start") and step < len(questions):
        return _question_page(request, version, questions, answers, step, review=action == "goto")
    if step < len(questions) and action in ("answer", "skip"):
        current = questions[step]
        if action == "skip" and not current.required:
            answers.pop(current.code, None)
        else:
            answer = request.POST.get("answer", "")
            if answer not in current.answers:
                message = "Choisissez une réponse pour continuer."
                return _question_page(
                    request, version, questions, answers, step, review=review, error=message, status=400
                )
            answers[current.code] = answer
        step += 1
        missing = _first_missing(questions, answers)
        if review and missing is None:
            step = len(questions)
    if step < len(questions):
        return _question_page(request, version, questions, answers, step, review=review)
    missing = _first_missing(questions, answers)
    if missing is not None:
        return _question_page(request, version, questions, answers, missing)
    return _result_page(request, version, questions, answers)


@login_not_required
@require_POST
def save(request):
    """Keep the result only if the person ticked their agreement; then show its short code."""
    state = journey.load_state(request.POST.get("state"))
    if state is None:
        return render(request, "www/diagnostics/expired.html", status=400)
    version_code, answers = state
    version = services.version_by_code(version_code)
    if request.POST.get("consent") != "on":
        questions = services.questions_of(version)
        response = _result_page(request, version, questions, answers)
        response.status_code = 400
        return response
    diagnostic = services.save_self(version, answers, consent=True)
    return redirect("www:diagnostics:by_code", code=diagnostic.short_code)


@login_not_required
@require_GET
def by_code(request, code):
    """The stored result, for whoever holds its code (the person, or the mediator they show it to).

    Wrong codes are limited per client address (``WRONG_CODES``): past the limit every look-up answers 429,
    so that codes cannot be guessed one after the other."""
    address = rate_limit_key(request)
    try:
        ratelimit.check(WRONG_CODES, address)
    except ratelimit.RateLimited as error:
        response = error_response(request, 429, detail=error.message)
        response["Retry-After"] = str(error.retry_after)
        return response
    try:
        diagnostic = services.find_by_short_code(code)
    except DomainError as error:
        ratelimit.count(WRONG_CODES, address)
        return render(request, "www/diagnostics/code_invalid.html", {"message": error.message}, status=404)
    context = result_context(diagnostic.version, diagnostic.answers, stored_result(diagnostic))
    context.update({"diagnostic": diagnostic, "short_code": diagnostic.short_code})
    return render(request, "www/diagnostics/by_code.html", context)


@login_not_required
@require_GET
def paper(request):
    """The questionnaire on paper, for a mediator to key the answers in later."""
    version = services.current_version()
    questions = [(q, [answer_label(code) for code in q.answers]) for q in services.questions_of(version)]
    return render(request, "www/diagnostics/paper.html", {"version": version, "questions": questions})
