"""The EVCC as a network client: SDP discovery (or a given address), then one session over TCP or TLS."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

from ..exi import grammar
from ..protocols import APP_SCHEMA, parse_list
from ..protocols.events import Close
from ..transport import sdp
from ..transport.connection import CoreProtocol
from ..transport.observers import MessageObserver, PacketObserver, Silent
from .session import EvccSession


async def run_evcc(
    profile: dict[str, Any],
    host: str | None = None,
    port: int | None = None,
    ssl_context: ssl.SSLContext | None = None,
    tracer: MessageObserver | None = None,
    interface: str | None = None,
    sdp_target: str = sdp.SDP_MULTICAST,
    sdp_port: int = sdp.SDP_PORT,
    capture: PacketObserver | None = None,
) -> Close:
    """Run one charging session; the Close says whether it ended normally and why not."""
    tracer = tracer or Silent()
    for schema in (APP_SCHEMA, *(s for p in parse_list(profile["protocols"]) for s in p.schemas)):
        grammar(schema)  # loaded before the session, not inside a response timeout
    if host is None or port is None:
        security = sdp.SECURITY_TLS if ssl_context else sdp.SECURITY_NONE
        try:
            found = await sdp.discover(security, interface, sdp_target, sdp_port, capture=capture)
        except sdp.SDPError as exc:
            return Close(str(exc), ok=False)
        tracer.note("EVCC", f"SDP: SECC at [{found.address}]:{found.port} ({'TLS' if found.security == sdp.SECURITY_TLS else 'TCP'})")
        if ssl_context is not None and found.security != sdp.SECURITY_TLS:
            return Close("asked for TLS, the SECC offers plain TCP only", ok=False)
        host, port = found.address, found.port
    elif interface and host.lower().startswith("fe80") and "%" not in host:
        host = f"{host}%{interface}"
    loop = asyncio.get_running_loop()
    done: asyncio.Future[Close] = loop.create_future()
    protocol = CoreProtocol(EvccSession(profile), tracer, "EVCC", "", capture, lambda outcome: done.done() or done.set_result(outcome))
    try:
        await loop.create_connection(lambda: protocol, host, port, ssl=ssl_context, server_hostname="" if ssl_context else None)
    except ssl.SSLError as exc:
        return Close(f"TLS handshake failed: {exc.reason or exc}", ok=False)
    except OSError as exc:
        return Close(f"cannot connect to [{host}]:{port}: {exc.strerror or exc}", ok=False)
    return await done
