-- The car stops the session (closes the connection) when ChargingStatusRes carries FAILED.
Secc.Receive_ChargingStatusReq_001()
Secc.Set_ChargingStatusRes_ResponseCode(ResponseCodeType.FAILED)
Secc.Send_ChargingStatusRes_001()
Secc.Check_ConnectionClosed(2000)
