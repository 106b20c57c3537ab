-- The car stops the session (closes the connection) when DC_WeldingDetectionRes carries FAILED.
SECC.Receive_DC_WeldingDetectionReq_001()
SECC.Set_DC_WeldingDetectionRes_ResponseCode(ResponseCodeType.FAILED)
SECC.Send_DC_WeldingDetectionRes_001()
SECC.Check_ConnectionClosed(2000)
