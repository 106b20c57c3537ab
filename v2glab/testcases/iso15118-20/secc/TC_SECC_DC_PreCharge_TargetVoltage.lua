-- DC_PreCharge brings EVSEPresentVoltage within 20 V of EVTargetVoltage before V2G_EVCC_PreCharge_Timeout (10 s, ISO 15118-20 timing table); the car then ends PreCharge with EVProcessing Finished.
local function volts(get_value, get_exponent) return get_value() * 10 ^ get_exponent() end
local deadline = os.time() + 10
local reached = false
repeat
  EVCC.Set_DC_PreChargeReq_EVProcessing(ProcessingType.Ongoing)
  EVCC.Set_DC_PreChargeReq_EVTargetVoltage_Value(400)
  EVCC.Set_DC_PreChargeReq_EVTargetVoltage_Exponent(0)
  EVCC.Send_DC_PreChargeReq_001()
  EVCC.Receive_DC_PreChargeRes_001()
  EVCC.Check_DC_PreChargeRes_ResponseCode(ResponseCodeType.OK)
  local present = volts(EVCC.Get_DC_PreChargeRes_EVSEPresentVoltage_Value, EVCC.Get_DC_PreChargeRes_EVSEPresentVoltage_Exponent)
  reached = math.abs(present - 400) <= 20
  if not reached then Sleep(100) end
until reached or os.time() > deadline
Verdict('EVSEPresentVoltage reached 400 V +- 20 V within 10 s', reached)
EVCC.Set_DC_PreChargeReq_EVProcessing(ProcessingType.Finished)
EVCC.Send_DC_PreChargeReq_001()
EVCC.Receive_DC_PreChargeRes_001()
EVCC.Check_DC_PreChargeRes_ResponseCode(ResponseCodeType.OK)
