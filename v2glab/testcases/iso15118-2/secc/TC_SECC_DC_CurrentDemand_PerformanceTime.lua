-- Every CurrentDemandRes of the charge loop comes within 25 ms (V2G_SECC_Msg_Performance_Time, ISO 15118-2 Table 109).
local worst = 0
for i = 1, 10 do
  Evcc.Set_CurrentDemandReq_ChargingComplete(i == 10)
  Evcc.Send_CurrentDemandReq_001()
  Evcc.Receive_CurrentDemandRes_001()
  local ms = Evcc.Get_LastResponseTime() or math.huge
  if ms > worst then worst = ms end
end
Verdict('10 CurrentDemandRes within 25 ms (worst ' .. tostring(worst) .. ' ms)', worst <= 25)
