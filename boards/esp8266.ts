import { config } from "@config";
import { isIpLiteral } from "../lib/host";
import { Board } from "./board";
import { espruinoDevice } from "./espruino";

const wifi = require("Wifi");

/**
 * ESP8266 on Wi-Fi. Its dgram resolves a host name to 255.255.255.255, so names are
 * resolved with Wifi.getHostByName before anything is sent (ESPRUINO.md, UDP).
 */
export const board: Board = {
  name: "esp8266",
  device: espruinoDevice((name, cb) =>
    isIpLiteral(name) ? cb(name) : wifi.getHostByName(name, (ip?: string) => cb(ip || null)),
  ),
  up: (cb) => {
    const w = config.wifi;
    if (!w || !w.ssid) return cb("no wifi.ssid in the build config");
    wifi.connect(w.ssid, { password: w.password }, (err?: string) => cb(err ? "wifi: " + err : ""));
  },
};
