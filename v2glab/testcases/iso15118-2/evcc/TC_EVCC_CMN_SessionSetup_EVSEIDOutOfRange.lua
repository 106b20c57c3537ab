-- The car stops the session when SessionSetupRes carries an EVSEID shorter than the schema's minimum (7 characters).
Secc.Receive_SessionSetupReq_001()
Secc.Set_Validation(false)  -- send what the schema forbids
Secc.Set_SessionSetupRes_EVSEID('KR*1')
Secc.Send_SessionSetupRes_001()
Secc.Check_ConnectionClosed(2000)
