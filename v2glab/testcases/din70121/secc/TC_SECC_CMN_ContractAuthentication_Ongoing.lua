-- The charger ends its ContractAuthenticationRes Ongoing loop with Finished [V2G-DC-497][V2G-DC-498] before V2G_EVCC_Ongoing_Timeout (60 s).
local started = os.time()
local rounds = 0
repeat
  Evcc.Send_ContractAuthenticationReq_001()
  Evcc.Receive_ContractAuthenticationRes_001()
  rounds = rounds + 1
  Evcc.Check_ContractAuthenticationRes_ResponseCode(ResponseCodeType.OK)
  local done = Evcc.Get_ContractAuthenticationRes_EVSEProcessing() == EVSEProcessingType.Finished
  if not done then Sleep(200) end
until done or os.time() - started > 60
Verdict('ContractAuthenticationRes Finished within 60 s (' .. rounds .. ' requests)', Evcc.Get_ContractAuthenticationRes_EVSEProcessing() == EVSEProcessingType.Finished)
