-- Negative test (Plug & Charge, ISO 15118-2): the charger answers CertificateInstallationReq with a
-- CPS chain under another V2G root, correctly signed by that chain's leaf. A conformant EV checks the
-- SAProvisioningCertificateChain against its V2G root, refuses the new contract and stops.
-- Run: v2glab run negative_secc_pnc_untrusted_provisioning.lua --role secc --tls --pnc --pki pki/
-- against an EV that installs a contract (v2glab evcc --tls --pnc --cert-install --pki pki/).
Secc.Pnc_UseChain('untrusted')          -- acts on the next CertificateInstallationRes or CertificateUpdateRes
Secc.Receive_CertificateInstallationReq_001()
Secc.Send_CertificateInstallationRes_001()
Secc.Check_ConnectionClosed(2000)       -- the EV gives up without another request
