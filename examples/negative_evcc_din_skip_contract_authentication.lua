-- Negative test (DIN SPEC 70121): the car skips ContractAuthentication and asks for the charge
-- parameters right after ServicePaymentSelection, a mistake real EV software made (pyPLC issue 10).
-- A conformant SECC answers ChargeParameterDiscoveryRes with FAILED_SequenceError [V2G-DC-390]
-- and closes the connection (v2glab run ... --role evcc --profile dc --protocol din70121).
for _, name in ipairs({'SessionSetup', 'ServiceDiscovery', 'ServicePaymentSelection'}) do
  Evcc['Send_' .. name .. 'Req_001']()
  Evcc['Receive_' .. name .. 'Res_001']()
end

Evcc.Send_ChargeParameterDiscoveryReq_001()  -- ContractAuthenticationReq expected here
Evcc.Receive_ChargeParameterDiscoveryRes_001()
Evcc.Check_ChargeParameterDiscoveryRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
Evcc.Check_ChargeParameterDiscoveryRes_DC_EVSEChargeParameter_DC_EVSEStatus_EVSEStatusCode(DC_EVSEStatusCodeType.EVSE_Shutdown)
Evcc.Check_ConnectionClosed(1000)
