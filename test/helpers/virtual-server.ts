// A virtual SNTP server inside an Espruino-style dgram module, answering on the device's
// virtual clock, and the loop that moves that clock from timer to timer.
import * as assert from "uvu/assert";
import { decode } from "../../lib/packet";
import { EspruinoVm } from "./espruino-vm";
import { stratumOneReply } from "./golden";

/**
 * What a virtual server found wrong in a device's request: kept per device and thrown by
 * advance(), since inside send() a failed assertion would only be caught by the client
 * and reported as a "send" error.
 */
const violations = new WeakMap<EspruinoVm, string[]>();

/**
 * How the virtual server treats a request at device time t sent to "ip:port": answer, stay
 * silent, a Kiss-o'-Death, LI 3, or LI 1 (a leap second announced that its own time will not make).
 */
export type Behaviour = (t: number, to: string) => "ok" | "silent" | "RATE" | "DENY" | "LI3" | "LI1";

/** Seconds each way for one exchange: [to the server, back]. */
export type Legs = () => [number, number];

/**
 * An Espruino-style dgram module whose "server" answers on the virtual clock, 5 ms each
 * way unless `legs` says otherwise, `offset` s ahead of true time (per request, when a
 * function). With `leapAt` (a UTC midnight) it inserts a leap second there: LI 1 through
 * that day, and its Unix time a second behind afterwards, as a server's clock goes through
 * 23:59:60.
 */
export function virtualServer(dev: () => EspruinoVm, starts: number[], offset: number | ((t: number, to: string) => number), behave: Behaviour = () => "ok", requests: number[] = [], leapAt = 0, legs: Legs = () => [0.005, 0.005]) {
  return {
    createSocket: () => {
      let onMessage: ((msg: string, rinfo: object) => void) | null = null;
      return {
        on: (ev: string, fn: any) => ev == "message" && (onMessage = fn),
        send: (msg: string, port: number, address: string) => {
          const vm = dev();
          if (typeof msg != "string") {
            violations.set(vm, (violations.get(vm) || []).concat(`the device sent a ${typeof msg}, not a binary string`));
            return;
          }
          const b = Uint8Array.from(msg, (c) => c.charCodeAt(0));
          // a new round: more than 12 s after the last request (a round's retries are at most 6 s apart; rounds at least 15 s)
          if (!requests.length || vm.clock!.t - requests[requests.length - 1] > 12) starts.push(vm.clock!.t);
          requests.push(vm.clock!.t);
          const how = behave(vm.clock!.t, address + ":" + port);
          if (how == "silent") return;
          const nonce = decode(b).xmit;
          // the server keeps true time (the device clock less its steps and drift), `offset` ahead
          const [up, down] = legs();
          const truth = vm.clock!.truth() + up + (typeof offset == "number" ? offset : offset(vm.clock!.t, address + ":" + port));
          const leaping = leapAt && truth < leapAt && truth >= leapAt - 86400;
          const kod = how == "RATE" || how == "DENY";
          const reply = stratumOneReply(nonce, leapAt && truth >= leapAt ? truth - 1 : truth,
            kod ? { leap: 3, stratum: 0, refid: Buffer.from(how).readUInt32BE(0) } : { leap: how == "LI3" ? 3 : leaping || how == "LI1" ? 1 : 0 });
          vm.clock!.after(() => onMessage && onMessage(String.fromCharCode(...reply), { address, port, size: 48 }), (up + down) * 1000 * vm.clock!.rate);
        },
        close: () => {},
      };
    },
  };
}

/** Moves virtual time from timer to timer, letting Promise callbacks (settime().then) run between. */
export async function advance(dev: EspruinoVm, ms: number) {
  const clock = dev.clock!;
  // counted in virtual time passed, so that a step of the device clock does not end it early
  const stop = clock.mono + ms / 1000;
  for (let guard = 0; guard < 1e6 && clock.mono < stop - 1e-9; guard++) {
    clock.advance(Math.max(0, Math.min((clock.nextDue() - clock.t) / clock.rate, stop - clock.mono)) * 1000);
    await new Promise((r) => setImmediate(r));
  }
  const bad = violations.get(dev);
  if (bad && bad.length) assert.unreachable(bad.join("; "));
}
