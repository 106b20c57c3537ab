-- The charger ends its ChargeParameterDiscoveryRes Ongoing loop with Finished before V2G_EVCC_Ongoing_Timeout (60 s).
local deadline = os.time() + 60
repeat
  Evcc.Send_ChargeParameterDiscoveryReq_001()
  Evcc.Receive_ChargeParameterDiscoveryRes_001()
  Evcc.Check_ChargeParameterDiscoveryRes_ResponseCode(ResponseCodeType.OK)
  local done = Evcc.Get_ChargeParameterDiscoveryRes_EVSEProcessing() == EVSEProcessingType.Finished
  if not done then Sleep(200) end
until done or os.time() > deadline
Verdict('ChargeParameterDiscoveryRes Finished within 60 s', Evcc.Get_ChargeParameterDiscoveryRes_EVSEProcessing() == EVSEProcessingType.Finished)
