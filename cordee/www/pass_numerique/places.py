"""Which places accept the passes of an order, for the pages (the domain decides, this only asks it)."""

from cordee.pass_numerique import services


def accepted_places(order):
    """The places where the order's passes can be used (a queryset of ``Place``)."""
    return services.allowed_places(order)
