-- The charger sends no answer to undecodable EXI behind a correct V2GTP header and closes the connection within the car's V2G_EVCC_Msg_Timeout (2 s, Table 75).
Evcc.Send_SessionSetupReq_001()
Evcc.Receive_SessionSetupRes_001()
Evcc.Send_RawPayload('FFFFFFFFFFFFFFFF')
Evcc.Check_ConnectionClosed(Evcc.Get_Timer('V2G_EVCC_Msg_Timeout', 'SessionSetupReq'))  -- before the car's own V2G_EVCC_Msg_Timeout ends: after that it has given up
