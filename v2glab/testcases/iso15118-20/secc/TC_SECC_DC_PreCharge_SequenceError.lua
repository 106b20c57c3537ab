-- After DC_CableCheckRes (Finished) the charger answers a PowerDeliveryReq (DC_PreCharge skipped) with FAILED_SequenceError and closes the connection.
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
exchange('DC_ChargeParameterDiscovery')
repeat exchange('ScheduleExchange') until EVCC.Get_ScheduleExchangeRes_EVSEProcessing() == ProcessingType.Finished
repeat exchange('DC_CableCheck') until EVCC.Get_DC_CableCheckRes_EVSEProcessing() == ProcessingType.Finished
EVCC.Send_PowerDeliveryReq_001()
EVCC.Receive_PowerDeliveryRes_001()
EVCC.Check_PowerDeliveryRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
EVCC.Check_ConnectionClosed(6000)  -- 6 s: the margin of the 5 s close delay after SessionStopRes [V2G20-1643]
