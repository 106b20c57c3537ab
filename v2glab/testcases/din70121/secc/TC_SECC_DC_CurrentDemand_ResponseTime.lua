-- Every CurrentDemandRes of the charge loop comes within the car's V2G_EVCC_Msg_Timeout for CurrentDemand (250 ms, DIN SPEC 70121 Table 75).
Evcc.Receive_PowerDeliveryRes_001()  -- the engine plays the session up to the charge loop, each step within its own 2 s
Evcc.Check_PowerDeliveryRes_ResponseCode(ResponseCodeType.OK)
local worst = 0
for i = 1, 10 do
  Evcc.Set_CurrentDemandReq_ChargingComplete(i == 10)
  Evcc.Send_CurrentDemandReq_001()
  if not Evcc.Receive_CurrentDemandRes_001() then  -- not within 250 ms: a FAIL of its own; the loop ends
    worst = math.huge
    break
  end
  Evcc.Check_CurrentDemandRes_ResponseCode(ResponseCodeType.OK)
  worst = math.max(worst, Evcc.Get_LastResponseTime() or math.huge)
end
Verdict('10 CurrentDemandRes within 250 ms (worst ' .. tostring(worst) .. ' ms)', worst <= 250)
