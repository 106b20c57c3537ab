-- The car closes the connection when the answer to ServiceDiscoveryReq is undecodable EXI behind a correct V2GTP header (payload type 0x8002).
SECC.Receive_ServiceDiscoveryReq_001()
SECC.Withhold_ServiceDiscoveryRes_001()
SECC.Set_V2GTP_PayloadType(0x8002)
SECC.Send_RawPayload('FFFFFFFFFFFFFFFF')
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
