-- Negative test, as the vendor reference shows it: answer SessionSetupReq with FAILED_SequenceError.
-- A conformant EV must stop the session (v2glab's EVCC reports "SessionSetupRes: FAILED_SequenceError").
Secc.Receive_SessionSetupReq_001()

local evseId = 'KR*TC1*ISO1*001'
Secc.Set_SessionSetupRes_EVSEID(evseId)

local responseCode = ResponseCodeType.FAILED_SequenceError
Secc.Set_SessionSetupRes_ResponseCode(responseCode)

Secc.Send_SessionSetupRes_001()
