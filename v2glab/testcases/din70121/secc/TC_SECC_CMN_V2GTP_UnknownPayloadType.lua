-- The charger sends no answer to a SessionSetupReq behind a V2GTP header with an unknown payload type and closes the connection within 6 s.
Evcc.Set_V2GTP_PayloadType(0x9999)
Evcc.Send_SessionSetupReq_001()
Evcc.Check_ConnectionClosed(6000)  -- the charger may leave the car time to close first (Josev closes 5 s after its decision)
