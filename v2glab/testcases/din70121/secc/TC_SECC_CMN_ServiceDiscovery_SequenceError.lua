-- After SessionSetupRes only ServiceDiscoveryReq or SessionStopReq may come [V2G-DC-439]: the charger answers a ServicePaymentSelectionReq with FAILED_SequenceError [V2G-DC-390].
Set_Strict(true)  -- the script owns every message: it skips ServiceDiscovery
Evcc.Send_SessionSetupReq_001()
Evcc.Receive_SessionSetupRes_001()
Evcc.Send_ServicePaymentSelectionReq_001()
Evcc.Receive_ServicePaymentSelectionRes_001()
Evcc.Check_ServicePaymentSelectionRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
