-- PreCharge brings EVSEPresentVoltage within 20 V of EVTargetVoltage before V2G_EVCC_PreCharge_Timeout (7 s, Table 77); each PreChargeRes within 2000 ms (Table 75).
local started = os.clock()
local deadline = os.time() + 7
local reached, worst = false, 0
repeat
  Evcc.Set_PreChargeReq_EVTargetVoltage_Value(400)
  Evcc.Set_PreChargeReq_EVTargetVoltage_Multiplier(0)
  Evcc.Send_PreChargeReq_001()
  Evcc.Receive_PreChargeRes_001()
  worst = math.max(worst, Evcc.Get_LastResponseTime() or math.huge)
  Evcc.Check_PreChargeRes_ResponseCode(ResponseCodeType.OK)
  local present = Evcc.Get_PreChargeRes_EVSEPresentVoltage_Value() * 10 ^ Evcc.Get_PreChargeRes_EVSEPresentVoltage_Multiplier()
  reached = math.abs(present - 400) <= 20
  if not reached then Sleep(100) end
until reached or os.time() > deadline
Verdict('EVSEPresentVoltage reached 400 V +- 20 V within 7 s', reached)
Verdict('every PreChargeRes within 2000 ms (worst ' .. tostring(worst) .. ' ms)', worst <= 2000)
