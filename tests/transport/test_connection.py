"""The connection adapter's TLS side: a refused handshake says why, with a TLS alert."""

from __future__ import annotations

import asyncio
import io
import socket
import ssl
import warnings
from pathlib import Path

import pytest

from v2glab.pki import init_pki
from v2glab.profiles import load_profile
from v2glab.secc.server import SeccServer
from v2glab.trace import NullTracer, Tracer
from v2glab.transport.tls import secc_context


def handshake(port: int, version: ssl.TLSVersion, ciphers: str = "DEFAULT") -> str:
    """A Python TLS client offering only ``version`` and ``ciphers``: the error it gets, or 'ok'."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_ciphers(f"{ciphers}:@SECLEVEL=0")  # let the client offer what a weak peer would
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = ctx.maximum_version = version
    with socket.create_connection(("::1", port), timeout=5) as raw:
        try:
            ctx.wrap_socket(raw, server_hostname="secc").close()
            return "ok"
        except (ssl.SSLError, OSError) as exc:
            return str(exc)


@pytest.mark.parametrize(("version", "ciphers", "alert"), [
    (ssl.TLSVersion.TLSv1_1, "DEFAULT", "TLSV1_ALERT_PROTOCOL_VERSION"),
    (ssl.TLSVersion.TLSv1_3, "DEFAULT", "TLSV1_ALERT_PROTOCOL_VERSION"),
    (ssl.TLSVersion.TLSv1_2, "AES128-SHA", "SSLV3_ALERT_HANDSHAKE_FAILURE"),  # not [V2G2-614]'s cipher
])
def test_a_rejected_version_or_cipher_gets_a_tls_alert(tmp_path: Path, version: ssl.TLSVersion, ciphers: str, alert: str) -> None:
    init_pki(tmp_path)

    async def main() -> tuple[str, str]:
        # an SECC for ISO 15118-2 only: TLS 1.2 (with ISO 15118-20 enabled it accepts TLS 1.3 too, tests/transport/test_tls.py)
        server = SeccServer(load_profile("secc", "ac"), host="::1", port=0, ssl_context=secc_context(tmp_path, highest="1.2"), tracer=NullTracer(), sdp_port=None)
        await server.start()
        try:
            refused = await asyncio.to_thread(handshake, server.port, version, ciphers)
            accepted = await asyncio.to_thread(handshake, server.port, ssl.TLSVersion.TLSv1_2, "ECDHE-ECDSA-AES128-SHA256")
        finally:
            await server.close()
        return refused, accepted

    refused, accepted = asyncio.run(main())
    assert alert in refused  # before: "EOF occurred in violation of protocol", no alert
    assert accepted == "ok"


def test_peers_that_leave_during_the_handshake_free_their_slot(tmp_path: Path) -> None:
    init_pki(tmp_path)
    profile = load_profile("secc", "ac")
    profile["transport"]["max_handshakes"] = 4

    console = io.StringIO()

    async def main() -> None:
        server = SeccServer(profile, host="::1", port=0, ssl_context=secc_context(tmp_path), tracer=Tracer(console=console), sdp_port=None)
        await server.start()
        try:
            for _ in range(12):  # three times the limit: each leaves after half a ClientHello
                _reader, writer = await asyncio.open_connection("::1", server.port)
                writer.write(bytes.fromhex("1603010200010001fc0303"))
                await writer.drain()
                writer.close()
                await writer.wait_closed()
            for _ in range(100):
                if server.handshakes.active == 0:
                    break
                await asyncio.sleep(0.01)
            assert server.handshakes.active == 0
            assert ": connected" not in console.getvalue()  # no session was started on a dead connection
            assert console.getvalue().count("failed: ConnectionResetError") + console.getvalue().count("already running") == 12
            assert await asyncio.to_thread(handshake, server.port, ssl.TLSVersion.TLSv1_2, "ECDHE-ECDSA-AES128-SHA256") == "ok"
            assert server.outcomes == [] or all("internal error" not in o.reason for o in server.outcomes)
        finally:
            await server.close()

    asyncio.run(main())
