-- The car stops the session (closes the connection) when PowerDeliveryRes carries FAILED_PowerDeliveryNotApplied.
Secc.Receive_PowerDeliveryReq_001()
Secc.Set_PowerDeliveryRes_ResponseCode(ResponseCodeType.FAILED_PowerDeliveryNotApplied)
Secc.Send_PowerDeliveryRes_001()
Secc.Check_ConnectionClosed(2000)
