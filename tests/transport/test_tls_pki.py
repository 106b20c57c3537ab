"""TLS contexts from either PKI layout (v2glab's, Josev's create_certs.sh): a real handshake on ::1."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import pytest
from cryptography import x509

from v2glab.pki import load_pki
from v2glab.transport.tls import CIPHERS, TLSSetupError, evcc_context, secc_context


async def _handshake(server_ctx: ssl.SSLContext, client_ctx: ssl.SSLContext) -> tuple[str, str, bytes]:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(await reader.readexactly(4))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "::1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    try:
        reader, writer = await asyncio.open_connection("::1", port, ssl=client_ctx)
        tls = writer.get_extra_info("ssl_object")
        writer.write(b"ping")
        echoed = await reader.readexactly(4)
        peer = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
        writer.close()
        return tls.version(), tls.cipher()[0], peer.subject.rfc4514_string().encode() + echoed
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize("layout", ["v2glab", "josev"])
def test_handshake_with_each_pki_layout(layout: str, v2glab_pki: Path, request: pytest.FixtureRequest) -> None:
    directory = v2glab_pki if layout == "v2glab" else request.getfixturevalue("josev_pki")
    pki = load_pki(directory)
    version, cipher, peer = asyncio.run(_handshake(secc_context(directory), evcc_context(pki.trust_store)))
    assert version == "TLSv1.2" and cipher == CIPHERS
    assert peer.endswith(b"ping") and pki.secc.certificate.subject.rfc4514_string().encode() in peer


def test_an_ev_trusting_another_root_refuses(v2glab_pki: Path, josev_pki: Path) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        asyncio.run(_handshake(secc_context(josev_pki), evcc_context(load_pki(v2glab_pki).trust_store)))


def test_missing_pki_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TLSSetupError, match="run `v2glab pki init"):
        secc_context(tmp_path)
