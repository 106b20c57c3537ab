-- PowerDeliveryRes to ReadyToChargeState=true comes within the car's V2G_EVCC_Msg_Timeout (2000 ms in DIN SPEC 70121 Table 75, where ISO 15118-2 allows 5 s) with EVSE_Ready.
Evcc.Set_PowerDeliveryReq_ReadyToChargeState(true)
Evcc.Send_PowerDeliveryReq_001()
Evcc.Receive_PowerDeliveryRes_001()
local ms = Evcc.Get_LastResponseTime()
Evcc.Check_PowerDeliveryRes_ResponseCode(ResponseCodeType.OK)
Evcc.Check_PowerDeliveryRes_DC_EVSEStatus_EVSEStatusCode(DC_EVSEStatusCodeType.EVSE_Ready)
Verdict('PowerDeliveryRes within 2000 ms (took ' .. tostring(ms) .. ' ms)', ms ~= nil and ms <= 2000)
