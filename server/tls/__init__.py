"""HTTPS served by `alloy serve` itself (docs/server.md#https).

Two ways to a certificate: `--tls-domain` gets one from an ACME CA (Let's Encrypt by
default; `issuer.py`), answering its HTTP-01 challenge on the plain-HTTP port, caches it and
renews it in a background thread when a third of its lifetime is left; `--tls-cert`/
`--tls-key` serve the operator's own. Either way the HTTPS server reloads the files when
they change (`context.py`) and the plain-HTTP port redirects to HTTPS (`http.py`).
"""

from __future__ import annotations

import datetime
import sys
import threading

from alloy.errors import NotConfigured


def plan(settings) -> Plan | None:
    """The TLS set-up `settings` ask for, checked now (one line per mistake), or None."""
    tls, server = settings.tls, settings.server
    if not tls.enabled:
        stray = [flag for flag, on in (("--tls-contact (ALLOY_TLS_CONTACT)", tls.contact),
                                       ("--tls-staging (ALLOY_TLS_STAGING)", tls.staging),
                                       ("--tls-directory-url (ALLOY_TLS_DIRECTORY_URL)",
                                        tls.directory_url)) if on]
        if stray:
            raise NotConfigured(f"{stray[0]} needs --tls-domain (ALLOY_TLS_DOMAIN)")
        return None
    if tls.domain and (tls.cert_file or tls.key_file):
        raise NotConfigured("--tls-domain (an automatic certificate) and --tls-cert/--tls-key "
                            "(your own) exclude each other: pick one")
    if tls.http_port == server.port:
        raise NotConfigured(f"--tls-http-port (ALLOY_TLS_HTTP_PORT) must differ from the HTTPS "
                            f"port {server.port}")
    if tls.domain:
        if tls.staging and tls.directory_url:
            raise NotConfigured("--tls-staging and --tls-directory-url name two ACME servers: "
                                "pick one")
        if not tls.http_port:
            raise NotConfigured("--tls-domain needs the HTTP port for the ACME HTTP-01 "
                                "challenge: set --tls-http-port (ALLOY_TLS_HTTP_PORT) to a port")
        from alloy.extras import require

        require("tls")
    else:
        if not tls.cert_file:
            raise NotConfigured("--tls-key (ALLOY_TLS_KEY) needs --tls-cert (ALLOY_TLS_CERT)")
        from alloy.server.tls.context import check

        check(tls.cert_file, tls.key_file)
    return Plan(tls, server)


class Plan:
    """A checked TLS set-up; `start` brings it up beside the HTTPS server, `stop` ends it."""

    def __init__(self, tls, server) -> None:
        self.tls, self.server = tls, server
        self._stop = threading.Event()
        self._http = None

    def environ(self) -> dict[str, str]:
        """What the app's settings gain: links it hands out use https (and the domain)."""
        extra = {"ALLOY_HTTPS": "true"}
        if self.tls.domain and not self.server.public_url:
            extra["ALLOY_PUBLIC_URL"] = self.origin()
        return extra

    def origin(self) -> str:
        """Where HTTPS is reached: ALLOY_PUBLIC_URL's origin when it is https (a port mapped
        to another), else the domain on our port; "" (the Host asked for) without either."""
        from urllib.parse import urlsplit

        public = urlsplit(self.server.public_url or "")
        if public.scheme == "https" and public.netloc:
            return f"https://{public.netloc}"
        port = "" if self.server.port == 443 else f":{self.server.port}"
        return f"https://{self.tls.domain}{port}" if self.tls.domain else ""

    def describe(self) -> str:
        where = f"HTTP on port {self.tls.http_port} redirects to HTTPS" if self.tls.http_port \
            else "no plain-HTTP port"
        what = (f"certificate for {self.tls.domain} from {self.directory_url}" if self.tls.domain
                else f"certificate {self.tls.cert_file}")
        return f"TLS: {what}; {where}"

    @property
    def directory_url(self) -> str:
        from alloy.server.tls.issuer import LETS_ENCRYPT, LETS_ENCRYPT_STAGING

        return self.tls.directory_url or (LETS_ENCRYPT_STAGING if self.tls.staging
                                          else LETS_ENCRYPT)

    def start(self) -> dict:
        """Listen on the HTTP port, get a certificate if none is cached, start renewing;
        return uvicorn's TLS options."""
        from alloy.server.tls.context import ReloadingContext
        from alloy.server.tls.http import HttpSide, redirect_app

        challenges: dict[str, str] = {}
        try:
            if self.tls.http_port:
                app = redirect_app(challenges, self.server.port, self.origin())
                self._http = HttpSide(self.server.host, self.tls.http_port, app).start()
            if self.tls.domain:
                cert, key = self._acme(challenges), None
            else:
                cert, key = self.tls.cert_file, self.tls.key_file or None
        except BaseException:
            self.stop()
            raise
        return {"ssl_certfile": cert, "ssl_keyfile": key,
                "ssl_context_factory": ReloadingContext(cert, key)}

    def _acme(self, challenges: dict[str, str]) -> str:
        from alloy.server.tls.issuer import Issuer, folder_for, usable

        domain = self.tls.domain
        issuer = Issuer(self.directory_url, self.tls.contact,
                        folder_for(self.tls.cache_dir, self.directory_url), challenges)
        pem = issuer.cached(domain)
        if not usable(pem, domain):
            print(f"TLS: requesting a certificate for {domain}...", flush=True)
            pem = issuer.issue(domain)
            _issued(domain, pem)
        threading.Thread(target=self._renew, args=(issuer, domain, pem), name="alloy-tls-renew",
                         daemon=True).start()
        return str(issuer.cert_path(domain))

    def _renew(self, issuer, domain: str, pem: bytes) -> None:
        """Sleep until the certificate is due, renew it; retry failures with a backoff."""
        from alloy.server.tls.issuer import leaf, renew_at

        while not self._stop.is_set():
            wait = (renew_at(pem) - _now()).total_seconds()
            if wait > 0:
                self._stop.wait(min(wait, 6 * 3600))
                continue
            try:
                pem = issuer.issue(domain)
                _issued(domain, pem, "renewed")
            except Exception as why:  # keep serving the current certificate; try again
                cert = leaf(pem)
                lifetime = (cert.not_valid_after_utc - cert.not_valid_before_utc).total_seconds()
                print(f"WARN: TLS: renewal failed, retrying: {why}", file=sys.stderr, flush=True)
                self._stop.wait(min(3600.0, max(1.0, lifetime / 30)))

    def stop(self) -> None:
        self._stop.set()
        if self._http is not None:
            self._http.stop()


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _issued(domain: str, pem: bytes, verb: str = "issued") -> None:
    from alloy.server.tls.issuer import leaf

    until = leaf(pem).not_valid_after_utc.strftime("%Y-%m-%d %H:%M:%S UTC")
    print(f"TLS: certificate for {domain} {verb}, valid until {until}", flush=True)
