-- A ServiceDetailReq for a ServiceID the charger did not offer in ServiceDiscoveryRes gets FAILED_ServiceIDInvalid [V2G20-464], and the charger closes the connection.
EVCC.Send_ServiceDiscoveryReq_001()
EVCC.Receive_ServiceDiscoveryRes_001()
local offered = {}
for i = 0, EVCC.Get_ServiceDiscoveryRes_EnergyTransferServiceList_Service_Count() - 1 do
  offered[EVCC.Get_ServiceDiscoveryRes_EnergyTransferServiceList_Service_ServiceID(i)] = true
end
local unknown = 1000
while offered[unknown] do unknown = unknown + 1 end
EVCC.Set_ServiceDetailReq_ServiceID(unknown)
EVCC.Send_ServiceDetailReq_001()
EVCC.Receive_ServiceDetailRes_001()
EVCC.Check_ServiceDetailRes_ResponseCode(ResponseCodeType.FAILED_ServiceIDInvalid)
EVCC.Check_ConnectionClosed(6000)  -- 6 s: the margin of the 5 s close delay after SessionStopRes [V2G20-1643]
