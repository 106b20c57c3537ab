-- The charger sends no answer to a SessionSetupReq behind a V2GTP header with protocol version 2 and closes the connection.
Evcc.Set_V2GTP_ProtocolVersion(0x02)
Evcc.Send_SessionSetupReq_001()
Evcc.Check_ConnectionClosed(2000)
