// The module's REPL methods and the end of its syncs (require("ntptime"), firmware/module.ts),
// in its part (firmware/parts/module.ts), made for each call and for each answer. The
// exchange itself is a part of its own (firmware/module-ask.ts), which the resident code
// loads a timer away from this one: one of the two in memory at a time.
import { Ntptime, Outcome, Repl, answer, repl } from "../lib/ntptime";
import { SyncResult } from "../lib/client";
import { Events } from "./state";
import { resultText } from "./round";
import { lineOf } from "./choose-one";
import { parseHost } from "../lib/host";
import { NTP_PORT } from "../lib/wire";
import { espruinoDevice } from "../boards/espruino-device";
import { isoTime } from "../lib/calendar";

/**
 * A call waiting for its sync: whether it sets the clock, its promise's settling, the host,
 * its name and port (0 if it did not parse), and once its sync has started, when (device
 * clock) and its abort (null once it has ended: firmware/module.ts).
 */
export type Waiting = [boolean, (v: number) => void, (e: Error) => void, string, string, number, number?, ((() => void) | null)?];

/** The sync for the first waiting call, started a timer away: the exchange's part is made once this one is garbage. */
function start(queue: Waiting[], now: number, ask: () => void) {
  queue[0][6] = now;
  espruinoDevice.after(ask, 0);
}

/** Call `w` ended with `x`: with `apply` the clock is set to its answer, printed and told; its promise settled. */
function end(api: Ntptime & Events, w: Waiting, x: SyncResult) {
  const dev = espruinoDevice;
  const apply = w[0];
  const o: Outcome = (api.last = Object.assign(x, { host: w[3] }));
  if (apply) {
    // (the clock app's console line: one server's, then what was done)
    let line = lineOf(o);
    if (!o.reason) {
      const was = dev.clock();
      dev.setNow(was + o.offset!);
      o.applied = "step";
      const stamp = isoTime(dev.clock());
      line += " " + resultText(o, "step", stamp);
      // (above NTP's step threshold, RFC 5905 s11.3 STEPT, as the clock app tells it)
      if (Math.abs(o.offset!) > CONFIG.stepThreshold) api.emit("step", was, was + o.offset!);
    }
    if (CONFIG.console) dev.log(line);
    api.emit(o.reason ? "error" : "sync", o);
  }
  answer(o, apply, dev.clock(), w[1], w[2]);
}

/**
 * The REPL object's methods over `api`'s data. `queue`: the calls waiting, the first one's
 * sync under way (one at a time); `ask` starts the sync for the first (the resident code's,
 * which loads the exchange's part).
 */
export function moduleRepl(api: Ntptime & Events, queue: Waiting[], ask: () => void): Repl {
  const dev = espruinoDevice;
  return repl(api, dev, {
    run: (apply, resolve, reject) => {
      const h = parseHost(api.host, NTP_PORT);
      const now = dev.clock();
      // A sync under way for longer than its slowest (CONFIG.stall: every request and retry
      // timing out) died with a moment without memory, its exchange's part cut short as it
      // loaded or in a callback: its call fails "stalled" (its socket closed and its timer
      // disarmed, if it had them, so that nothing holds that part) and the calls behind it go on.
      const head = queue[0];
      const stalled = !!head && now - head[6]! > CONFIG.stall!;
      if (stalled) {
        if (head[7]) head[7]();
        end(api, queue.shift()!, { reason: "stalled", server: head[3], sent: 0, good: 0 });
      }
      const first = queue.push([apply, resolve, reject, api.host, h ? h.name : "", h ? h.port : 0]) == 1;
      if (first || stalled) start(queue, now, ask);
    },
    offset: () => api.tz * 60,
    fix: (hours) => dev.setZone(hours),
    accept: (host) => !!parseHost(host, NTP_PORT),
  });
}

/** The first waiting call's sync ended with `x`: the call ended, the next call's sync started. */
export function moduleEnd(api: Ntptime & Events, queue: Waiting[], ask: () => void, x: SyncResult) {
  end(api, queue.shift()!, x);
  if (queue.length) start(queue, espruinoDevice.clock(), ask);
}
