-- The car stops the session (closes the connection) when ServiceDetailRes carries FAILED_ServiceIDInvalid.
SECC.Receive_ServiceDetailReq_001()
SECC.Set_ServiceDetailRes_ResponseCode(ResponseCodeType.FAILED_ServiceIDInvalid)
SECC.Send_ServiceDetailRes_001()
SECC.Check_ConnectionClosed(2000)
