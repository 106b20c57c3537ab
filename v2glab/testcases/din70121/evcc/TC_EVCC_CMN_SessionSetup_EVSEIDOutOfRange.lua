-- The car stops the session when SessionSetupRes carries an EVSEID longer than the schema's maximum (hexBinary, 32 bytes).
Secc.Receive_SessionSetupReq_001()
Secc.Set_Validation(false)  -- send what the schema forbids
Secc.Set_SessionSetupRes_EVSEID(string.rep('49', 33))
Secc.Send_SessionSetupRes_001()
Secc.Check_ConnectionClosed(2000)
