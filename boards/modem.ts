import { isIpLiteral } from "../lib/host";
import { Link, Net, OnDatagram } from "../lib/client";
import { At, Cmd, Port, atEngine } from "./at";
import { Board } from "./board";
import { disarmTimer } from "./espruino";
import { espruinoDevice } from "./espruino-device";
import { onInit, storage } from "./espruino-boot";

/** Where a modem is wired: an Espruino Serial port, its baud rate and pins (pin names). */
export interface SerialConfig {
  port: string;
  baud: number;
  tx: string;
  rx: string;
  /** Espruino's Linux build only (a Raspberry Pi with a USB modem): the tty, e.g. /dev/ttyUSB2 */
  path?: string;
}

/** One AT dialect: the commands a modem family needs for UDP. */
export interface Dialect {
  name: string;
  /** lines the modem prints when it (re)starts: all its state is gone */
  boot: string[];
  /** from power-on to a network: echo off, then PDP context or Wi-Fi join */
  up(at: At, cb: (err: string) => void): void;
  resolve(at: At, name: string, cb: (ip: string | null) => void): void;
  /** opens UDP; single-connection modems bind it to ip:port */
  open(at: At, ip: string, port: number, cb: (err: string) => void): void;
  send(at: At, data: string, ip: string, port: number, wrote: (t: number) => void, cb: (err: string) => void): void;
  close(at: At): void;
  /** registers the frames (and URCs) that carry datagrams */
  listen(at: At, rx: (data: string, address: string, port: number, t4: number) => void): void;
  /** the module's own NTP client: Unix seconds (whole) or null and why */
  ntp?(at: At, host: string, cb: (t: number | null, why: string) => void): void;
}

/** How a cellular module (Quectel, SIMCom) starts: awake, echo off, numeric errors, SIM ready. */
export const CELLULAR_START: Cmd[] = [{ at: "AT", ms: 1000 }, { at: "ATE0" }, { at: "AT+CMEE=1" }, { at: "AT+CPIN?", ms: 5000 }];

/**
 * Short reasons for ntptime.last when the modem fails: "udp" (it refused to open UDP),
 * "at-error" (an ERROR or +CME ERROR answer), "at-timeout" (no answer), "reset" (it restarted).
 */
function reason(err: string): string {
  // (regexes: Espruino 2v29's indexOf and includes find a needle whose start runs off the
  // end, so "+CME ERROR: not present" would "contain" timeout)
  return /timeout/.test(err) ? "at-timeout" : /reset/.test(err) ? "reset" : "at-error";
}

/**
 * A Board on an AT modem over a Serial port. The modem is brought up lazily (at boot, and
 * again after it restarts or stops answering), so one failed sync never wedges the next.
 */
export function modemBoard(d: Dialect, wiring: SerialConfig): Board {
  const s: SerialConfig = Object.assign({}, wiring, CONFIG.serial);
  const port: Port = global[s.port];
  (port as any).setup(s.baud, s.path ? { path: s.path } : { tx: global[s.tx], rx: global[s.rx] });
  const log = (line: string) => console.log(d.name + ": " + line);
  const at = atEngine(port, { clock: getTime, after: setTimeout, disarm: disarmTimer });

  let ready = false;
  let waiting: ((err: string) => void)[] = [];
  let rx: OnDatagram | null = null;
  const down = (err: string) => {
    ready = false;
    if (err) log(err);
  };
  d.boot.forEach((l) =>
    at.urc(l, () => {
      down("modem restarted (" + l + ")");
      at.abort("reset");
    }),
  );
  // (the bytes made before the exchange's function is called: boards/espruino.ts dgramNet)
  d.listen(at, (data, address, from, t4) => {
    const b = E.toUint8Array(data);
    if (rx) rx(b, address, from, t4);
  });

  const ensure = (cb: (err: string) => void) => {
    if (ready) return cb("");
    waiting.push(cb);
    if (waiting.length > 1) return;
    d.up(at, (err) => {
      ready = !err;
      const all = waiting;
      waiting = [];
      all.forEach((f) => f(err));
    });
  };

  const net: Net = {
    // An open cut short by a moment without memory never hands back its link: the supervisor's
    // end of the exchange lets go of its receiver here (the exchange's code, until the next open).
    close: () => (rx = null),
    lookup: (name, cb) =>
      isIpLiteral(name) ? cb(name) : ensure((err) => (err ? (log(err), cb(null)) : d.resolve(at, name, cb))),
    open: (onDatagram, onError) => {
      rx = onDatagram;
      /** ip:port the modem's UDP is open to; a send while opening waits (only the newest) */
      let remote = "";
      let queued: (() => void) | null = null;
      let closed = false;
      let failed = false;
      // (the reason worked out in here, not in its callers' arguments: boards/espruino.ts dgramNet)
      const fail = (err: string, opening?: boolean) => {
        const r = reason(err);
        // A refusal to open (an error answer) is "udp", and may fall back to the modem's NTP;
        // no answer or a restart is the modem's failure, not UDP's.
        const why = opening && r == "at-error" ? "udp" : r;
        // After anything but a refusal, the modem may have lost its state: bring it up again.
        if (why != "udp") down("");
        log(opening ? "UDP open: " + err : err);
        if (!failed && !closed) onError(why);
        failed = true;
      };
      const link: Link = {
        send: (b, ip, port, x) => {
          const data = E.toString(b);
          const go = () => d.send(at, data, ip, port, (t) => (x.t1 = t), (err) => err && fail(err));
          const to = ip + ":" + port;
          if (remote == to) return go();
          const opening = !!queued;
          queued = go;
          if (opening) return;
          ensure((err) => {
            if (err) return (queued = null), fail(err);
            d.open(at, ip, port, (err) => {
              const f = queued!;
              queued = null;
              if (err) return fail(err, true);
              remote = to;
              if (closed) return d.close(at);
              f();
            });
          });
        },
        close: () => {
          closed = true;
          rx = null;
          if (remote && ready) d.close(at);
        },
      };
      return link;
    },
  };

  espruinoDevice.net = net;
  return {
    name: d.name,
    dev: espruinoDevice,
    up: (cb) => ensure(cb),
    store: storage,
    // A boot from save() restores `ready` as it was: the modem must be brought up again.
    onBoot: (fn) =>
      onInit(() => {
        down("");
        fn();
      }),
    modemClock: d.ntp ? (host, cb) => ensure((err) => (err ? cb(null, err) : d.ntp!(at, host, cb))) : undefined,
  };
}
