-- The car stops the session (closes the connection) when PowerDeliveryRes carries FAILED_PowerDeliveryNotApplied.
-- DC: PreCharge may repeat first (a PreChargeReq returns at once): the engine answers it, the script waits again
repeat Secc.Receive_PowerDeliveryReq_001() until not Secc.Check_Received_PreChargeReq()
Secc.Set_PowerDeliveryRes_ResponseCode(ResponseCodeType.FAILED_PowerDeliveryNotApplied)
Secc.Send_PowerDeliveryRes_001()
Secc.Check_ConnectionClosed(2000)
