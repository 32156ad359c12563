"""Small state machines for lifecycles (qualification of places; later referrals, passes, claims, actions).

A lifecycle is declared once, as a table::

    QUALIFICATION = Workflow(
        model=Place,
        field="qualification_state",
        states=QualificationState,
        log_model=QualificationTransition,
        log_object_field="place",
        journal_prefix="places.qualification",
        journal=record,
        transitions=[
            Transition("request", {NOT_REQUESTED, REFUSED}, REQUESTED, "Demander",
                       permission=perms.can_edit_place, guards=[criteria_met]),
            Transition("refuse", {REQUESTED}, REFUSED, "Refuser",
                       permission=perms.can_decide_qualification, requires_reason=True),
        ],
    )

and used through two methods:

- ``QUALIFICATION.allowed_transitions(place, actor)``: the transitions this person may apply now
  (state, permission and guards), to show only the buttons that will work;
- ``QUALIFICATION.apply(place, "refuse", actor, reason="…")`` (or ``to=REFUSED``): locks the row
  (``select_for_update(of=("self",))``), checks the state, the permission, the reason and the guards,
  writes the new state, one row of the transition log and one journal entry, and returns the log row.

Refusals are domain errors (``cordee.core.errors``): a transition the current state does not allow
raises ``TransitionNotAllowed`` (a ``Conflict``, 409) listing the ``allowed`` transitions; a person
without the permission gets ``NotAllowed`` (403); a missing reason ``Invalid`` (400); a guard raises
whatever error fits (usually ``Refused``, 422, or ``NotAllowed``). Forbidden attempts (``NotAllowed``)
are journaled too, after the rollback, so that they leave a trace.

The log model inherits ``TransitionLogMixin`` (who, when, from, to, which transition, reason): the
person is kept as a user id and a pseudonymous label, never an e-mail.
"""

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field

from django.conf import settings
from django.db import models, transaction

from cordee.core.errors import Conflict, DomainError, Invalid, NotAllowed
from cordee.core.pseudonyms import user_label

MAX_REASON_LENGTH = 2000

Guard = Callable[[models.Model, object], None]
Permission = Callable[[object, models.Model], bool]


class TransitionNotAllowed(Conflict):
    """The object's current state does not allow this transition. ``allowed`` lists those it does."""

    default_reason = "transition_not_allowed"


@dataclass(frozen=True)
class Transition:
    """One row of the table: from any of ``sources`` to ``target``.

    ``permission(actor, obj)`` says who may apply it (``None``: anyone the calling code lets through,
    e.g. a consequence of an edit already allowed); each guard ``guard(obj, actor)`` raises a domain
    error when the object is not ready. ``requires_reason``: a non-blank reason must be given. Each
    effect ``effect(obj, actor)`` runs in the same transaction once the new state is written.
    ``automatic``: applied by the code as a consequence of something else, never offered to a person
    (``allowed_transitions`` leaves it out).
    """

    name: str
    sources: frozenset
    target: str
    label: str
    _: KW_ONLY
    permission: Permission | None = None
    guards: tuple = ()
    requires_reason: bool = False
    denied_message: str = NotAllowed.default_message
    effects: tuple = ()
    automatic: bool = False

    def __post_init__(self):
        # Accept any iterable and the TextChoices members themselves; keep plain, hashable values.
        object.__setattr__(self, "sources", frozenset(str(source) for source in self.sources))
        object.__setattr__(self, "target", str(self.target))
        object.__setattr__(self, "guards", tuple(self.guards))
        object.__setattr__(self, "effects", tuple(self.effects))

    def permits(self, actor, obj) -> bool:
        return self.permission is None or bool(self.permission(actor, obj))


@dataclass
class Workflow:
    model: type[models.Model]
    field: str
    states: type[models.TextChoices]
    transitions: list[Transition]
    log_model: type[models.Model]
    log_object_field: str
    journal_prefix: str
    journal: Callable | None = None
    conflict_message: str = "Cette étape n'est pas possible : l'état actuel est « {state} ». Rechargez la page."
    reason_message: str = "Indiquez le motif."
    _by_name: dict = field(init=False, repr=False)

    def __post_init__(self):
        self._by_name = {}
        valid = set(self.states.values)
        for item in self.transitions:
            if item.name in self._by_name:
                raise ValueError(f"transition {item.name!r} declared twice")
            unknown = (item.sources | {item.target}) - valid
            if unknown:
                raise ValueError(f"transition {item.name!r} names unknown states {sorted(unknown)}")
            self._by_name[item.name] = item

    # --- Reading the table ---------------------------------------------------------------------------

    def transition(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise ValueError(f"unknown transition {name!r}") from None

    def state_of(self, obj) -> str:
        return getattr(obj, self.field)

    def possible_transitions(self, obj) -> list[Transition]:
        """Transitions the current state allows, whoever asks."""
        state = self.state_of(obj)
        return [item for item in self.transitions if state in item.sources]

    def allowed_transitions(self, obj, actor, *, check_guards: bool = True) -> list[Transition]:
        """Transitions this person may choose now: the state allows them, the permission and the guards pass.

        Automatic transitions are left out: nobody chooses them.
        """
        allowed = []
        for item in self.possible_transitions(obj):
            if item.automatic or not item.permits(actor, obj):
                continue
            if check_guards:
                try:
                    self._check_guards(item, obj, actor)
                except DomainError:
                    continue
            allowed.append(item)
        return allowed

    def history(self, obj):
        """The logged steps of ``obj``, oldest first."""
        return self.log_model._default_manager.filter(**{self.log_object_field: obj}).order_by("at", "pk")

    def can(self, obj, actor, name: str, *, check_guards: bool = True) -> bool:
        return any(item.name == name for item in self.allowed_transitions(obj, actor, check_guards=check_guards))

    # --- Applying a transition --------------------------------------------------------------------------

    def apply(
        self, obj, transition: str | Transition | None = None, actor=None, *, to=None, reason: str = "", **details
    ):
        """Apply one transition (by name, or by target state ``to``) and return the new log row.

        ``details`` (identifiers only, never personal data) go to the journal entry.
        """
        try:
            with transaction.atomic():
                log = self._apply_locked(obj, transition, actor, to=to, reason=reason, details=details)
        except NotAllowed as error:
            self._journal_refusal(obj, transition, to, actor, error)
            raise
        setattr(obj, self.field, log.to_state)
        return log

    def _apply_locked(self, obj, transition, actor, *, to, reason, details):
        locked = self.model._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)
        current = self.state_of(locked)
        item = self._resolve(locked, transition, to)
        if item is None or current not in item.sources:
            raise self._conflict(locked, actor)
        if not item.permits(actor, locked):
            raise NotAllowed(item.denied_message, reason="not_allowed", transition=item.name)
        reason = (reason or "").strip()
        if item.requires_reason and not reason:
            raise Invalid(self.reason_message, reason="reason_required", errors={"reason": self.reason_message})
        self._check_guards(item, locked, actor)
        self.model._default_manager.filter(pk=locked.pk).update(**{self.field: item.target})
        setattr(locked, self.field, item.target)
        for effect in item.effects:
            effect(locked, actor)
        log = self.log_model._default_manager.create(
            **{self.log_object_field: locked},
            transition=item.name,
            from_state=current,
            to_state=item.target,
            actor=actor if _is_user(actor) else None,
            actor_label=user_label(actor) if _is_user(actor) else "",
            reason=reason[:MAX_REASON_LENGTH],
        )
        if self.journal is not None:
            self.journal(
                actor,
                f"{self.journal_prefix}.{item.name}",
                locked,
                from_state=current,
                to_state=item.target,
                **details,
            )
        return log

    def _resolve(self, obj, transition, to) -> Transition | None:
        if isinstance(transition, Transition):
            return transition
        if transition is not None:
            return self.transition(transition)
        if to is None:
            raise ValueError("apply() needs a transition or a target state (to=…)")
        candidates = [item for item in self.possible_transitions(obj) if item.target == str(to)]
        return candidates[0] if candidates else None

    def _check_guards(self, item: Transition, obj, actor) -> None:
        for guard in item.guards:
            guard(obj, actor)

    def _conflict(self, obj, actor) -> TransitionNotAllowed:
        state = self.state_of(obj)
        label = self.states(state).label if state in self.states.values else state
        allowed = [item.name for item in self.allowed_transitions(obj, actor, check_guards=False)]
        return TransitionNotAllowed(self.conflict_message.format(state=label.lower()), state=state, allowed=allowed)

    def _journal_refusal(self, obj, transition, to, actor, error: NotAllowed) -> None:
        if self.journal is None:
            return
        name = transition.name if isinstance(transition, Transition) else transition or f"to_{to}"
        self.journal(actor, f"{self.journal_prefix}.{name}.refused", obj, reason=error.reason)


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


class TransitionLogMixin(models.Model):
    """One step of a lifecycle (append-only): who, when, from which state to which, by which transition, why.

    The person is a user id (kept even if the account is erased: no database constraint) and a
    pseudonymous label (``utilisateur n° 42``), never a name or an e-mail. Concrete models add the
    foreign key to the object (``log_object_field`` of the workflow) and may redeclare ``from_state``
    and ``to_state`` with their choices.
    """

    transition = models.CharField("étape", max_length=50, blank=True)
    from_state = models.CharField("de", max_length=32)
    to_state = models.CharField("vers", max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    actor_label = models.CharField("par (pseudonyme)", max_length=100, blank=True)
    reason = models.TextField("motif", blank=True)
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"
