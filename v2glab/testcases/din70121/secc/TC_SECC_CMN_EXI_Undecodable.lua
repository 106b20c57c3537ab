-- The charger sends no answer to undecodable EXI behind a correct V2GTP header and closes the connection within 6 s.
Evcc.Send_SessionSetupReq_001()
Evcc.Receive_SessionSetupRes_001()
Evcc.Send_RawPayload('FFFFFFFFFFFFFFFF')
Evcc.Check_ConnectionClosed(6000)  -- the charger may leave the car time to close first (Josev closes 5 s after its decision)
