// A runtime that behaves like Espruino 2v29 for the built images (../shared/ESPRUINO.md):
// binary-string dgram payloads and rinfo {address, port, size}, getTime/setTime on a device
// clock of its own, E.toString/E.toUint8Array/E.setTimeZone/E.setDST/E.hwRand/E.on("init"), Storage,
// every object's on()/emit() (listeners run from the idle loop, as on the device), require() of
// device modules only, and the built-ins the device lacks removed. Images are gated by the
// dialect checker first, as the device's parser would refuse them.
import vm from "node:vm";
import { createSocket, Socket } from "node:dgram";
import { createHash } from "node:crypto";
import { MISSING_DATE_METHODS, MISSING_GLOBALS, MISSING_MEMBERS, checkDialect, formatProblems } from "../../tools/dialect.mjs";
import { FakeClock } from "./fake-env";
import { realtime } from "./realtime";
import { deviceOffset } from "../../lib/tz";

export interface VmOptions {
  /** the device clock at load, Unix seconds; default the machine's time */
  clockStart?: number;
  /** run timers on a virtual clock that only advance() moves (no real waiting) */
  virtual?: boolean;
  /** the virtual clock's crystal error: this many ppm fast (negative: slow) */
  ppm?: number;
  /** extra device modules for require(): Wifi, WIZnet, a fake dgram... */
  modules?: Record<string, unknown>;
  /** device globals: Serial ports, SPI ports, pins */
  globals?: Record<string, unknown>;
  /** the Storage files (name to text); pass the same object to a new VM to reboot with them */
  storage?: Record<string, string>;
  /** what getSerial() returns: an ESP8266 gives its MAC ("5ccf7f0a-1b2c"); default the Linux build's */
  serial?: string;
  /** where a bound dgram socket listens (the device binds every interface): 127.0.0.1 unless set */
  bindAddress?: string;
}

interface Watch {
  fn: (e: { state: boolean; time: number; lastTime: number }) => void;
  pin: unknown;
  repeat: boolean;
  last: number;
}

/**
 * String#indexOf and #includes as Espruino 2v29 runs them (src/jswrap_string.c,
 * jswrap_string_indexOf, with jsvCompareString's equalAtEndOfString): a needle no longer
 * than the string is also found where the string's end cuts it short, "abc,".indexOf(",x")
 * == 3, so `includes` and `indexOf(x) >= 0` can be wrong for a needle of two characters or
 * more (`indexOf(head) == 0` cannot: at 0 the whole needle is compared); and "".indexOf("")
 * == -1. The cases, edge cases included, are measured on the interpreter against this
 * (test/device/vm-dialect.test.ts). lastIndexOf is right on the device.
 */
export const STRING_SEARCH = `(function () {
  function indexOf(sub, from) {
    var s = String(this);
    sub = String(sub);
    if (sub.length > s.length) return -1;
    var end = s.length - sub.length + 1, i = 0;
    if (typeof from == "number") i = Math.min(Math.max(from | 0, 0), end);
    for (; i < s.length; i++) {
      var j = 0;
      while (j < sub.length && i + j < s.length && s[i + j] == sub[j]) j++;
      if (j == sub.length || i + j == s.length) return i;
    }
    return -1;
  }
  Object.defineProperty(String.prototype, "indexOf", { value: indexOf, writable: true, configurable: true });
  Object.defineProperty(String.prototype, "includes", { value: function (sub, from) { return indexOf.call(this, sub, from) >= 0; }, writable: true, configurable: true });
})();`;

/**
 * The built-ins as Espruino 2v29 has them: those it does not have deleted (the dialect gate's
 * lists, plus Array#fill, which the gate cannot tell from the typed arrays' fill, which
 * exists on the device), and the String search it runs differently (STRING_SEARCH).
 */
const AS_ON_DEVICE = [
  ...MISSING_GLOBALS.map((g) => `delete globalThis.${g};`),
  ...MISSING_MEMBERS.map((m) => `delete ${m};`),
  ...MISSING_DATE_METHODS.map((m) => `delete Date.prototype.${m};`),
  "delete Array.prototype.fill;",
  STRING_SEARCH,
].join("\n");

/**
 * Espruino gives every object on() and emit(); the listeners are kept in a hidden "#on"
 * property and run from the idle loop, after the emitting code returns.
 */
const EVENTS = `(function (queue) {
  function def(name, fn) { Object.defineProperty(Object.prototype, name, { value: fn, writable: true, configurable: true }); }
  def("on", function (ev, fn) {
    var k = "#on" + ev;
    if (!Object.prototype.hasOwnProperty.call(this, k)) Object.defineProperty(this, k, { value: [], writable: true });
    this[k].push(fn);
  });
  def("emit", function (ev) {
    var a = Array.prototype.slice.call(arguments, 1), self = this, l = this["#on" + ev];
    if (l) l.forEach(function (fn) { queue(function () { fn.apply(self, a); }); });
  });
})`;

export class EspruinoVm {
  readonly lines: string[] = [];
  /** every setTime() call, in Unix seconds */
  readonly steps: number[] = [];
  /** called with each setTime() before the clock moves (the image keeps the function itself, so it cannot be swapped) */
  onSetTime: (t: number) => void = () => {};
  readonly zones: number[] = [];
  /** every E.setDST() call's twelve numbers */
  readonly dst: number[][] = [];
  /** Minutes east of UTC at Unix time t as Espruino's Date has them, after the image's E.setTimeZone and E.setDST calls. */
  localOffset(t: number): number {
    return deviceOffset(this.zones[this.zones.length - 1] || 0, this.dst[this.dst.length - 1], t);
  }

  /** The context's Date reads local time in the zone the image set, as on the device (not the machine's). */
  private localDate() {
    const P = vm.runInContext("Date.prototype", this.context);
    const self = this;
    const local = (d: Date) => new Date(d.getTime() + self.localOffset(d.getTime() / 1000) * 60000);
    P.getTimezoneOffset = function (this: Date) {
      return -self.localOffset(this.getTime() / 1000);
    };
    const fields: [string, (d: Date) => number][] = [
      ["getFullYear", (d) => d.getUTCFullYear()], ["getMonth", (d) => d.getUTCMonth()], ["getDate", (d) => d.getUTCDate()],
      ["getDay", (d) => d.getUTCDay()], ["getHours", (d) => d.getUTCHours()], ["getMinutes", (d) => d.getUTCMinutes()], ["getSeconds", (d) => d.getUTCSeconds()],
    ];
    for (const [name, get] of fields) P[name] = function (this: Date) {
      return get(local(this));
    };
  }

  /** every E.setConsole() device */
  readonly consoles: string[] = [];
  private watches = new Map<number, Watch>();
  private watchIds = 0;
  readonly context: vm.Context;
  readonly clock?: FakeClock;
  private base: number;
  private sockets: Socket[] = [];
  /**
   * The timers as Espruino keeps them, in its hidden root's array (global["\xff"].timers,
   * which the boards read): by id, in the order armed, a new one at one past the newest
   * (1 when none), so a fired timer's id goes to the next armed. Each holds its callback
   * (cb) and the host's handle that runs it.
   */
  private timers = new Map<number, { cb: () => void; handle: any }>();
  // (a timer taken out of the array, as boards/espruino.ts disarmTimer does, is cancelled)
  private hiddenTimers: Record<number, { cb: () => void }> = new Proxy({} as Record<number, { cb: () => void }>, {
    deleteProperty: (o, k) => {
      const id = Number(k);
      if (this.timers.has(id)) this.drop(id);
      return delete o[id];
    },
  });
  private errorFlags: string[] = [];
  /** delays (ms) whose next timer armed is to be cut short (cutTimer) */
  private cuts: number[] = [];
  private waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  /** after dispose() the device is "powered off": late callbacks schedule nothing */
  private off = false;
  private inits: (() => void)[] = [];
  readonly storage: Record<string, string>;
  private bindAddress: string;

  constructor(opts: VmOptions = {}) {
    const start = opts.clockStart ?? Date.now() / 1000;
    // (the device's clock goes with the machine's time of day, as the Linux build's does: the
    // servers the tests ask read it too, and this machine's time service slews it)
    this.base = start - realtime();
    if (opts.virtual) this.clock = new FakeClock(start, opts.ppm);
    const log = (...a: unknown[]) => this.log(a.map(String).join(" "));
    const E = {
      toString: (u: Uint8Array | string) => (typeof u == "string" ? u : String.fromCharCode.apply(null, Array.prototype.slice.call(u))),
      toUint8Array: (s: string) => {
        const u = new (vm.runInContext("Uint8Array", this.context) as typeof Uint8Array)(s.length);
        for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i) & 255;
        return u;
      },
      // (on the device a view of the string itself; here a copy, which reads the same)
      toArrayBuffer: (s: string) => E.toUint8Array(s).buffer,
      setTimeZone: (h: number) => this.zones.push(h),
      setDST: (...a: number[]) => {
        if (a.length != 12 || a.some((x) => typeof x != "number" || x != Math.round(x))) throw new Error("E.setDST takes exactly 12 integers");
        this.dst.push(a);
      },
      on: (ev: string, fn: () => void) => ev == "init" && this.inits.push(fn),
      setConsole: (device: string) => this.consoles.push(device),
      // a signed 32-bit int, as the device's gives
      hwRand: () => (Math.random() * 4294967296) | 0,
      // the interpreter's error flags since they were last read, and cleared (cutTimer sets MEMORY)
      getErrorFlags: () => {
        const f = vm.runInContext("[]", this.context) as string[];
        f.push(...this.errorFlags);
        this.errorFlags = [];
        return f;
      },
    };
    this.bindAddress = opts.bindAddress || "127.0.0.1";
    const files = (this.storage = opts.storage || {});
    const Storage = {
      read: (n: string) => files[n],
      readJSON: (n: string, noExceptions: boolean) => {
        if (!(n in files)) return undefined;
        try {
          return vm.runInContext("JSON.parse", this.context)(files[n]);
        } catch (e) {
          if (noExceptions) return undefined;
          throw e;
        }
      },
      write: (n: string, v: string) => ((files[n] = String(v)), true),
      writeJSON: (n: string, v: unknown) => {
        // Espruino's file names are at most 28 characters.
        if (n.length > 28) throw new Error("Storage: name too long: " + n);
        files[n] = JSON.stringify(v);
        return true;
      },
      erase: (n: string) => delete files[n],
    };
    // Espruino's crypto.SHA1 hashes a string (one char per byte), a typed array or an
    // ArrayBuffer, and gives a 20-byte ArrayBuffer, not a typed array.
    const crypto = {
      SHA1: (m: string | ArrayBuffer | Uint8Array) => {
        const bytes = typeof m == "string" ? Buffer.from(m, "latin1") : Object.prototype.toString.call(m) == "[object ArrayBuffer]" ? Buffer.from(m as ArrayBuffer) : Buffer.from((m as Uint8Array).buffer, (m as Uint8Array).byteOffset, (m as Uint8Array).byteLength);
        const d = createHash("sha1").update(bytes).digest();
        const out = new (vm.runInContext("ArrayBuffer", this.context) as typeof ArrayBuffer)(20);
        new Uint8Array(out).set(d);
        return out;
      },
    };
    const modules: Record<string, unknown> = { dgram: { createSocket: (t: string) => this.socket(t) }, Storage, crypto, ...opts.modules };
    this.context = vm.createContext({
      console: { log },
      print: log,
      getTime: () => this.now(),
      // (a binary string, one char per byte)
      atob: (b64: string) => Buffer.from(b64, "base64").toString("latin1"),
      getSerial: () => opts.serial ?? "00000000-addeadde-addeadde",
      setTime: (t: number) => {
        this.onSetTime(t);
        this.steps.push(t);
        this.setNow(t);
      },
      setTimeout: (fn: () => void, ms: number) => this.after(fn, ms, false),
      setInterval: (fn: () => void, ms: number) => this.after(fn, ms, true),
      // As on the device: an explicit undefined throws (only a bare call clears every timer).
      clearTimeout: (...a: unknown[]) => this.clear(a),
      clearInterval: (...a: unknown[]) => this.clear(a),
      // setWatch's event has the time of the edge, taken in the interrupt; edge() plays one.
      setWatch: (fn: Watch["fn"], pin: unknown, o: { repeat?: boolean }) => {
        if (pin === undefined) throw new Error("setWatch: invalid pin");
        this.watches.set(++this.watchIds, { fn, pin, repeat: !!(o && o.repeat), last: 0 });
        return this.watchIds;
      },
      clearWatch: (id: number) => {
        if (!this.watches.delete(id)) throw new Error("clearWatch: no watch " + id);
      },
      E,
      require: (name: string) => {
        if (!(name in modules)) throw new Error(`Module ${name} not found`);
        return modules[name];
      },
    });
    this.context.global = this.context;
    this.context["\xff"] = { timers: this.hiddenTimers };
    Object.assign(this.context, opts.globals);
    vm.runInContext(AS_ON_DEVICE, this.context);
    this.localDate();
    vm.runInContext(EVENTS, this.context)((fn: () => void) => this.after(fn, 0, false));
  }

  /**
   * A power-on of a saved image: the E.on("init") handlers run, as after the boot code. With
   * a fresh VM and the old storage it is a reboot of SAVE_ON_SEND code; on the same VM, a
   * boot of a save()d RAM image (its variables and timers kept).
   */
  boot() {
    for (const fn of this.inits) fn();
  }

  /**
   * A rising edge on `pin` at device clock `time`: each watch on it is called from the idle
   * loop with that time, as Espruino queues the interrupt's timestamp.
   */
  /** How many watches are set on `pin` now. */
  watchesOn(pin: unknown): number {
    let n = 0;
    for (const w of this.watches.values()) if (w.pin === pin) n++;
    return n;
  }

  edge(pin: unknown, time: number) {
    for (const [id, w] of this.watches) {
      if (w.pin !== pin) continue;
      const e = { state: true, time, lastTime: w.last };
      w.last = time;
      if (!w.repeat) this.watches.delete(id);
      this.after(() => w.fn(e), 0, false);
    }
  }

  /** Loads an image as the device would: refused if its dialect is wrong, then run. */
  load(code: string, name = "image.js") {
    const problems = checkDialect(code, name);
    if (problems.length) throw new Error("the device would refuse this image:\n" + formatProblems(problems, name));
    vm.runInContext(code, this.context, { filename: name });
  }

  /** Evaluates REPL input on the device. */
  eval(src: string): any {
    return vm.runInContext(src, this.context);
  }

  now(): number {
    return this.clock ? this.clock.t : this.base + realtime();
  }

  private setNow(t: number) {
    if (this.clock) this.clock.step(t);
    else this.base = t - realtime();
  }

  private log(line: string) {
    this.lines.push(line);
    for (const w of this.waiters.slice()) {
      if (w.re.test(line)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  }

  /** The first console line (past or future) matching `re`, within `ms` of real time. */
  waitFor(re: RegExp, ms = 5000): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no console line matching ${re} within ${ms} ms; saw:\n${this.lines.join("\n")}`)), ms);
      this.waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
    });
  }

  private after(fn: () => void, ms: number, repeat: boolean): unknown {
    if (this.off) return 0;
    let id = 1;
    for (const k of this.timers.keys()) id = k + 1;
    const entry = { cb: fn, handle: undefined as any };
    // (to the ms: a tick's delay is worked out from a clock that is not whole ms)
    const c = this.cuts.findIndex((m) => Math.abs(m - ms) < 0.5);
    const cut = c >= 0 && !!this.cuts.splice(c, 1);
    // As Espruino does: the timer is taken out after its callback (a timeout), or dropped if
    // the callback was cut short (an interval too); a callback cut short runs no statement.
    const fire = () => {
      if (cut && this.errorFlags.indexOf("MEMORY") < 0) this.errorFlags.push("MEMORY");
      try {
        if (!cut) fn();
      } finally {
        if ((!repeat || cut) && this.timers.get(id) === entry) this.drop(id);
      }
    };
    if (this.clock) {
      const clock = this.clock;
      const arm = () => (entry.handle = clock.after(() => (repeat && arm(), fire()), ms));
      arm();
    } else entry.handle = repeat ? setInterval(fire, ms) : setTimeout(fire, ms);
    this.timers.set(id, entry);
    this.hiddenTimers[id] = { cb: fn };
    return id;
  }

  /**
   * The next timer armed for `ms` is cut short when it fires, before its callback's first
   * statement, as a moment without memory cuts it on the device: the timer is gone, what the
   * callback would have done (forget its id, arm the next) is not done, and E.getErrorFlags()
   * says MEMORY.
   */
  cutTimer(ms: number) {
    this.cuts.push(ms);
  }

  private drop(id: number) {
    const t = this.timers.get(id)!;
    if (this.clock) this.clock.cancel(t.handle);
    else {
      clearTimeout(t.handle);
      clearInterval(t.handle);
    }
    this.timers.delete(id);
    delete this.hiddenTimers[id];
  }

  private clear(a: unknown[]) {
    if (a.length && a[0] === undefined) throw new Error("clearTimeout(undefined) not allowed. Use clearTimeout() instead");
    if (!a.length) throw new Error("clearTimeout() with no argument clears every timer on the device: never wanted here");
    if (this.timers.has(a[0] as number)) this.drop(a[0] as number);
  }

  /** Espruino's dgram: string payloads in and out, rinfo without family. */
  private socket(type: string) {
    if (this.off) throw new Error("powered off");
    const sock = createSocket(type as "udp4");
    this.sockets.push(sock);
    // a socket's error closes it, as Espruino's socketserver.c does: "error", then "close"
    sock.on("error", () => {
      try {
        sock.close();
      } catch {}
    });
    const api = {
      on: (ev: string, fn: (...a: any[]) => void) => {
        if (ev == "message")
          sock.on("message", (buf, r) => fn(buf.toString("latin1"), { address: r.address, port: r.port, size: buf.length }));
        else sock.on(ev, fn);
        return api;
      },
      send: (...a: any[]) => {
        // send(str, port, address) or send(str, offset, length, port, address)
        let [msg, port, address] = a.length >= 5 ? [String(a[0]).substr(a[1], a[2]), a[3], a[4]] : a;
        // A typed array turns into text like "1,2,255" on the device: mimic it.
        if (typeof msg != "string") msg = String(msg);
        sock.send(Buffer.from(msg, "latin1"), port, address);
      },
      // A server socket: replies sent from it leave from its port.
      bind: (port: number) => (sock.bind(port, this.bindAddress), api),
      close: () => sock.close(),
    };
    return api;
  }

  dispose() {
    this.off = true;
    for (const id of [...this.timers.keys()]) this.drop(id);
    for (const s of this.sockets) {
      try {
        s.close();
      } catch {}
    }
  }
}
