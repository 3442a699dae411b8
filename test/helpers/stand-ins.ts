// What the Espruino Linux build lacks, stood in for at the module boundary: Storage files
// that require() loads on the device (test/helpers/device.ts). Each prints what the image
// asked of it, so a test sees the board's bring-up really ran. Device dialect: ES5, no hoisting.
import { realModule } from "./device";

/**
 * ESP8266/ESP32 Wi-Fi: connect() joins at once; getHostByName() knows `names` (name ->
 * dotted address) and gives IP literals back; any other name does not resolve.
 */
export function wifiModule(names: Record<string, string> = {}): string {
  return `var names = ${JSON.stringify(names)};
exports.connect = function (ssid, opts, cb) { print("WIFI connect " + ssid); setTimeout(function () { cb(null); }, 20); };
exports.getHostByName = function (name, cb) {
  var ip = /^[0-9.]+$/.test(name) ? name : names[name];
  setTimeout(function () { cb(ip); }, 5);
};
`;
}

/**
 * A W5500 on SPI: connect() answers, the link is up, DHCP gives 127.0.0.1. The sockets
 * behind dgram are the Linux build's own, as on the board they are the chip's.
 */
export const WIZNET = `exports.connect = function (spi, cs) {
  print("WIZNET connect " + (typeof spi) + " " + cs);
  var ip = { ip: "127.0.0.1", subnet: "255.0.0.0", gateway: "127.0.0.1", dns: "127.0.0.1", mac: "00:08:dc:01:02:03" };
  return {
    getStatus: function () { return { state: "online", phylink: "up" }; },
    setIP: function (o) { print("WIZNET setIP " + (o ? JSON.stringify(o) : "DHCP")); if (o) ip = o; return true; },
    getIP: function () { return ip; }
  };
};
`;

/** The Storage files a board image needs on the Linux build, display drivers included. */
export function standIns(board: string, display?: string): Record<string, string> {
  const files: Record<string, string> = {};
  if (board == "esp8266" || board == "esp32") files.Wifi = wifiModule({ localhost: "127.0.0.1" });
  if (board == "w5500") files.WIZnet = WIZNET;
  if (display) files[display] = realModule(display);
  return files;
}
