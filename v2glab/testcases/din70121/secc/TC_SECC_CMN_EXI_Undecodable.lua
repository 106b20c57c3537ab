-- The charger sends no answer to undecodable EXI behind a correct V2GTP header and closes the connection.
Evcc.Send_SessionSetupReq_001()
Evcc.Receive_SessionSetupRes_001()
Evcc.Send_RawPayload('FFFFFFFFFFFFFFFF')
Evcc.Check_ConnectionClosed(2000)
