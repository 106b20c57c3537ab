-- ChargingStatusRes comes within V2G_SECC_Msg_Performance_Time (1500 ms, ISO 15118-2 Table 109).
-- Hybrid play: the engine plays the car up to ChargingStatusReq; the script sends it and times the answer.
Evcc.Send_ChargingStatusReq_001()
Evcc.Receive_ChargingStatusRes_001()
local ms = Evcc.Get_LastResponseTime()
Verdict('ChargingStatusRes within 1500 ms (took ' .. tostring(ms) .. ' ms)', ms ~= nil and ms <= 1500)
