-- Every DC_ChargeLoopRes of the charge loop comes within 500 ms, the V2G_EVCC_Msg_Timeout the car waits in the -20 charge loop (ISO 15118-20 timing table).
local worst = 0
for i = 1, 10 do
  EVCC.Send_DC_ChargeLoopReq_001()
  EVCC.Receive_DC_ChargeLoopRes_001()
  EVCC.Check_DC_ChargeLoopRes_ResponseCode(ResponseCodeType.OK)
  local ms = EVCC.Get_LastResponseTime() or math.huge
  if ms > worst then worst = ms end
end
Verdict('10 DC_ChargeLoopRes within 500 ms (worst ' .. tostring(worst) .. ' ms)', worst <= 500)
