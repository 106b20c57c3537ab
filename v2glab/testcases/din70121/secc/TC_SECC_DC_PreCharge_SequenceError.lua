-- After CableCheckRes(Finished, EVSE_Ready, Valid) only PreChargeReq or SessionStopReq may come [V2G-DC-499]: the charger answers a PowerDeliveryReq(ReadyToChargeState=true) with FAILED_SequenceError [V2G-DC-390].
local started = os.time()
repeat
  Evcc.Send_CableCheckReq_001()
  Evcc.Receive_CableCheckRes_001()
  local done = Evcc.Get_CableCheckRes_EVSEProcessing() == EVSEProcessingType.Finished
  if not done then Sleep(200) end
until done or os.time() - started > 40
Set_Strict(true)  -- from here the script owns every message: it skips PreCharge
Evcc.Set_PowerDeliveryReq_ReadyToChargeState(true)
Evcc.Send_PowerDeliveryReq_001()
Evcc.Receive_PowerDeliveryRes_001()
Evcc.Check_PowerDeliveryRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
