"""Who may scrape /metrics: the configured addresses (``METRICS_ALLOW``, default loopback)
or a caller with ``Authorization: Bearer <METRICS_TOKEN>``. Everyone else gets a 404.

A request that came through a proxy this app does not trust (it carries X-Forwarded-For
while ``PROXY_COUNT`` is 0) never counts as coming from an allowed address: behind an
untrusted local proxy every caller would look like 127.0.0.1."""

import hmac
import ipaddress

from flask import current_app, request


def networks(text: str) -> list:
    """``"127.0.0.1, ::1, 10.0.0.0/8"`` -> networks; a bad entry is a start-up error."""
    found = []
    for part in (text or "").split(","):
        part = part.strip()
        if part:
            found.append(ipaddress.ip_network(part, strict=False))
    return found


def _token_ok() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    header = request.headers.get("Authorization", "")
    if not token or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[7:].strip().encode(), token.encode())


def _address_ok() -> bool:
    if request.headers.get("X-Forwarded-For") and not current_app.config.get("PROXY_COUNT"):
        return False
    try:
        address = ipaddress.ip_address((request.remote_addr or "").split("%")[0])
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    allowed = networks(current_app.config.get("METRICS_ALLOW", ""))
    return any(address in network for network in allowed)


def may_scrape() -> bool:
    return _token_ok() or _address_ok()
