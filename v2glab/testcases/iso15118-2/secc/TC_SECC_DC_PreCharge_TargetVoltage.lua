-- PreCharge brings EVSEPresentVoltage within 20 V of EVTargetVoltage before V2G_EVCC_PreCharge_Timeout (7 s, Table 110).
local started = os.clock()
local deadline = os.time() + 7
local reached = false
repeat
  Evcc.Set_PreChargeReq_EVTargetVoltage_Value(400)
  Evcc.Set_PreChargeReq_EVTargetVoltage_Multiplier(0)
  Evcc.Send_PreChargeReq_001()
  Evcc.Receive_PreChargeRes_001()
  local present = Evcc.Get_PreChargeRes_EVSEPresentVoltage_Value() * 10 ^ Evcc.Get_PreChargeRes_EVSEPresentVoltage_Multiplier()
  reached = math.abs(present - 400) <= 20
  if not reached then Sleep(100) end
until reached or os.time() > deadline
Verdict('EVSEPresentVoltage reached 400 V +- 20 V within 7 s', reached)
