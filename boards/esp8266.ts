// ESP8266 on Wi-Fi (boards/wifi.ts).
export { board } from "./wifi";
