-- Negative test (Plug & Charge, ISO 15118-2): the car signs AuthorizationReq, then one bit of the
-- SignatureValue is flipped. A conformant SECC answers FAILED_SignatureError [V2G2-771] and closes.
-- Run: v2glab run negative_evcc_pnc_corrupt_signature.lua --role evcc --tls --pnc --pki pki/
-- The engine plays the steps before (PaymentDetails gives the GenChallenge the request carries).
Evcc.Receive_PaymentDetailsRes_001()
Log("GenChallenge", Evcc.Get_PaymentDetailsRes_GenChallenge():len(), "bytes")
Evcc.Pnc_CorruptSignature()             -- acts on the next signed message: this AuthorizationReq
Evcc.Send_AuthorizationReq_001()        -- signed with the contract key when sent, then corrupted
Evcc.Receive_AuthorizationRes_001()
Evcc.Check_AuthorizationRes_ResponseCode(ResponseCodeType.FAILED_SignatureError)
Evcc.Check_ConnectionClosed(2000)
