"""The address a request came from, trusting X-Forwarded-For only from known proxies."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's IP address.

    REMOTE_ADDR, unless it is one of HOMEWARD_TRUSTED_PROXIES: then the right-most address
    in X-Forwarded-For that is not itself a trusted proxy. Anyone can send an
    X-Forwarded-For header, so without trusted proxies it is ignored; otherwise one
    attacker could put a different address in every request and dodge the lockout.
    """
    remote = _address(request.META.get("REMOTE_ADDR"))
    proxies = _trusted_proxies()
    if remote is None or not _is_trusted(remote, proxies):
        return str(remote) if remote is not None else None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:
            break
        if not _is_trusted(address, proxies):
            return str(address)
    return str(remote)


def _address(text):
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def _trusted_proxies():
    return [ipaddress.ip_network(item, strict=False) for item in settings.HOMEWARD_TRUSTED_PROXIES]


def _is_trusted(address, proxies) -> bool:
    return any(address in network for network in proxies)
