-- The car stops the session (closes the connection) when ServiceDiscoveryRes offers no ExternalPayment, the only payment DIN SPEC 70121 knows [V2G-DC-252].
Secc.Receive_ServiceDiscoveryReq_001()
Secc.Set_ServiceDiscoveryRes_PaymentOptions_PaymentOption_Count(0)
Secc.Add_ServiceDiscoveryRes_PaymentOptions_PaymentOption(PaymentOptionType.Contract)
Secc.Send_ServiceDiscoveryRes_001()
Secc.Check_ConnectionClosed(2000)
