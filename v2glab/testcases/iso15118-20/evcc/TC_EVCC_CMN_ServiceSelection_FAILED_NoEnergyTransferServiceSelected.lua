-- The car stops the session (closes the connection) when ServiceSelectionRes carries FAILED_NoEnergyTransferServiceSelected.
SECC.Receive_ServiceSelectionReq_001()
SECC.Set_ServiceSelectionRes_ResponseCode(ResponseCodeType.FAILED_NoEnergyTransferServiceSelected)
SECC.Send_ServiceSelectionRes_001()
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
