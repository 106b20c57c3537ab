-- The charger ends its AuthorizationRes Ongoing loop with Finished before V2G_EVCC_Ongoing_Timeout (60 s); the car repeats the same AuthorizationReq [V2G20-1582].
local deadline = os.time() + 60
repeat
  EVCC.Send_AuthorizationReq_001()
  EVCC.Receive_AuthorizationRes_001()
  EVCC.Check_AuthorizationRes_ResponseCode(ResponseCodeType.OK)
  local done = EVCC.Get_AuthorizationRes_EVSEProcessing() == ProcessingType.Finished
  if not done then Sleep(200) end
until done or os.time() > deadline
Verdict('AuthorizationRes Finished within 60 s', EVCC.Get_AuthorizationRes_EVSEProcessing() == ProcessingType.Finished)
