-- After PreChargeRes only PreChargeReq, PowerDeliveryReq or SessionStopReq may come [V2G-DC-458]: the charger answers a CurrentDemandReq with FAILED_SequenceError [V2G-DC-390].
Evcc.Send_PreChargeReq_001()
Evcc.Receive_PreChargeRes_001()
Set_Strict(true)  -- from here the script owns every message: it skips PowerDelivery
Evcc.Send_CurrentDemandReq_001()
Evcc.Receive_CurrentDemandRes_001()
Evcc.Check_CurrentDemandRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
