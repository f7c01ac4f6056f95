"""The certificates an https server must prove itself with, for every client kg has (kg push, kg add).

certifi's authorities, or those SSL_CERT_FILE or SSL_CERT_DIR names (as for curl and OpenSSL), for a server on this
machine too, so that a self-signed one can be trusted by giving its certificate: httpx reads these variables only
along with the environment's proxies, never for this machine, and a file it cannot load is a traceback.
Verification is never off.
"""

from __future__ import annotations

import ipaddress
import os
import ssl

from kg.errors import UsageError

TLS_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR")


def context(host: str) -> ssl.SSLContext:
    """The TLS context for a client that talks to `host` (named in the message when a variable cannot be used)."""
    import certifi

    for name in TLS_VARIABLES:
        value = os.environ.get(name)
        if not value:
            continue
        try:
            if name == "SSL_CERT_FILE":
                return ssl.create_default_context(cafile=value)
            return ssl.create_default_context(capath=value)
        except (OSError, ValueError) as err:  # missing, unreadable, no PEM certificate in it
            why = getattr(err, "strerror", None) or getattr(err, "reason", None) or type(err).__name__
            raise UsageError(
                f"{name}={value!r}: cannot load the certificates to check {host}'s with ({why}); give a PEM "
                "file of the certificates to trust (or a folder of them for SSL_CERT_DIR), or unset it"
            ) from None
    return ssl.create_default_context(cafile=certifi.where())


def is_loopback(host: str) -> bool:
    """A name or address of this machine (localhost, 127.0.0.0/8, ::1): what kg serve and kg review may listen
    on alone, and what kg push and kg add reach without a proxy."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
