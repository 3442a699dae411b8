// The module's REPL methods (require("ntptime"), firmware/module.ts), in its part
// (firmware/parts/module.ts): one exchange with ntptime.host, with the clock app's checks and
// burst (lib/client.ts), made for each call.
// The board is whatever the user's code brought up: names are resolved with
// Wifi.getHostByName where Espruino has a Wifi module (ESP8266, ESP32), and by the socket
// itself elsewhere (the Linux build, WIZnet Ethernet), as the clock images do.
import { Ntptime, Outcome, Repl, answer, repl } from "../lib/ntptime";
import { Events } from "./state";
import { resultText } from "./round";
import { lineOf } from "./choose-one";
import { sync } from "../lib/client";
import { parseHost } from "../lib/host";
import { NTP_PORT } from "../lib/wire";
import { dgramNet, espruinoDevice, sentToName } from "../boards/espruino";
import { SYNC_OPTIONS } from "./sync-options";

/** Wifi.getHostByName where the firmware has the Wifi module; require() throws where it has not. */
function wifi() {
  try {
    const w = require("Wifi");
    return w && w.getHostByName ? w : null;
  } catch (e) {
    return null;
  }
}

/** The REPL object's methods over `api`'s data; `queue`: calls waiting for the one under way (rounds run one at a time). */
export function moduleRepl(api: Ntptime & Events, queue: (() => void)[]): Repl {
  const w = wifi();
  const dev = espruinoDevice;
  dev.net = dgramNet;
  if (w) dgramNet.lookup = (name, cb) => w.getHostByName(name, (ip?: string) => cb(ip || null));
  else {
    dgramNet.lookup = (name, cb) => cb(name);
    dgramNet.source = sentToName;
  }
  return repl(api, dev, {
    // One exchange with api.host; with `apply` the clock is set to its answer, printed and told.
    run: (apply, resolve, reject) => {
      const go = () => {
        const h = parseHost(api.host, NTP_PORT);
        sync(dev, SYNC_OPTIONS, h ? h.name : "", h ? h.port : 0, (x) => {
          const o: Outcome = (api.last = Object.assign(x, { host: api.host }));
          if (apply) {
            // (the clock app's console line: one server's, then what was done)
            let line = lineOf(o);
            if (!o.reason) {
              const was = dev.clock();
              dev.setNow(was + o.offset!);
              o.applied = "step";
              line += " " + resultText(o, "step", dev.clock());
              // (above NTP's step threshold, RFC 5905 s11.3 STEPT, as the clock app tells it)
              if (Math.abs(o.offset!) > CONFIG.stepThreshold) api.emit("step", was, was + o.offset!);
            }
            if (CONFIG.console) dev.log(line);
            api.emit(o.reason ? "error" : "sync", o);
          }
          queue.shift();
          if (queue.length) dev.after(queue[0], 0);
          answer(o, apply, dev.clock(), resolve, reject);
        });
      };
      if (queue.push(go) == 1) go();
    },
    offset: () => api.tz * 60,
    fix: (hours) => dev.setZone(hours),
    accept: (host) => !!parseHost(host, NTP_PORT),
  });
}
