"""Who is asking: the client's address behind the office's trusted reverse proxies."""

from __future__ import annotations

import ipaddress

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(app: Flask) -> None:
    """With TRUSTED_PROXIES=n, the last n X-Forwarded-For/-Proto hops are believed: set it to
    the number of proxies in front of tambon, never more (a client could forge the rest)."""
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def client_address() -> str:
    return request.remote_addr or "-"


def client_network() -> str:
    """The client's network (IPv4 /24, IPv6 /56): what one household or office shares."""
    try:
        address = ipaddress.ip_address(client_address())
    except ValueError:
        return client_address()
    prefix = 24 if address.version == 4 else 56
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
