from cordee.journal.models import Entry


def record(actor, action: str, obj=None, **details) -> Entry:
    """Write one journal entry. `details` must hold no personal data beyond pseudonymous ids."""
    entry = Entry(action=action, details=details)
    if actor is not None and getattr(actor, "is_authenticated", False):
        entry.actor = actor
        entry.actor_label = actor.email
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:255]
    entry.save()
    return entry
