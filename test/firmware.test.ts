// The clock app's schedule, on a virtual clock: hours of device time in milliseconds.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../build.mjs";
import { decode, encode } from "../lib/packet";
import { unixToNtp } from "../lib/timestamp";
import { EspruinoVm } from "./helpers/espruino-vm";

// a day after the build date, which no server time may precede
const START = Math.floor(Date.now() / 1000) + 86400;

/** An Espruino-style dgram module whose "server" answers on the virtual clock, 10 ms later. */
function virtualServer(dev: () => EspruinoVm, starts: number[], offset: number) {
  return {
    createSocket: () => {
      let onMessage: ((msg: string, rinfo: object) => void) | null = null;
      return {
        on: (ev: string, fn: any) => ev == "message" && (onMessage = fn),
        send: (msg: string, port: number, address: string) => {
          assert.type(msg, "string", "the device sends binary strings");
          const vm = dev();
          const b = Uint8Array.from(msg, (c) => c.charCodeAt(0));
          if (!starts.length || vm.clock!.t - starts[starts.length - 1] > 5) starts.push(vm.clock!.t);
          const nonce = decode(b).xmit;
          const now = unixToNtp(vm.clock!.t + 0.005 + offset);
          const reply = encode({ leap: 0, version: 4, mode: 4, stratum: 1, poll: 0, precision: -20, rootDelay: 0, rootDisp: 0, refid: 0x47505300, ref: now, orig: nonce, recv: now, xmit: now });
          vm.clock!.after(() => onMessage && onMessage(String.fromCharCode(...reply), { address, port, size: 48 }), 10);
        },
        close: () => {},
      };
    },
  };
}

/** Moves virtual time in 250 ms steps, letting Promise callbacks (settime().then) run between. */
async function advance(dev: EspruinoVm, ms: number) {
  for (let t = 0; t < ms; t += 250) {
    dev.clock!.advance(250);
    await new Promise((r) => setImmediate(r));
  }
}

test("resyncs never closer than 15 s apart, even with poll set to 1 s", async () => {
  const starts: number[] = [];
  let dev: EspruinoVm;
  dev = new EspruinoVm({ virtual: true, clockStart: START, modules: { dgram: virtualServer(() => dev, starts, 0) } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", poll: 1, console: false }) }), "linux.js");
  await advance(dev, 3600 * 1000);
  dev.dispose();
  assert.match(dev.lines[0], /poll 15 s/);
  assert.ok(starts.length > 200, `only ${starts.length} syncs in an hour`);
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] >= 15, `syncs ${starts[i] - starts[i - 1]} s apart`);
});

test("the default schedule: one sync at boot, then every 64 s", async () => {
  const starts: number[] = [];
  let dev: EspruinoVm;
  dev = new EspruinoVm({ virtual: true, clockStart: START, modules: { dgram: virtualServer(() => dev, starts, 0) } });
  dev.load(await buildImage({ board: "linux", config: loadConfig(undefined, { host: "127.0.0.1:11123", console: false }) }), "linux.js");
  await advance(dev, 600 * 1000);
  dev.dispose();
  const gaps = starts.slice(1).map((t, i) => Math.round(t - starts[i]));
  assert.ok(gaps.length >= 8, String(gaps));
  // 64 s after the previous sync ended: a burst of 4 takes about 1.5 s
  for (const g of gaps) assert.ok(g >= 64 && g <= 67, String(gaps));
  assert.is(dev.lines.filter((l) => /^ntptime: .* stratum 1 /.test(l)).length, starts.length);
});

test.run();
