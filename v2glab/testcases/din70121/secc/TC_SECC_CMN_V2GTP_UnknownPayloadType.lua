-- The charger sends no answer to a SessionSetupReq behind a V2GTP header with an unknown payload type and closes the connection.
Evcc.Set_V2GTP_PayloadType(0x9999)
Evcc.Send_SessionSetupReq_001()
Evcc.Check_ConnectionClosed(2000)
