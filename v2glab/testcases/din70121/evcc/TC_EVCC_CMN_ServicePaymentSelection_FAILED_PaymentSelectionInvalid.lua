-- The car stops the session (closes the connection) when ServicePaymentSelectionRes carries FAILED_PaymentSelectionInvalid.
Secc.Receive_ServicePaymentSelectionReq_001()
Secc.Set_ServicePaymentSelectionRes_ResponseCode(ResponseCodeType.FAILED_PaymentSelectionInvalid)
Secc.Send_ServicePaymentSelectionRes_001()
Secc.Check_ConnectionClosed(2000)
