-- After PowerDeliveryRes(ReadyToChargeState=false) only WeldingDetectionReq or SessionStopReq may come [V2G-DC-459]: the charger answers a CurrentDemandReq with FAILED_SequenceError [V2G-DC-390].
Evcc.Receive_PowerDeliveryRes_001()  -- the engine plays the session up to the charge loop, each step within its own 2 s
Set_Strict(true)  -- from here the script owns every message
Evcc.Send_CurrentDemandReq_001()
Evcc.Receive_CurrentDemandRes_001()
Evcc.Set_PowerDeliveryReq_ReadyToChargeState(false)
Evcc.Send_PowerDeliveryReq_001()
Evcc.Receive_PowerDeliveryRes_001()
Evcc.Check_PowerDeliveryRes_ResponseCode(ResponseCodeType.OK)
Evcc.Send_CurrentDemandReq_001()  -- back into the charge loop
Evcc.Receive_CurrentDemandRes_001()
Evcc.Check_CurrentDemandRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
