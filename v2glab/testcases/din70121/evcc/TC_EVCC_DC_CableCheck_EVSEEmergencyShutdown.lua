-- The car stops the session (closes the connection) when CableCheckRes reports DC_EVSEStatusCodeType.EVSE_EmergencyShutdown.
Secc.Receive_CableCheckReq_001()
Secc.Set_CableCheckRes_EVSEProcessing(EVSEProcessingType.Finished)
Secc.Set_CableCheckRes_DC_EVSEStatus_EVSEStatusCode(DC_EVSEStatusCodeType.EVSE_EmergencyShutdown)
Secc.Send_CableCheckRes_001()
Secc.Check_ConnectionClosed(2000)
