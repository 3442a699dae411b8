// The gps-server image for esp8266 as a simulated device in real time, fed by the simulated
// receiver, for real clients (chronyd, ntpdig) to query. Run as a child process, usually in a
// network namespace of its own so that it can hold port 123 on its own loopback:
//   node --expose-gc --import ./tools/ts-register.mjs test/helpers/gps-device.ts [--port N] [--offset S] [--pps 0]
// It prints "ready" once it serves stratum 1, and answers lines on stdin: "fix 0", "fix 1",
// "status" (a JSON line: gps.status(), and the heap after a GC). The GPS time is the
// machine's time plus --offset seconds: what the clients must measure.
import { createInterface } from "node:readline";
import { buildImage, loadConfig } from "../../build.mjs";
import { EspruinoVm } from "./espruino-vm";
import { GpsSim, realScheduler } from "./gps-sim";
import { realtime } from "./realtime";
import { fakeWifi } from "./fake-modules";

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf("--" + name);
  return i >= 0 ? args[i + 1] : def;
};
const port = +opt("port", "123");
const offset = +opt("offset", "0");
const pps = opt("pps", "1") == "1";

// The device clock starts an hour behind, as a device's does before GPS has set it.
const vm = new EspruinoVm({ clockStart: realtime() - 3600, modules: { Wifi: fakeWifi() } });
const sched = realScheduler(vm, offset, realtime);
const gps = new GpsSim(vm, sched, { pps });
Object.assign(vm.context, gps.globals());
const config = loadConfig(undefined, { console: false, wifi: { ssid: "lab" }, gps: { port, pps: pps ? "D4" : null } });
vm.load(await buildImage({ board: "esp8266", app: "gps-server", config }), "esp8266.js");
gps.start();
vm.waitFor(/^gps: (PPS|GPS), serving stratum 1/, 20000).then(
  () => console.log("ready"),
  (e) => (console.error(String(e)), process.exit(1)),
);

createInterface({ input: process.stdin }).on("line", (line) => {
  const [cmd, v] = line.trim().split(" ");
  if (cmd == "fix") gps.fix = v == "1";
  if (cmd == "status") {
    (globalThis as any).gc?.();
    console.log(JSON.stringify({ status: vm.eval("gps.status()"), heap: process.memoryUsage().heapUsed, lines: vm.lines.slice(-5) }));
  }
});
process.stdin.on("end", () => {
  gps.stop();
  vm.dispose();
  process.exit(0);
});
