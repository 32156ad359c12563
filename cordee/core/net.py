"""The address of the client behind the reverse proxies we trust, for rate limits.

Behind a proxy, ``REMOTE_ADDR`` is the proxy's address: every visitor would share one bucket. Each proxy
appends the address it received the request from to ``X-Forwarded-For``, so with ``TRUSTED_PROXY_COUNT``
proxies in front of the application (setting, from the environment) the client is the entry that many
places from the right. Entries further left were written by the client itself and are never trusted:
sending a made-up ``X-Forwarded-For`` changes nothing. With no trusted proxy (the default) the header is
ignored.

Rate limits count per ``rate_limit_key``: the client address, or its /64 network for IPv6 (one subscriber
usually holds a whole /64 and could otherwise change address at every request).
"""

import ipaddress

from django.conf import settings

IPV6_RATE_LIMIT_PREFIX = 64


def _valid_address(text: str) -> str | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:443"
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_address(request) -> str:
    """The client's IP address as seen by the first proxy we trust, or ``REMOTE_ADDR`` without proxies."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if trusted > 0:
        forwarded = [entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
        # Fewer entries than proxies: the request did not come through them all, the header proves nothing.
        if len(forwarded) >= trusted:
            address = _valid_address(forwarded[-trusted])
            if address:
                return address
    return _valid_address(remote) or remote


def rate_limit_key(request) -> str:
    """What rate limits count against: the client address, its /64 network for IPv6."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_RATE_LIMIT_PREFIX}", strict=False))
    return str(parsed)
