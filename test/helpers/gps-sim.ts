// A simulated GPS receiver for the gps-server image: NMEA 0183 at 1 Hz (RMC, GGA, ZDA from a
// GN talker) through a fake Espruino Serial port at 9600 baud, and a PPS edge at the top of
// each second with the device clock's reading at that instant, as setWatch reports it.
// Faults: no fix, no PPS, garbage bytes and cut or forged sentences, a leap second, a
// receiver with the week-rollover bug.
import { EspruinoVm } from "./espruino-vm";

/** The world's clock as the simulator sees it. */
export interface Scheduler {
  /** true time now, Unix seconds on a scale without leaps */
  truth(): number;
  /** runs fn at true time t */
  at(t: number, fn: () => void): void;
  /** what the device clock read at true time t (t in the recent past) */
  device(t: number): number;
}

export interface GpsOptions {
  /** the receiver has a fix (sentences say A / quality 1), default true */
  fix?: boolean;
  /** PPS edges are sent, default true */
  pps?: boolean;
  /** seconds from the top of the second to the first sentence */
  delay?: number;
  /** serial bytes delivered per chunk (Espruino hands over what the UART buffered) */
  chunk?: number;
  /** garbage around the sentences: random bytes, a cut sentence, a forged one with a bad checksum */
  garbage?: boolean;
  /** a UTC midnight (Unix s) preceded by a leap second 23:59:60 */
  leapAt?: number;
  /** dates 1024 weeks early (the 2019 rollover bug) */
  rollover?: boolean;
  /** the serial port's and the PPS pin's global names */
  serial?: string;
  pin?: string;
}

const BAUD = 9600;
const two = (n: number) => (n < 10 ? "0" : "") + n;

export function nmeaSum(body: string): string {
  let s = 0;
  for (let i = 0; i < body.length; i++) s ^= body.charCodeAt(i);
  return "$" + body + "*" + s.toString(16).toUpperCase().padStart(2, "0") + "\r\n";
}

/** The three sentences naming UTC second `label` (Unix s), or 23:59:60 of its day when `leap`. */
export function sentences(label: number, fix: boolean, sats: number, leap = false): string {
  const d = new Date(label * 1000);
  const hms = two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(leap ? 60 : d.getUTCSeconds()) + ".00";
  const dd = two(d.getUTCDate());
  const mm = two(d.getUTCMonth() + 1);
  const yyyy = String(d.getUTCFullYear());
  return (
    nmeaSum(`GNRMC,${hms},${fix ? "A" : "V"},4807.03800,N,01131.00000,E,0.012,,${dd}${mm}${yyyy.slice(2)},,,${fix ? "A" : "N"}`) +
    nmeaSum(`GNGGA,${hms},4807.03800,N,01131.00000,E,${fix ? 1 : 0},${two(fix ? sats : 0)},0.9,545.4,M,46.9,M,,`) +
    nmeaSum(`GNZDA,${hms},${dd},${mm},${yyyy},00,00`)
  );
}

/** What the serial port of the image sees: setup() and on("data"), as Espruino's Serial. */
export class SimSerial {
  baud = 0;
  options: unknown = null;
  private fns: ((s: string) => void)[] = [];
  setup(baud: number, options: unknown) {
    this.baud = baud;
    this.options = options;
  }
  on(ev: string, fn: (s: string) => void) {
    if (ev == "data") this.fns.push(fn);
  }
  write() {}
  emit(s: string) {
    for (const fn of this.fns) fn(s);
  }
}

export class GpsSim {
  fix: boolean;
  pps: boolean;
  garbage: boolean;
  sats = 9;
  readonly serial = new SimSerial();
  /** seconds emitted, PPS edges sent */
  seconds = 0;
  edges = 0;
  private running = false;

  constructor(private vm: EspruinoVm, private sched: Scheduler, private o: GpsOptions = {}) {
    this.fix = o.fix ?? true;
    this.pps = o.pps ?? true;
    this.garbage = !!o.garbage;
  }

  /** The globals the image needs: the serial port and the PPS pin (a pin is its name here). */
  globals(): Record<string, unknown> {
    return { [this.o.serial || "Serial1"]: this.serial, [this.o.pin || "D4"]: this.o.pin || "D4", D3: "D3", D1: "D1" };
  }

  /** UTC as the receiver labels true time t: a second behind after an inserted leap second. */
  utc(t: number): number {
    return this.o.leapAt && t >= this.o.leapAt ? t - 1 : t;
  }

  start() {
    this.running = true;
    this.next(Math.floor(this.sched.truth()) + 1);
  }

  stop() {
    this.running = false;
  }

  private next(sec: number) {
    this.sched.at(sec, () => {
      if (!this.running) return;
      this.second(sec);
      this.next(sec + 1);
    });
  }

  /** Second `sec` of true time begins: the PPS edge, then the sentences that name it. */
  private second(sec: number) {
    this.seconds++;
    if (this.pps && this.fix) {
      this.edges++;
      this.vm.edge(this.o.pin || "D4", this.sched.device(sec));
    }
    const leap = !!this.o.leapAt && sec == this.o.leapAt;
    let label = leap ? sec - 1 : this.utc(sec);
    if (this.o.rollover) label -= 1024 * 604800;
    let text = sentences(label, this.fix, this.sats, leap);
    if (this.garbage) {
      const noise = Array.from({ length: 12 }, (_, i) => String.fromCharCode((sec * 31 + i * 97) % 256)).join("");
      // a sentence cut short by noise, and one an hour off whose checksum is wrong
      const good = sentences(label + 3600, true, 12).split("\r\n")[0];
      const forged = good.slice(0, -2) + (parseInt(good.slice(-2), 16) ^ 1).toString(16).toUpperCase().padStart(2, "0");
      text = noise + "$GNRMC,1234" + noise + text.replace("\r\n", "\r\n" + forged + "\r\n");
    }
    const chunk = this.o.chunk || 32;
    const start = sec + (this.o.delay ?? 0.1);
    for (let i = 0; i < text.length; i += chunk) {
      const part = text.slice(i, i + chunk);
      // each chunk is handed over when its last byte has arrived at 9600 baud
      this.sched.at(start + ((i + part.length) * 10) / BAUD, () => this.running && this.serial.emit(part));
    }
  }
}

/** A scheduler on the VM's virtual clock (a FakeClock): true time is its truth() plus `offset`. */
export function virtualScheduler(vm: EspruinoVm, offset = 0): Scheduler {
  const c = vm.clock!;
  return {
    truth: () => c.truth() + offset,
    at: (t, fn) => c.after(fn, Math.max(0, (t - c.truth() - offset) * c.rate * 1000)),
    device: (t) => c.t - (c.truth() + offset - t) * c.rate,
  };
}

/** A datagram the image sent, with the true time it left. */
export interface Sent {
  b: Uint8Array;
  address: string;
  port: number;
  at: number;
}

/**
 * An Espruino-style dgram module for the server image on a virtual clock: ask() delivers a
 * request to the bound socket (from the idle loop, as on the device), and every send() is
 * kept in `sent` with the true time it left.
 */
export function virtualUdp(sched: () => Scheduler) {
  let onMessage: ((msg: string, rinfo: object) => void) | null = null;
  const h = {
    port: 0,
    sent: [] as Sent[],
    createSocket: () => {
      const api = {
        on: (ev: string, fn: any) => (ev == "message" && (onMessage = fn), api),
        bind: (port: number) => ((h.port = port), api),
        send: (msg: string, port: number, address: string) => {
          if (typeof msg != "string") throw new Error("the device sends binary strings");
          h.sent.push({ b: Uint8Array.from(msg, (c) => c.charCodeAt(0)), address, port, at: sched().truth() });
        },
        close: () => (onMessage = null),
      };
      return api;
    },
    /** a request from address:port arriving at true time `at` (default now) */
    ask(b: Uint8Array, address = "192.0.2.10", port = 40123, at?: number) {
      const s = sched();
      s.at(at ?? s.truth(), () => onMessage && onMessage(String.fromCharCode(...b), { address, port, size: b.length }));
    },
  };
  return h;
}

/** A scheduler in real time: true time is the machine's clock plus `offset`, the device clock is the VM's own. */
export function realScheduler(vm: EspruinoVm, offset: number, now: () => number): Scheduler {
  const truth = () => now() + offset;
  return {
    truth,
    at: (t, fn) => void setTimeout(fn, Math.max(0, (t - truth()) * 1000)),
    device: (t) => vm.now() - (truth() - t),
  };
}
