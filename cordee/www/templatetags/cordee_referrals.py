"""The count of referrals waiting for an answer, for the header of every page."""

from django import template

from cordee.referrals import perms

register = template.Library()


@register.simple_tag(takes_context=True)
def referrals_inbox_count(context):
    """None when the person may neither send nor receive referrals (no link shown); else the waiting count."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not perms.can_refer(user):
        return None
    return perms.inbox(user).waiting().count()
