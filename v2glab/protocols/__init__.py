"""The protocols v2glab speaks, each a plug-in sub-package, and the handshake that picks one.

A protocol is a sub-package of this package whose ``PROTOCOL`` is a
:class:`~v2glab.protocols.base.Protocol`. The registry finds them by themselves:
adding a protocol means adding its package, nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Any, Iterable

from ..errors import V2GError
from .base import Protocol

APP_SCHEMA = "app"  # the supportedAppProtocol handshake, common to all


class UnknownProtocol(V2GError):
    pass


@lru_cache(maxsize=None)
def registry() -> dict[str, Protocol]:
    """Every protocol plug-in by name ('din70121', 'iso15118-2', ...)."""
    found: dict[str, Protocol] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.ispkg:
            protocol = getattr(importlib.import_module(f"{__name__}.{info.name}"), "PROTOCOL", None)
            if isinstance(protocol, Protocol):
                found[protocol.name] = protocol
    return dict(sorted(found.items()))


def get(name: str) -> Protocol:
    try:
        return registry()[name]
    except KeyError:
        raise UnknownProtocol(f"unknown protocol {name!r}; v2glab speaks: {', '.join(registry())}") from None


def by_namespace(namespace: str) -> Protocol | None:
    return next((p for p in registry().values() if namespace in p.namespaces), None)


def by_schema(schema: str) -> Protocol | None:
    """The protocol whose messages use this schema set (ISO 15118-20 has several)."""
    return next((p for p in registry().values() if schema in p.schemas), None)


def parse_list(names: str | Iterable[str]) -> list[Protocol]:
    """'din70121,iso15118-2' (or a list of names) -> protocols, in that order."""
    items = names.split(",") if isinstance(names, str) else list(names)
    return [get(n.strip()) for n in items if n.strip()]


def offer(protocols: Iterable[Protocol], profile: dict[str, Any] | None = None) -> dict[str, Any]:
    """supportedAppProtocolReq body: the protocols in priority order, SchemaID 1, 2, ...

    A protocol with several namespaces (ISO 15118-20) offers those the car's profile needs.
    """
    entries = [(ns, p) for p in protocols for ns in p.offered(profile)]
    return {"AppProtocol": [
        {"ProtocolNamespace": ns, "VersionNumberMajor": p.version[0], "VersionNumberMinor": p.version[1], "SchemaID": i, "Priority": i}
        for i, (ns, p) in enumerate(entries, start=1)
    ]}


def negotiate(request: dict[str, Any], enabled: Iterable[Protocol]) -> tuple[dict[str, Any], Protocol | None]:
    """supportedAppProtocolRes for an offer: the EV's most preferred protocol among ``enabled``.

    Unknown namespaces are skipped (a Tesla offers a proprietary one at priority 1); a
    protocol needs the same major version; another minor gives ...WithMinorDeviation.
    Returns the response body and the chosen protocol (None: Failed_NoNegotiation).
    """
    speaks = {ns: p for p in enabled for ns in p.namespaces}
    for entry in sorted(request.get("AppProtocol", []), key=lambda e: e["Priority"]):
        protocol = speaks.get(entry["ProtocolNamespace"])
        if protocol and entry["VersionNumberMajor"] == protocol.version[0]:
            minor_ok = entry["VersionNumberMinor"] == protocol.version[1]
            code = "OK_SuccessfulNegotiation" if minor_ok else "OK_SuccessfulNegotiationWithMinorDeviation"
            return {"ResponseCode": code, "SchemaID": entry["SchemaID"]}, protocol
    return {"ResponseCode": "Failed_NoNegotiation"}, None


def chosen(offered: dict[str, Any], response: dict[str, Any]) -> Protocol | None:
    """The protocol an SECC's supportedAppProtocolRes picked from our offer (None: none of ours)."""
    if not response.get("ResponseCode", "").startswith("OK"):
        return None
    for entry in offered.get("AppProtocol", []):
        if entry["SchemaID"] == response.get("SchemaID"):
            return by_namespace(entry["ProtocolNamespace"])
    return None
