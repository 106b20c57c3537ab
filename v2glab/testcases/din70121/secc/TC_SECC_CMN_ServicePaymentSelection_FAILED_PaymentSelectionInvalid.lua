-- The charger answers a ServicePaymentSelectionReq selecting Contract with FAILED_PaymentSelectionInvalid: DIN SPEC 70121 knows ExternalPayment only [V2G-DC-395][V2G-DC-252].
Evcc.Set_ServicePaymentSelectionReq_SelectedPaymentOption(PaymentOptionType.Contract)
Evcc.Send_ServicePaymentSelectionReq_001()
Evcc.Receive_ServicePaymentSelectionRes_001()
Evcc.Check_ServicePaymentSelectionRes_ResponseCode(ResponseCodeType.FAILED_PaymentSelectionInvalid)
