-- The charger answers SessionStopReq with OK within 2000 ms (Table 75) and then closes the TCP connection within 6 s [V2G-DC-451].
Evcc.Send_SessionStopReq_001()
Evcc.Receive_SessionStopRes_001()
local ms = Evcc.Get_LastResponseTime()
Evcc.Check_SessionStopRes_ResponseCode(ResponseCodeType.OK)
Verdict('SessionStopRes within 2000 ms (took ' .. tostring(ms) .. ' ms)', ms ~= nil and ms <= 2000)
Evcc.Check_ConnectionClosed(6000)  -- the charger may leave the car time to close first (Josev closes 5 s after its decision)
