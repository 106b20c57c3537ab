-- The charger closes the connection without an answer to a SessionSetupReq sent as payload type 0x8001, which after the handshake carries no ISO 15118-20 message.
EVCC.Set_V2GTP_PayloadType(0x8001)
EVCC.Send_SessionSetupReq_001()
EVCC.Check_ConnectionClosed(6000)  -- 6 s: the margin of the 5 s close delay after SessionStopRes [V2G20-1643]
