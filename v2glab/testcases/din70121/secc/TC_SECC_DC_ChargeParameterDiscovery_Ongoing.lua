-- The charger ends its ChargeParameterDiscoveryRes Ongoing loop with Finished before V2G_EVCC_Ongoing_Timeout (60 s); every answer carries the mandatory SAScheduleList and DC_EVSEChargeParameter.
local started = os.time()
local schedules = true
repeat
  Evcc.Send_ChargeParameterDiscoveryReq_001()
  Evcc.Receive_ChargeParameterDiscoveryRes_001()
  Evcc.Check_ChargeParameterDiscoveryRes_ResponseCode(ResponseCodeType.OK)
  schedules = schedules and Evcc.Get_ChargeParameterDiscoveryRes_SAScheduleList_SAScheduleTuple_Count() > 0
    and Evcc.Get_ChargeParameterDiscoveryRes_DC_EVSEChargeParameterSpecified()
  local done = Evcc.Get_ChargeParameterDiscoveryRes_EVSEProcessing() == EVSEProcessingType.Finished
  if not done then Sleep(200) end
until done or os.time() - started > 60
Verdict('ChargeParameterDiscoveryRes Finished within 60 s', Evcc.Get_ChargeParameterDiscoveryRes_EVSEProcessing() == EVSEProcessingType.Finished)
Verdict('every ChargeParameterDiscoveryRes carries SAScheduleList and DC_EVSEChargeParameter', schedules)
