-- The charger answers SessionStopReq with OK within 2000 ms (Table 75) and then closes the TCP connection within the car's V2G_EVCC_Msg_Timeout (2 s) [V2G-DC-451].
Evcc.Send_SessionStopReq_001()
Evcc.Receive_SessionStopRes_001()
local ms = Evcc.Get_LastResponseTime()
Evcc.Check_SessionStopRes_ResponseCode(ResponseCodeType.OK)
Verdict('SessionStopRes within 2000 ms (took ' .. tostring(ms) .. ' ms)', ms ~= nil and ms <= 2000)
Evcc.Check_ConnectionClosed(Evcc.Get_Timer('V2G_EVCC_Msg_Timeout', 'SessionStopReq'))  -- before the car's own V2G_EVCC_Msg_Timeout ends: after that it has given up
