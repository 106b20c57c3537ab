-- The car gives up at V2G_EVCC_Msg_Timeout (5000 ms, ISO 15118-20 timing table) when ServiceDetailRes would come 5300 ms late, and closes the connection.
SECC.Receive_ServiceDetailReq_001()
SECC.Set_SendDelay(5300)
SECC.Send_ServiceDetailRes_001()  -- after the car closed: not sent, noted in the trace
SECC.Check_ConnectionClosed(1000)
