-- The car stops the session (closes the connection) when ServiceDiscoveryRes offers only AC_three_phase_core: DIN SPEC 70121 is DC only.
Secc.Receive_ServiceDiscoveryReq_001()
Secc.Set_ServiceDiscoveryRes_ChargeService_EnergyTransferType(EVSESupportedEnergyTransferType.AC_three_phase_core)
Secc.Send_ServiceDiscoveryRes_001()
Secc.Check_ConnectionClosed(2000)
