-- The charger ends its CableCheckRes Ongoing loop with Finished and a valid isolation before V2G_EVCC_CableCheck_Timeout (40 s, Table 110).
local deadline = os.time() + 40
repeat
  Evcc.Send_CableCheckReq_001()
  Evcc.Receive_CableCheckRes_001()
  local done = Evcc.Get_CableCheckRes_EVSEProcessing() == EVSEProcessingType.Finished
  if not done then Sleep(200) end
until done or os.time() > deadline
Verdict('CableCheckRes Finished within 40 s', Evcc.Get_CableCheckRes_EVSEProcessing() == EVSEProcessingType.Finished)
Evcc.Check_CableCheckRes_DC_EVSEStatus_EVSEIsolationStatus(IsolationLevelType.Valid)
