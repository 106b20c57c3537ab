-- The charger accepts SessionStopReq with ChargingSession Pause (the car may resume the session later) with OK, then closes the connection [V2G20-1643].
EVCC.Set_SessionStopReq_ChargingSession(ChargingSessionType.Pause)
EVCC.Send_SessionStopReq_001()
EVCC.Receive_SessionStopRes_001()
EVCC.Check_SessionStopRes_ResponseCode(ResponseCodeType.OK)
EVCC.Check_ConnectionClosed(6000)  -- the charger closes after SessionStopRes, libiso15118 after 5 s [V2G20-1643]
