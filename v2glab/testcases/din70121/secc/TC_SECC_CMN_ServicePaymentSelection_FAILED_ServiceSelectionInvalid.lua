-- The charger answers a ServicePaymentSelectionReq selecting a service it did not offer with FAILED_ServiceSelectionInvalid [V2G-DC-396][V2G-DC-635].
Evcc.Send_ServiceDiscoveryReq_001()
Evcc.Receive_ServiceDiscoveryRes_001()
local offered = Evcc.Get_ServiceDiscoveryRes_ChargeService_ServiceTag_ServiceID()
Evcc.Set_ServicePaymentSelectionReq_SelectedPaymentOption(PaymentOptionType.ExternalPayment)
Evcc.Set_ServicePaymentSelectionReq_SelectedServiceList_SelectedService_Count(0)
Evcc.Add_ServicePaymentSelectionReq_SelectedServiceList_ServiceID(offered == 4711 and 4712 or 4711)  -- a service nobody offered
Evcc.Send_ServicePaymentSelectionReq_001()
Evcc.Receive_ServicePaymentSelectionRes_001()
Evcc.Check_ServicePaymentSelectionRes_ResponseCode(ResponseCodeType.FAILED_ServiceSelectionInvalid)
