-- A charger whose ServiceDiscoveryRes says ServiceRenegotiationSupported false answers SessionStopReq(ServiceRenegotiation) with FAILED_NoServiceRenegotiationSupported; one that supports it answers OK.
EVCC.Send_ServiceDiscoveryReq_001()
EVCC.Receive_ServiceDiscoveryRes_001()
local supported = EVCC.Get_ServiceDiscoveryRes_ServiceRenegotiationSupported()
EVCC.Set_SessionStopReq_ChargingSession(ChargingSessionType.ServiceRenegotiation)
Set_Strict(true)  -- SessionStop now, from the state after ServiceDiscovery: allowed there
EVCC.Send_SessionStopReq_001()
EVCC.Receive_SessionStopRes_001()
EVCC.Check_SessionStopRes_ResponseCode(supported and ResponseCodeType.OK or ResponseCodeType.FAILED_NoServiceRenegotiationSupported)
