"""What Plug & Charge costs the SECC per message, in ms: median (and p90) over many runs.

    python benchmarks/pnc.py [--runs 200]

The SECC must answer within V2G_SECC_Msg_Performance_Time: 4.5 s for
CertificateInstallationRes/UpdateRes and PaymentDetailsRes, 1.5 s for AuthorizationRes
and MeteringReceiptRes (ISO 15118-2 Table 109). Measured: the SECC's checks and the
response it builds (new contract key and certificate, encrypted key, four-reference
signature), and the EV's side of the same steps.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from typing import Callable

from v2glab.pki import init_pki, load_pki
from v2glab.pnc import messages as m


def measure(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        init_pki(tmp)
        pki = load_pki(tmp)
    prov = m.Provisioning(cps=pki.cps, mo_issuer=pki.mo_sub_ca2, contract=pki.contract, mo_roots=(pki.mo_root,),
                          oem_issuers=(pki.oem.sub_cas[0],))
    install_req, install_sig = m.certificate_installation_req(pki.oem, [pki.v2g_root])
    res, res_sig, _ = m.certificate_installation_res(install_req, install_sig, prov)
    details = m.payment_details_req(pki.contract)
    challenge = m.new_gen_challenge()
    auth, auth_sig = m.authorization_req(challenge, pki.contract.key)
    public = pki.contract.certificate.public_key()
    receipt = {"@Id": "ID1", "SessionID": bytes(8), "SAScheduleTupleID": 1, "MeterInfo": {"MeterID": "M1", "MeterReading": 1}}
    receipt_sig = m.sign_metering_receipt(receipt, pki.contract.key)
    cases = [
        ("SECC CertificateInstallationRes (check, issue, encrypt, sign)", lambda: m.certificate_installation_res(install_req, install_sig, prov)),
        ("SECC PaymentDetailsRes (contract chain)", lambda: m.check_payment_details(details, [pki.mo_root, pki.v2g_root])),
        ("SECC AuthorizationRes (challenge, signature)", lambda: m.check_authorization(auth, auth_sig, challenge, public)),
        ("SECC MeteringReceiptRes (signature)", lambda: m.check_metering_receipt(receipt, receipt_sig, public)),
        ("EV CertificateInstallationReq (sign)", lambda: m.certificate_installation_req(pki.oem, [pki.v2g_root])),
        ("EV accept CertificateInstallationRes (chain, signature, decrypt)", lambda: m.accept_provisioning_res(res, res_sig, [pki.v2g_root], pki.oem.key)),
        ("EV AuthorizationReq (sign)", lambda: m.authorization_req(challenge, pki.contract.key)),
    ]
    print(f"Plug & Charge steps, {args.runs} runs each: median / p90 in ms")
    for name, fn in cases:
        median, p90 = measure(fn, args.runs)
        print(f"  {name:66s} {median:7.2f} / {p90:7.2f} ms")


if __name__ == "__main__":
    main()
