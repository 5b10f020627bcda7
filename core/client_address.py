"""The address a request came from, as far as this deployment can vouch for it.

Every proxy in front of the application appends the address it received the request from to
`X-Forwarded-For`; whatever the client itself put in that header is left at the front. So
the leftmost address is the one the *client chooses*, and only the addresses our own proxies
added can be believed. With `TRUSTED_PROXY_COUNT` proxies (the setting), the client is the
`TRUSTED_PROXY_COUNT`-th address from the right. With none, it is `REMOTE_ADDR`.

Used by the access log (`casework.access.record_access`), the public form's rate limit
(`contacts.public_views`) and the sign-in lockout (django-axes, `AXES_CLIENT_IP_CALLABLE`),
so a spoofed header can neither hide who opened a case, nor dodge the rate limit, nor lock a
colleague out from elsewhere.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or None when nothing trustworthy is known.

    A header shorter than the proxy chain, or an entry that is not an address, means the
    request did not come through every proxy as configured: the direct peer (`REMOTE_ADDR`) is
    then the only address that was not typed by the client."""
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return _address(forwarded[-proxies]) or remote
