// ESP32 on Wi-Fi: the same Wifi module API as ESP8266, with the same dgram name problem (boards/wifi.ts).
export { board } from "./wifi";
