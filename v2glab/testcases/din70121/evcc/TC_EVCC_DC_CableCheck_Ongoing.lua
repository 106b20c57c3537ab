-- The car waits while CableCheckRes says Ongoing with EVSE_IsolationMonitoringActive [V2G-DC-455], and goes on to PreChargeReq after Finished, EVSE_Ready and a Valid isolation [V2G-DC-499].
for i = 1, 3 do
  Secc.Receive_CableCheckReq_001()
  if not Secc.Check_Received_CableCheckReq() then
    Verdict('CableCheckReq repeated after Ongoing ' .. (i - 1), false)
    return
  end
  Secc.Set_CableCheckRes_EVSEProcessing(EVSEProcessingType.Ongoing)
  Secc.Set_CableCheckRes_DC_EVSEStatus_EVSEStatusCode(DC_EVSEStatusCodeType.EVSE_IsolationMonitoringActive)
  Secc.Set_CableCheckRes_DC_EVSEStatus_EVSEIsolationStatus(IsolationLevelType.Invalid)
  Secc.Send_CableCheckRes_001()
end
Secc.Receive_CableCheckReq_001()
Verdict('CableCheckReq repeated after Ongoing 3', Secc.Check_Received_CableCheckReq())
Secc.Set_CableCheckRes_EVSEProcessing(EVSEProcessingType.Finished)
Secc.Set_CableCheckRes_DC_EVSEStatus_EVSEStatusCode(DC_EVSEStatusCodeType.EVSE_Ready)
Secc.Set_CableCheckRes_DC_EVSEStatus_EVSEIsolationStatus(IsolationLevelType.Valid)
Secc.Send_CableCheckRes_001()
Secc.Receive_PreChargeReq_001()
Verdict('PreChargeReq after Finished', Secc.Check_Received_PreChargeReq())
