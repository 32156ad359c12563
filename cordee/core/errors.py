"""Errors the domain raises when it refuses something; the web and the API turn them into messages.

The domain never raises ``PermissionError`` or Django's ``PermissionDenied``: it raises one of these, with
a French ``message`` for the person, a stable machine ``reason`` and, for invalid fields, ``errors``
(field → French message). Extra keys (``allowed``, ``redeemed_at``…) go in ``extra`` and reach API
clients beside the envelope's own keys.

| error         | meaning                                                  | API status |
|---------------|----------------------------------------------------------|------------|
| ``Invalid``   | malformed or invalid fields                              | 400        |
| ``NotAllowed``| a forbidden action on an object the person can see       | 403        |
| ``NotFound``  | an object the person may not see, or that does not exist | 404        |
| ``Conflict``  | a conflict with the object's current state               | 409        |
| ``Refused``   | a well-formed request the domain refuses                 | 422        |
"""


class DomainError(Exception):
    status = 400
    default_message = "La demande ne peut pas aboutir."
    default_reason = "error"

    def __init__(self, message: str | None = None, *, reason: str | None = None, errors=None, **extra):
        self.message = message or self.default_message
        self.reason = reason or self.default_reason
        self.errors = dict(errors or {})
        self.extra = extra
        super().__init__(self.message)

    def as_dict(self) -> dict:
        """The API's error envelope: ``detail``, ``reason``, ``errors`` when any, then the extra keys."""
        body = {"detail": self.message, "reason": self.reason}
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class Invalid(DomainError):
    status = 400
    default_message = "Certaines valeurs ne sont pas valides."
    default_reason = "invalid"


class NotAllowed(DomainError):
    status = 403
    default_message = "Vous n'avez pas le droit de faire cette action."
    default_reason = "not_allowed"


class NotFound(DomainError):
    status = 404
    default_message = "Introuvable, ou vous n'y avez pas accès."
    default_reason = "not_found"


class Conflict(DomainError):
    status = 409
    default_message = "Cette action n'est plus possible dans l'état actuel."
    default_reason = "conflict"


class Refused(DomainError):
    status = 422
    default_message = "La demande est bien formée mais ne peut pas être acceptée."
    default_reason = "refused"
