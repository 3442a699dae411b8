// The module's exchange (require("ntptime"), firmware/module.ts), in a part of its own
// (firmware/parts/module-ask.ts): one sync with a host, over whatever network the user's code
// brought up, with the clock app's checks and burst (lib/client.ts). While a server is asked
// only this part is in memory, not the REPL's methods (firmware/module-repl.ts).
// Names are resolved with Wifi.getHostByName where Espruino has a Wifi module (ESP8266,
// ESP32), and by the socket itself elsewhere (the Linux build, WIZnet Ethernet), as the clock
// images do.
import { Net, SyncResult, sync } from "../lib/client";
import { dgramNet, espruinoEnv, lookupBySocket, sentToName } from "../boards/espruino";
import { SYNC_OPTIONS } from "./sync-options";
import { isIpLiteral } from "../lib/host";

/**
 * A name's address from the Wifi module's resolver. (The resolvers are functions of their
 * files, not closures of askHost, which would keep askHost's scope while a server is asked.)
 */
const lookupByWifi: Net["lookup"] = (name, cb) => require("Wifi").getHostByName(name, (ip?: string) => cb(ip || null));

/** One sync with `name` at `port` (0: a host that did not parse, which fails "host"); `done` is the module's resident callback. Returns its abort (lib/client.ts sync). */
export function askHost(name: string, port: number, done: (x: SyncResult) => void): () => void {
  // Wifi.getHostByName where the firmware has the Wifi module, built in or kept in Storage, and
  // the host is a name: an address needs no resolver, nor the modules asked for one, each kept
  // among the modules for good once required (3 JsVars). (Asked first, not caught: require()
  // throws where there is none, a WIZnet Pico's, and an Error's first use keeps its class in
  // the global scope for good, 8 JsVars. The list split, not searched as one string:
  // Espruino's indexOf would find ",Wifi," in "...,crypto,".)
  const wifi = !isIpLiteral(name) && ((process.env.MODULES || "").split(",").indexOf("Wifi") >= 0 || require("Storage").read("Wifi")) && require("Wifi").getHostByName;
  const env = espruinoEnv;
  env.net = dgramNet;
  if (wifi) dgramNet.lookup = lookupByWifi;
  else {
    dgramNet.lookup = lookupBySocket;
    dgramNet.source = sentToName;
  }
  return sync(env, SYNC_OPTIONS, name, port, done);
}
