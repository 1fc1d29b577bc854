"""The outbound URL policy: where the server may send requests on an organization's behalf.

An org Admin chooses identity-provider and webhook URLs; without a policy the server would
fetch whatever they name (server-side request forgery): its own loopback services, the
cloud metadata address 169.254.169.254, the private network. So a URL must be http(s) with
a parseable host, and may not point at a loopback, link-local, private or otherwise
non-public address unless the operator sets ALLOY_ALLOW_PRIVATE_URLS=true (a lab, an
intranet IdP, the test suite's local fakes).

Checked twice: on input (`check`: the URL as written, no DNS, a 422) and before every
request (`guard`, also on each redirect: the addresses the name resolves to now, so a
public name pointing at a private address is refused at delivery).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from alloy.errors import Invalid, Unavailable

ALLOW_HINT = "set ALLOY_ALLOW_PRIVATE_URLS=true to allow private addresses"


def _parts(url: str) -> tuple[str, int] | str:
    """(host, port) of an http(s) URL, or why it is not one."""
    try:
        split = urlsplit(url)
        port = split.port or (443 if split.scheme == "https" else 80)
    except ValueError as e:  # "http://[::1", a port that is no number
        return f"not a valid URL ({e})"
    if split.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not split.hostname:
        return "has no host"
    return split.hostname, port


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names without DNS: an IP literal, also IPv4's old forms (127.1)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _private(ip) -> bool:
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _local_name(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == "localhost" or host.endswith(".localhost")


def check(url: str, *, allow_private: bool, field: str = "url") -> str:
    """Refuse (422 on `field`) a URL that is malformed or names a non-public address."""
    parts = _parts(url)
    if isinstance(parts, str):
        raise Invalid(f"{field} {parts}", [{"field": field, "message": parts}])
    host = parts[0]
    ip = _literal(host)
    if not allow_private and (_local_name(host) or (ip is not None and _private(ip))):
        why = f"targets a loopback, link-local or private address; {ALLOW_HINT}"
        raise Invalid(f"{field} {why}", [{"field": field, "message": why}])
    return url


def guard(url: str, *, allow_private: bool) -> None:
    """Before a request: refuse (503) a malformed URL or one whose host resolves to a
    non-public address. A URL stored before this policy existed is refused here too."""
    parts = _parts(url)
    if isinstance(parts, str):
        raise Unavailable(f"refused to contact {url!r}: {parts}")
    if allow_private:
        return
    host, port = parts
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError) as e:
        raise Unavailable(f"cannot resolve {host}: {e}") from None
    if any(_private(ipaddress.ip_address(a.split("%", 1)[0])) for a in found):
        raise Unavailable(f"refused to contact {host}: it resolves to a loopback, link-local "
                          f"or private address; {ALLOW_HINT}")


def client(*, allow_private: bool, **options):
    """An httpx.Client that runs `guard` on every request it sends, redirects included."""
    import httpx

    def hook(request) -> None:
        guard(str(request.url), allow_private=allow_private)

    return httpx.Client(event_hooks={"request": [hook]}, **options)
