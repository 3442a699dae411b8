import { Board } from "./board";
import { dgramNet, lookupBySocket, sentToName } from "./espruino";
import { espruinoDevice } from "./espruino-device";
import { onInit, storage } from "./espruino-boot";

/** A WIZnet W5500 on SPI: which port, pins and chip select, and a static address if not DHCP. */
export interface W5500Config {
  spi: string;
  mosi: string;
  miso: string;
  sck: string;
  cs: string;
  ip?: string;
  subnet?: string;
  gateway?: string;
  dns?: string;
}

/** The Espruino Pico's W5500 shim wiring (espruino.com/WIZnet). */
const PICO_SHIM: W5500Config = { spi: "SPI2", mosi: "B15", miso: "B14", sck: "B13", cs: "B10" };

/**
 * Espruino Pico or Espruino WiFi with a W5500. The WIZnet network resolves names itself
 * when sending (a synchronous DNS query), so names are handed through as on Linux.
 * WIZnet.connect() in 2v29 waits for the PHY link, so a missing cable shows as a wait
 * announced on the console before it; a link lost later shows in getStatus().
 */
let eth: any;
const w: W5500Config = Object.assign({}, PICO_SHIM, CONFIG.w5500);
const log = (line: string) => console.log("w5500: " + line);

dgramNet.lookup = lookupBySocket;
dgramNet.source = sentToName;
espruinoDevice.net = dgramNet;
export const board: Board = {
  name: "w5500",
  dev: espruinoDevice,
  up: (cb) => {
    try {
      if (!eth) {
        const spi = global[w.spi];
        if (!spi) return cb("no SPI port " + w.spi + " on this board");
        spi.setup({ mosi: global[w.mosi], miso: global[w.miso], sck: global[w.sck] });
        log("starting on " + w.spi + " CS " + w.cs + ", waiting for the Ethernet link");
        eth = require("WIZnet").connect(spi, global[w.cs]);
        if (!eth) return cb("no W5500 answering on " + w.spi + " CS " + w.cs + " (wiring, power?)");
      }
      const status = eth.getStatus();
      if (status && status.phylink == "down") return cb("Ethernet link down (cable unplugged?)");
      if (w.ip) {
        // Quoted keys: the build shortens the property name ip, and WIZnet reads these names.
        if (!eth.setIP({ "ip": w.ip, "subnet": w.subnet, "gateway": w.gateway, "dns": w.dns }))
          return cb("static address " + w.ip + " refused");
      } else if (!eth.setIP()) return cb("DHCP failed: no lease from the network");
      const ip = eth.getIP();
      log((w.ip ? "static " : "DHCP ") + ip["ip"] + " gateway " + ip.gateway + " dns " + ip.dns);
      cb("");
    } catch (e) {
      cb("WIZnet: " + ((e as Error).message || e));
    }
  },
  store: storage,
  // The chip lost its setup with the power: connect it again.
  onBoot: (fn) =>
    onInit(() => {
      eth = 0;
      fn();
    }),
};
