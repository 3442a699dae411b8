import { wifiBoard } from "./wifi";

/** ESP32 runs the same Wifi module API as ESP8266, with the same dgram name problem. */
export const board = wifiBoard("esp32");
