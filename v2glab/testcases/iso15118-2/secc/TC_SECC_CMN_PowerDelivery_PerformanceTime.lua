-- PowerDeliveryRes comes within V2G_SECC_Msg_Performance_Time (4500 ms, ISO 15118-2 Table 109).
-- Hybrid play: the engine plays the car up to PowerDeliveryReq; the script sends it and times the answer.
Evcc.Send_PowerDeliveryReq_001()
Evcc.Receive_PowerDeliveryRes_001()
local ms = Evcc.Get_LastResponseTime()
Verdict('PowerDeliveryRes within 4500 ms (took ' .. tostring(ms) .. ' ms)', ms ~= nil and ms <= 4500)
