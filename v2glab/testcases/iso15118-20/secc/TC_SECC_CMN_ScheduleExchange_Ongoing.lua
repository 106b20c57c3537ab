-- The charger ends its ScheduleExchangeRes Ongoing loop with Finished before V2G_EVCC_Ongoing_Timeout (60 s), with the schedule of the selected control mode.
local deadline = os.time() + 60
repeat
  EVCC.Send_ScheduleExchangeReq_001()
  EVCC.Receive_ScheduleExchangeRes_001()
  EVCC.Check_ScheduleExchangeRes_ResponseCode(ResponseCodeType.OK)
  local done = EVCC.Get_ScheduleExchangeRes_EVSEProcessing() == ProcessingType.Finished
  if not done then Sleep(200) end
until done or os.time() > deadline
Verdict('ScheduleExchangeRes Finished within 60 s', EVCC.Get_ScheduleExchangeRes_EVSEProcessing() == ProcessingType.Finished)
if EVCC.Get_ScheduleExchangeReq_Scheduled_SEReqControlModeSpecified() then
  Verdict('Scheduled mode: at least one ScheduleTuple', EVCC.Get_ScheduleExchangeRes_Scheduled_SEResControlModeSpecified()
          and EVCC.Get_ScheduleExchangeRes_Scheduled_SEResControlMode_ScheduleTuple_Count() >= 1)
end
