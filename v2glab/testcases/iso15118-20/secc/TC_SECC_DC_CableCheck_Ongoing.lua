-- The charger ends its DC_CableCheckRes Ongoing loop with Finished before V2G_EVCC_CableCheck_Timeout (40 s, ISO 15118-20 timing table).
local deadline = os.time() + 40
repeat
  EVCC.Send_DC_CableCheckReq_001()
  EVCC.Receive_DC_CableCheckRes_001()
  EVCC.Check_DC_CableCheckRes_ResponseCode(ResponseCodeType.OK)
  local done = EVCC.Get_DC_CableCheckRes_EVSEProcessing() == ProcessingType.Finished
  if not done then Sleep(200) end
until done or os.time() > deadline
Verdict('DC_CableCheckRes Finished within 40 s', EVCC.Get_DC_CableCheckRes_EVSEProcessing() == ProcessingType.Finished)
