-- The charger ends its CableCheckRes Ongoing loop with Finished, EVSE_Ready and a Valid or Warning isolation (what lets PreCharge follow [V2G-DC-499]) before V2G_EVCC_CableCheck_Timeout (40 s, Table 77).
local started = os.time()
local rounds = 0
repeat
  Evcc.Send_CableCheckReq_001()
  Evcc.Receive_CableCheckRes_001()
  rounds = rounds + 1
  Evcc.Check_CableCheckRes_ResponseCode(ResponseCodeType.OK)
  local done = Evcc.Get_CableCheckRes_EVSEProcessing() == EVSEProcessingType.Finished
  if not done then Sleep(200) end
until done or os.time() - started > 40
Verdict('CableCheckRes Finished within 40 s (' .. rounds .. ' requests)', Evcc.Get_CableCheckRes_EVSEProcessing() == EVSEProcessingType.Finished)
Evcc.Check_CableCheckRes_DC_EVSEStatus_EVSEStatusCode(DC_EVSEStatusCodeType.EVSE_Ready)
local isolation = Evcc.Get_CableCheckRes_DC_EVSEStatus_EVSEIsolationStatusSpecified() and Evcc.Get_CableCheckRes_DC_EVSEStatus_EVSEIsolationStatus()
Verdict('EVSEIsolationStatus Valid or Warning at Finished (got ' .. tostring(isolation) .. ')',
        isolation == IsolationLevelType.Valid or isolation == IsolationLevelType.Warning)
