-- The car echoes a 4-byte SessionID (as Tesla Superchargers assign) byte for byte, without padding it (pyPLC issue 18): the charger's session goes on to ContractAuthenticationReq.
Secc.Receive_SessionSetupReq_001()
Secc.Set_SessionID('1A2B3C4D')
Secc.Send_SessionSetupRes_001()
Secc.Receive_ContractAuthenticationReq_001()  -- the engine answers ServiceDiscovery and ServicePaymentSelection, checking their SessionID
Verdict('the car reached ContractAuthenticationReq with SessionID 1A2B3C4D', Secc.Check_Received_ContractAuthenticationReq() and Secc.Get_SessionID() == '1A2B3C4D')
