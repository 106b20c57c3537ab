"""Plug & Charge over real TLS on ::1: a faulty car gets its FAILED code, then a good car charges
on the same SECC, installing its contract first."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from tests.pnc_profiles import evcc_profile, secc_profile, with_contract
from v2glab.evcc.client import run_evcc
from v2glab.pki import load_pki
from v2glab.pki.faults import contract_fault
from v2glab.secc.server import SeccServer
from v2glab.trace import NullTracer
from v2glab.transport.tls import evcc_context, secc_context


def test_fault_then_good_session_over_tls(v2glab_pki: Path, tmp_path: Path) -> None:
    expired = with_contract(v2glab_pki, tmp_path / "expired", contract_fault(load_pki(v2glab_pki), "expired"))

    async def main() -> None:
        server = SeccServer(secc_profile(v2glab_pki, "dc"), host="::1", ssl_context=secc_context(v2glab_pki), tracer=NullTracer(),
                            sdp_port=random.randint(20000, 40000))
        await server.start()
        trust = evcc_context(v2glab_pki / "ev_trust")
        try:
            bad = await run_evcc(evcc_profile(expired, "dc"), "::1", server.port, ssl_context=trust, tracer=NullTracer())
            assert not bad.ok and "PaymentDetailsRes: FAILED_CertificateExpired" in bad.reason
            await asyncio.wait_for(server.session_done.wait(), 2)
            assert "FAILED_CertificateExpired" in server.outcomes[-1].reason
            server.session_done.clear()
            good = await run_evcc(evcc_profile(v2glab_pki, "dc", cert_install=True), "::1", server.port, ssl_context=trust, tracer=NullTracer())
            assert good.ok, good.reason
            await asyncio.wait_for(server.session_done.wait(), 2)
            assert server.outcomes[-1].ok and len(server.outcomes) == 2
        finally:
            await server.close()

    asyncio.run(main())
