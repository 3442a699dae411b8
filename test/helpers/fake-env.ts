// A stepped fake world for the client: a clock and timers that move only when told, and a
// network whose sends are recorded and whose replies the test (or a fake server) delivers.
import { Env, Link, Net, OnDatagram } from "../../lib/client";

interface Timer {
  at: number;
  fn: () => void;
  id: number;
}

export class FakeClock {
  /** local clock, Unix seconds */
  t: number;
  /** virtual seconds advanced in all, which no step of the clock changes */
  mono = 0;
  /** the sum of all steps */
  stepped = 0;
  private timers: Timer[] = [];
  private end = 0;
  private ids = 0;
  /** local seconds per true second: a crystal `ppm` fast runs at 1 + ppm * 1e-6 */
  readonly rate: number;
  constructor(private start: number, ppm = 0) {
    this.t = start;
    this.rate = 1 + ppm * 1e-6;
  }
  /** true time: the clock less its steps, with the crystal's error taken out */
  truth() {
    return this.start + (this.t - this.stepped - this.start) / this.rate;
  }
  now = () => this.t;
  after = (fn: () => void, ms: number) => {
    const id = ++this.ids;
    this.timers.push({ at: this.t + ms / 1000, fn, id });
    return id;
  };
  cancel = (id: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== id);
  };
  pending() {
    return this.timers.length;
  }
  /** when the earliest timer is due, or Infinity */
  nextDue() {
    return this.timers.reduce((m, x) => Math.min(m, x.at), Infinity);
  }
  /** Steps the clock as Espruino's setTime does: pending timers keep the time they had left. */
  step(to: number) {
    const d = to - this.t;
    this.t = to;
    this.stepped += d;
    this.end += d;
    for (const x of this.timers) x.at += d;
  }
  /** Runs due timers in time order, moving the clock to each, up to `ms` of true time ahead (bounded). */
  advance(ms: number) {
    this.end = this.t + (ms / 1000) * this.rate;
    for (let guard = 0; guard < 100000; guard++) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > this.end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.mono += ms / 1000;
    this.t = this.end;
  }
}

export interface Sent {
  b: Uint8Array;
  ip: string;
  port: number;
  /** local clock when sent */
  at: number;
}

export class FakeNet implements Net {
  sent: Sent[] = [];
  opened = 0;
  closed = 0;
  names: Record<string, string | null> = {};
  /** called on every send; a fake server replies through deliver() */
  onSend: (s: Sent) => void = () => {};
  /**
   * What onSend threw (a failed assertion in a fake server): kept here, since the client's own
   * try/catch would turn it into a "send" error; tests assert this list is empty.
   */
  errors: unknown[] = [];
  private handler: OnDatagram | null = null;
  private onError: ((reason: string) => void) | null = null;
  throwOnSend = false;
  /** open() makes its socket, then throws before handing back its link (a listener it could not attach) */
  throwOnOpen = false;
  /** a socket made by an open that threw, which only close() can close */
  private orphan = false;
  constructor(private clock: FakeClock) {}

  /** Net.close: closes what an open that threw left open. */
  close() {
    if (this.orphan) (this.closed++, (this.orphan = false));
  }

  lookup(name: string, cb: (ip: string | null) => void) {
    if (name in this.names) {
      const ip = this.names[name];
      if (ip !== undefined) this.clock.after(() => cb(ip), 1);
    } else cb(name);
  }
  open(onDatagram: OnDatagram, onError: (reason: string) => void): Link {
    this.opened++;
    this.handler = onDatagram;
    this.onError = onError;
    if (this.throwOnOpen) {
      this.orphan = true;
      throw new Error("Not enough memory");
    }
    return {
      send: (b, ip, port) => {
        if (this.throwOnSend) throw new Error("send failed");
        const s = { b: new Uint8Array(b), ip, port, at: this.clock.t };
        this.sent.push(s);
        try {
          this.onSend(s);
        } catch (e) {
          this.errors.push(e);
        }
      },
      close: () => {
        this.closed++;
        this.handler = null;
      },
    };
  }
  /** A datagram arrives now; T4 is the fake clock's reading. */
  deliver(b: Uint8Array, address: string, port: number) {
    if (this.handler) this.handler(b, address, port, this.clock.t);
  }
  fail(reason: string) {
    if (this.onError) this.onError(reason);
  }
}

/** An Env over the fake clock and net, with a counting "random" source. */
export function fakeEnv(start: number): { env: Env; clock: FakeClock; net: FakeNet } {
  const clock = new FakeClock(start);
  const net = new FakeNet(clock);
  let seed = 0x12345678;
  const env: Env = {
    net,
    clock: clock.now,
    after: clock.after,
    disarm: clock.cancel,
    // xorshift32: deterministic and never repeats within a test
    rand: () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    },
  };
  return { env, clock, net };
}
