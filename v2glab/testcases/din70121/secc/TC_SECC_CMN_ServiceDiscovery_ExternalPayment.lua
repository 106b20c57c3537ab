-- ServiceDiscoveryRes offers ExternalPayment [V2G-DC-252] and a DC energy transfer type (DIN SPEC 70121 is DC only), within 2000 ms (Table 75).
Evcc.Send_ServiceDiscoveryReq_001()
Evcc.Receive_ServiceDiscoveryRes_001()
local ms = Evcc.Get_LastResponseTime()
Evcc.Check_ServiceDiscoveryRes_ResponseCode(ResponseCodeType.OK)
Verdict('ExternalPayment offered', Evcc.Exist_ServiceDiscovery_PaymentOption(PaymentOptionType.ExternalPayment))
local offered = Evcc.Get_ServiceDiscoveryRes_ChargeService_EnergyTransferType()
Verdict('a DC energy transfer type offered (got ' .. tostring(offered) .. ')', offered == EVSESupportedEnergyTransferType.DC_extended or offered == EVSESupportedEnergyTransferType.DC_core)
Verdict('ServiceDiscoveryRes within 2000 ms (took ' .. tostring(ms) .. ' ms)', ms ~= nil and ms <= 2000)
