// The battery-backed RTC's part (only in an image whose config has rtc): its read at
// power-on and its writes (firmware/rtc.ts), made for each and garbage after. A part of its
// own, not in the control part, which a round's start loads: the chip's code there made every
// round's start 60-odd JsVars larger, and the full ESP8266 config with an RTC ran out of
// memory as its second round began.
import { RtcPart, rtcBoot, rtcWrite } from "../rtc";

declare let RTC: RtcPart;

RTC = {
  boot: rtcBoot,
  toChip: rtcWrite,
};
