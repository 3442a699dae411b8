import { Board } from "./board";
import { dgramNet } from "./espruino";
import { espruinoDevice } from "./espruino-device";
import { onInit, storage } from "./espruino-boot";

const wifi = require("Wifi");

/**
 * ESP8266 and ESP32 on Wi-Fi (boards/esp8266.ts, esp32.ts: the same Wifi module API). Their
 * dgram resolves a host name to 255.255.255.255, so names are resolved with
 * Wifi.getHostByName before anything is sent. An address is resolved
 * too: both ports hand the text to lwIP's dns_gethostbyname (ESP8266 through
 * espconn_gethostbyname), which answers a dotted address at once without a query.
 */
dgramNet.lookup = (host, cb) => wifi.getHostByName(host, (ip?: string) => cb(ip || null));
espruinoDevice.net = dgramNet;
export const board: Board = {
  name: BOARD,
  dev: espruinoDevice,
  up: (cb) => {
    const w = CONFIG.wifi;
    if (!w || !w.ssid) return cb("no wifi.ssid in the build config");
    wifi.connect(w.ssid, { password: w.password }, (err?: string) => cb(err ? "wifi: " + err : ""));
  },
  store: storage,
  onBoot: onInit,
};
