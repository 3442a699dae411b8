// What the Espruino Linux build lacks, stood in for at the module boundary: Storage files
// that require() loads on the device (test/helpers/device.ts). Each prints what the image
// asked of it, so a test sees the board's bring-up really ran. Device dialect: ES5, no hoisting.
import { realModule } from "./device";

/** The stand-ins' test for an IPv4 literal in `name`, which they hand back as resolved (device dialect). */
export const IS_ADDRESS = `name.split(".").every(function (p) { return p != "" && p == +p; })`;

/**
 * ESP8266/ESP32 Wi-Fi: connect() joins at once; getHostByName() knows `names` (name ->
 * dotted address) and gives IP literals back; any other name does not resolve.
 * (No RegExp: its class, in the global scope for good, would be 8 JsVars the real Wifi does not take.)
 */
export function wifiModule(names: Record<string, string> = {}): string {
  return `var names = ${JSON.stringify(names)};
exports.connect = function (ssid, opts, cb) { print("WIFI connect " + ssid); setTimeout(function () { cb(null); }, 20); };
exports.getHostByName = function (name, cb) {
  var ip = ${IS_ADDRESS} ? name : names[name];
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

/**
 * Each panel wired to pins the Linux build has (D0..D32), with the Espruino module that
 * drives it: the `display` config of a device test or footprint row.
 */
export const PANELS: Record<string, { module: string; display: Record<string, unknown> }> = {
  memorylcd: { module: "MemoryLCD", display: { type: "memorylcd", spi: "SPI1", sck: "D3", mosi: "D5", cs: "D4", extcomin: "D6" } },
  ssd1306: { module: "SSD1306", display: { type: "ssd1306", i2c: "I2C1", scl: "D6", sda: "D7" } },
  ssd1606: { module: "SSD1606", display: { type: "ssd1606", spi: "SPI1", sck: "D5", mosi: "D7", cs: "D6", dc: "D8", reset: "D1", busy: "D2" } },
};

/** The Storage files a board image needs on the Linux build, display drivers included. */
export function standIns(board: string, display?: string): Record<string, string> {
  const files: Record<string, string> = {};
  if (board == "esp8266" || board == "esp32") files.Wifi = wifiModule({ localhost: "127.0.0.1" });
  if (board == "w5500") files.WIZnet = WIZNET;
  if (display) files[display] = realModule(display);
  return files;
}
