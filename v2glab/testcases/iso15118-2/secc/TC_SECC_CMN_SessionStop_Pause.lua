-- The charger accepts SessionStopReq with ChargingSession Pause (the car may resume the session later) with OK.
Evcc.Set_SessionStopReq_ChargingSession(ChargingSessionType.Pause)
Evcc.Send_SessionStopReq_001()
Evcc.Receive_SessionStopRes_001()
Evcc.Check_SessionStopRes_ResponseCode(ResponseCodeType.OK)
