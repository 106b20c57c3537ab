-- Negative test: an EVSEID shorter than the schema's minimum of 7 characters.
-- Set_ refuses it while validation is on; with validation off it goes out, and a strict EV rejects it.
Secc.Receive_SessionSetupReq_001()
Secc.Set_Validation(false)
Secc.Set_SessionSetupRes_EVSEID('KR*1')
Secc.Send_SessionSetupRes_001()
Sleep(500)
