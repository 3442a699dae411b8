import { isIpLiteral } from "../lib/host";
import { Board } from "./board";
import { dgramNet, espruinoDevice, onInit, storage } from "./espruino";

/**
 * ESP8266 and ESP32 on Wi-Fi. Their dgram resolves a host name to 255.255.255.255, so
 * names are resolved with Wifi.getHostByName before anything is sent (ESPRUINO.md, UDP).
 */
export function wifiBoard(name: string): Board {
  const wifi = require("Wifi");
  return {
    name: name,
    device: espruinoDevice(
      dgramNet((host, cb) =>
        isIpLiteral(host) ? cb(host) : wifi.getHostByName(host, (ip?: string) => cb(ip || null)),
      ),
    ),
    up: (cb) => {
      const w = CONFIG.wifi;
      if (!w || !w.ssid) return cb("no wifi.ssid in the build config");
      wifi.connect(w.ssid, { password: w.password }, (err?: string) => cb(err ? "wifi: " + err : ""));
    },
    store: storage,
    onBoot: onInit,
  };
}
