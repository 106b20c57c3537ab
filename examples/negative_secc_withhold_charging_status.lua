-- Negative test: run a normal AC session up to the charge loop, then withhold ChargingStatusRes.
-- The EV must give up after V2G_EVCC_Msg_Timeout (2 s) and report it.
for _, name in ipairs({'SessionSetup', 'ServiceDiscovery', 'PaymentServiceSelection'}) do
  Secc['Receive_' .. name .. 'Req_001']()
  Secc['Send_' .. name .. 'Res_001']()
end
Secc.Receive_AuthorizationReq_001()
Secc.Set_AuthorizationRes_EVSEProcessing(EVSEProcessingType.Finished)
Secc.Send_AuthorizationRes_001()
for _, name in ipairs({'ChargeParameterDiscovery', 'PowerDelivery'}) do
  Secc['Receive_' .. name .. 'Req_001']()
  Secc['Send_' .. name .. 'Res_001']()
end

Secc.Receive_ChargingStatusReq_001()
Secc.Withhold_ChargingStatusRes_001()
Sleep(3000)  -- longer than the EV's 2 s timeout; the EV closes the connection first
