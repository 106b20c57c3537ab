-- Negative test (DIN SPEC 70121): a normal DIN session up to the charge loop, then withhold
-- CurrentDemandRes. The EV must give up after its V2G_EVCC_Msg_Timeout for CurrentDemand,
-- 250 ms in DIN SPEC 70121 Table 75, and close the connection
-- (v2glab run ... --role secc --profile dc --protocol din70121).
for _, name in ipairs({'SessionSetup', 'ServiceDiscovery', 'ServicePaymentSelection'}) do
  Secc['Receive_' .. name .. 'Req_001']()
  Secc['Send_' .. name .. 'Res_001']()
end
Secc.Receive_ContractAuthenticationReq_001()
Secc.Set_ContractAuthenticationRes_EVSEProcessing(EVSEProcessingType.Finished)
Secc.Send_ContractAuthenticationRes_001()
Secc.Receive_ChargeParameterDiscoveryReq_001()
Secc.Set_ChargeParameterDiscoveryRes_EVSEProcessing(EVSEProcessingType.Finished)
Secc.Send_ChargeParameterDiscoveryRes_001()
Secc.Receive_CableCheckReq_001()
Secc.Set_CableCheckRes_EVSEProcessing(EVSEProcessingType.Finished)
Secc.Set_CableCheckRes_DC_EVSEStatus_EVSEStatusCode(DC_EVSEStatusCodeType.EVSE_Ready)
Secc.Set_CableCheckRes_DC_EVSEStatus_EVSEIsolationStatus(IsolationLevelType.Valid)
Secc.Send_CableCheckRes_001()
Secc.Receive_PreChargeReq_001()
Secc.Set_PreChargeRes_EVSEPresentVoltage_Multiplier(Secc.Get_PreChargeReq_EVTargetVoltage_Multiplier())
Secc.Set_PreChargeRes_EVSEPresentVoltage_Value(Secc.Get_PreChargeReq_EVTargetVoltage_Value())
Secc.Send_PreChargeRes_001()
Secc.Receive_PowerDeliveryReq_001()
Secc.Send_PowerDeliveryRes_001()

Secc.Receive_CurrentDemandReq_001()
Secc.Withhold_CurrentDemandRes_001()
Secc.Check_ConnectionClosed(1000)  -- the EV closes after 250 ms, well within a second
