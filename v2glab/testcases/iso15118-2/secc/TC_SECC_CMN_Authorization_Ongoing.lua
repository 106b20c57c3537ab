-- The charger ends its AuthorizationRes Ongoing loop with Finished before V2G_EVCC_Ongoing_Timeout (60 s, Table 109).
local deadline = os.time() + 60
repeat
  Evcc.Send_AuthorizationReq_001()
  Evcc.Receive_AuthorizationRes_001()
  Evcc.Check_AuthorizationRes_ResponseCode(ResponseCodeType.OK)
  local done = Evcc.Get_AuthorizationRes_EVSEProcessing() == EVSEProcessingType.Finished
  if not done then Sleep(200) end
until done or os.time() > deadline
Verdict('AuthorizationRes Finished within 60 s', Evcc.Get_AuthorizationRes_EVSEProcessing() == EVSEProcessingType.Finished)
