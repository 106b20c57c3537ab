"""TLS: 1.2 for ISO 15118-2, 1.3 with the -20 cipher suites, mutual TLS, SSLKEYLOGFILE; real sockets on loopback."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from v2glab.pki import init_pki
from v2glab.transport.tls import CIPHERS, TLS13_CIPHERS, TLSSetupError, evcc_context, secc_context


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pki")
    init_pki(folder)
    return folder


async def _handshake(server_ctx: ssl.SSLContext, client_ctx: ssl.SSLContext) -> tuple[tuple, dict | None]:
    """Connect once; returns the client's (version, cipher) and the certificate the server saw."""
    seen: dict = {}

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen["peer"] = writer.get_extra_info("peercert")
        writer.write(b"ok")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "::1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    try:
        reader, writer = await asyncio.open_connection("::1", port, ssl=client_ctx, server_hostname="")
        if await reader.read(2) != b"ok":  # TLS 1.3: the server's refusal arrives after the client's handshake
            raise ConnectionError("the server closed the connection in the TLS handshake")
        ssl_object = writer.get_extra_info("ssl_object")
        result = (ssl_object.version(), ssl_object.cipher()[0])
        writer.close()
    finally:
        server.close()
        await server.wait_closed()
    return result, seen.get("peer")


def test_iso20_runs_on_tls13_with_its_cipher_suite(pki: Path) -> None:
    (version, cipher), _ = asyncio.run(_handshake(secc_context(pki), evcc_context(pki / "ev_trust", "1.3", "1.3")))
    assert version == "TLSv1.3" and cipher in TLS13_CIPHERS


def test_iso2_stays_on_tls12_with_the_secc_accepting_both(pki: Path) -> None:
    (version, cipher), _ = asyncio.run(_handshake(secc_context(pki), evcc_context(pki / "ev_trust")))
    assert version == "TLSv1.2" and cipher == CIPHERS


def test_a_tls13_only_car_cannot_reach_a_tls12_only_secc(pki: Path) -> None:
    with pytest.raises((ssl.SSLError, ConnectionError)):
        asyncio.run(_handshake(secc_context(pki, highest="1.2"), evcc_context(pki / "ev_trust", "1.3", "1.3")))


def test_mutual_tls_needs_the_vehicle_certificate(pki: Path) -> None:
    server = secc_context(pki, verify_vehicle=True)
    vehicle = (pki / "vehicle_chain.pem", pki / "vehicle_leaf.key")
    (version, _cipher), peer = asyncio.run(_handshake(server, evcc_context(pki / "ev_trust", "1.3", "1.3", vehicle)))
    assert version == "TLSv1.3" and ("commonName", "WMIV1234567890ABCDEX") in [item for rdn in peer["subject"] for item in rdn]
    with pytest.raises((ssl.SSLError, ConnectionError)):
        asyncio.run(_handshake(secc_context(pki, verify_vehicle=True), evcc_context(pki / "ev_trust", "1.3", "1.3")))


def test_a_missing_vehicle_certificate_is_one_clear_error(tmp_path: Path, pki: Path) -> None:
    with pytest.raises(TLSSetupError, match="vehicle certificate"):
        evcc_context(pki / "ev_trust", vehicle_cert=(tmp_path / "none.pem", tmp_path / "none.key"))


def test_sslkeylogfile_records_the_secrets_of_both_versions(pki: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keylog = tmp_path / "keys.log"
    monkeypatch.setenv("SSLKEYLOGFILE", str(keylog))
    asyncio.run(_handshake(secc_context(pki), evcc_context(pki / "ev_trust", "1.3", "1.3")))
    asyncio.run(_handshake(secc_context(pki), evcc_context(pki / "ev_trust")))
    text = keylog.read_text()
    assert "CLIENT_TRAFFIC_SECRET_0" in text  # TLS 1.3
    assert "CLIENT_RANDOM" in text  # TLS 1.2


def test_an_iso20_session_over_tls13_with_mutual_tls(pki: Path) -> None:
    from tests.conftest import start_server

    cli = [sys.executable, "-m", "v2glab.cli"]
    secc, port = start_server([*cli, "secc", "--profile", "dc", "--tls", "--mtls", "--pki", str(pki), "--host", "::1", "--no-sdp", "--once"])
    try:
        ev = subprocess.run([*cli, "evcc", "--profile", "dc", "--protocol", "iso15118-20", "--tls", "--mtls", "--pki", str(pki),
                             "--host", "::1", "--port", str(port), "--quiet"], capture_output=True, text=True, timeout=60)
        out, _err = secc.communicate(timeout=30)
    finally:
        secc.kill()
    assert ev.returncode == 0, ev.stderr
    assert "DC_ChargeLoopRes" in out and "closed: session terminated by the EV" in out
