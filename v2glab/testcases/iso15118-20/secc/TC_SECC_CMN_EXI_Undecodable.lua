-- The charger closes the connection without an answer to undecodable EXI behind a correct V2GTP header (payload type 0x8002, CommonMessages).
EVCC.Send_SessionSetupReq_001()
EVCC.Receive_SessionSetupRes_001()
EVCC.Set_V2GTP_PayloadType(0x8002)
EVCC.Send_RawPayload('FFFFFFFFFFFFFFFF')
EVCC.Check_ConnectionClosed(6000)  -- 6 s: the margin of the 5 s close delay after SessionStopRes [V2G20-1643]
