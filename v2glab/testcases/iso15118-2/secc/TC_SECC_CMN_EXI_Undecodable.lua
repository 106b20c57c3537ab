-- The charger closes the connection without an answer to undecodable EXI behind a correct V2GTP header [V2G2-114].
Evcc.Send_SessionSetupReq_001()
Evcc.Receive_SessionSetupRes_001()
Evcc.Send_RawPayload('FFFFFFFFFFFFFFFF')
Evcc.Check_ConnectionClosed(2000)
