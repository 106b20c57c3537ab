-- After ServiceSelectionRes the charger answers a ScheduleExchangeReq (ChargeParameterDiscovery skipped) with FAILED_SequenceError and closes the connection.
Set_Strict(true)  -- the script owns every message
local function exchange(name)
  EVCC['Send_' .. name .. 'Req_001']()
  EVCC['Receive_' .. name .. 'Res_001']()
end
exchange('SessionSetup')
exchange('AuthorizationSetup')
repeat exchange('Authorization') until EVCC.Get_AuthorizationRes_EVSEProcessing() == ProcessingType.Finished
exchange('ServiceDiscovery')
exchange('ServiceDetail')
exchange('ServiceSelection')
EVCC.Send_ScheduleExchangeReq_001()
EVCC.Receive_ScheduleExchangeRes_001()
EVCC.Check_ScheduleExchangeRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
EVCC.Check_ConnectionClosed(6000)  -- 6 s: the margin of the 5 s close delay after SessionStopRes [V2G20-1643]
