-- After PowerDeliveryReq(ReadyToChargeState=false) the charger answers WeldingDetectionReq [V2G-DC-459] within 2000 ms (Table 75), its output discharging below 60 V before V2G_SECC_Sequence_Timeout (60 s).
local started = os.time()
local worst, present = 0, math.huge
repeat
  Evcc.Send_WeldingDetectionReq_001()
  Evcc.Receive_WeldingDetectionRes_001()
  worst = math.max(worst, Evcc.Get_LastResponseTime() or math.huge)
  Evcc.Check_WeldingDetectionRes_ResponseCode(ResponseCodeType.OK)
  present = Evcc.Get_WeldingDetectionRes_EVSEPresentVoltage_Value() * 10 ^ Evcc.Get_WeldingDetectionRes_EVSEPresentVoltage_Multiplier()
  if present >= 60 then Sleep(200) end
until present < 60 or os.time() - started > 60
Verdict('every WeldingDetectionRes within 2000 ms (worst ' .. tostring(worst) .. ' ms)', worst <= 2000)
Verdict('EVSEPresentVoltage below 60 V (got ' .. tostring(present) .. ' V)', present < 60)
