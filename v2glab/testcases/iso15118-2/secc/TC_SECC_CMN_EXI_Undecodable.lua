-- The charger closes the connection without an answer to undecodable EXI behind a correct V2GTP header [V2G2-114].
Evcc.Send_SessionSetupReq_001()
Evcc.Receive_SessionSetupRes_001()
Evcc.Send_RawPayload('FFFFFFFFFFFFFFFF')
-- within the car's V2G_EVCC_Msg_Timeout for the request (2 s): a car that got no answer gives up then itself
Evcc.Check_ConnectionClosed(Evcc.Get_Timer('V2G_EVCC_Msg_Timeout', 'ServiceDiscoveryReq'))
