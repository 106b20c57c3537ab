-- After PowerDeliveryRes(ReadyToChargeState=true) only CurrentDemandReq may come [V2G-DC-462]: the charger answers a WeldingDetectionReq with FAILED_SequenceError [V2G-DC-390].
Evcc.Set_PowerDeliveryReq_ReadyToChargeState(true)
Evcc.Send_PowerDeliveryReq_001()
Evcc.Receive_PowerDeliveryRes_001()
Evcc.Check_PowerDeliveryRes_ResponseCode(ResponseCodeType.OK)
Set_Strict(true)  -- from here the script owns every message: it skips the charge loop
Evcc.Send_WeldingDetectionReq_001()
Evcc.Receive_WeldingDetectionRes_001()
Evcc.Check_WeldingDetectionRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
