"""The count of referrals waiting for an answer, for the header of every page."""

from django import template

from cordee.referrals import perms
from cordee.structures import perms as structure_perms

register = template.Library()


@register.simple_tag(takes_context=True)
def referrals_inbox_count(context):
    """None when the person has no referrals to follow (no link shown); else the count waiting for an answer
    from the user's places (0 for coordinators, who follow their territory's list)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if perms.can_refer(user):
        return perms.inbox(user).waiting().count()
    if structure_perms.is_coordinator(user) or structure_perms.is_national_admin(user):
        return 0
    return None
