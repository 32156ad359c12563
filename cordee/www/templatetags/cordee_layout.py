"""Tags of the site layout: navigation links, breadcrumb, message alerts."""

from django import template
from django.contrib.messages import constants as message_levels

register = template.Library()

# The DSFR has four kinds of alert; Django has five message levels.
_ALERT_KIND = {
    message_levels.DEBUG: "info",
    message_levels.INFO: "info",
    message_levels.SUCCESS: "success",
    message_levels.WARNING: "warning",
    message_levels.ERROR: "error",
}


@register.filter
def alert_kind(message):
    """DSFR alert modifier (info, success, warning, error) for a message of the messages framework."""
    return _ALERT_KIND.get(message.level, "info")


@register.inclusion_tag("www/layout/nav_item.html", takes_context=True)
def nav_item(context, url, label):
    """A link of the main menu, marked as the current page when the visitor is in its section."""
    request = context.get("request")
    path = request.path if request is not None else ""
    is_current = path == url or (url != "/" and path.startswith(url))
    return {"url": url, "label": label, "is_current": is_current}


@register.inclusion_tag("www/layout/breadcrumb.html")
def breadcrumb(current, *links):
    """Breadcrumb from the home page to the current page.

    Usage: ``{% breadcrumb "Page actuelle" "Parent" parent_url "Autre parent" other_url %}``.
    """
    if len(links) % 2:
        raise template.TemplateSyntaxError("breadcrumb attend des paires « libellé, adresse » après la page actuelle.")
    pairs = [{"label": links[i], "url": links[i + 1]} for i in range(0, len(links), 2)]
    return {"current": current, "links": pairs}


@register.filter
def number_fr(value):
    """12804 → « 12 804 », with a non-breaking space as French typography wants."""
    return f"{int(value):,}".replace(",", "\u00a0")
