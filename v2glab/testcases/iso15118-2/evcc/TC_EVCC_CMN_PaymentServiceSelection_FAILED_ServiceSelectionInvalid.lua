-- The car stops the session (closes the connection) when PaymentServiceSelectionRes carries FAILED_ServiceSelectionInvalid.
Secc.Receive_PaymentServiceSelectionReq_001()
Secc.Set_PaymentServiceSelectionRes_ResponseCode(ResponseCodeType.FAILED_ServiceSelectionInvalid)
Secc.Send_PaymentServiceSelectionRes_001()
Secc.Check_ConnectionClosed(2000)
