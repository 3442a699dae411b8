// The GPS + PPS stratum-1 SNTP server (docs/gps-server.md): NMEA from a receiver on a Serial port,
// its pulse-per-second on a pin, the device clock kept on GPS time, and SNTP answered on
// UDP port 123 with per-client rate limiting.
import { board } from "@board";
import { useDisplay } from "@display";
import { dgramListen, Reply } from "../boards/espruino";
import { createNmea } from "../lib/nmea";
import { Head, createRefclock } from "../lib/refclock";
import { DROP, KISS, createLimiter } from "../lib/ratelimit";
import { answer, hasMac, refuse } from "../lib/serve";
import { keys, signedBy, signWith } from "@auth";
import { civil, two } from "../lib/calendar";

const dev = board.dev;
const g = CONFIG.gps!;
const ref = createRefclock({ pps: !!g.pps, holdover: g.holdover, nmeaDelay: g.nmeaDelay, pivot: CONFIG.pivot });
const limiter = createLimiter(g.interval, g.burst, g.clients);
/**
 * requests answered, answered with Kiss-o'-Death RATE, dropped by the limiter, refused as
 * malformed (modes 6, 7...), dropped for a MAC that did not verify: each request counts once
 */
const counts = { answered: 0, kissed: 0, dropped: 0, refused: 0, unverified: 0 };
/** replies (answers and kisses) signed with a key */
let signed = 0;
/** mean seconds from the PPS edge to the first sentence naming its second: nmeaDelay for a server without PPS */
let lag = 0;

/**
 * Keeps the device clock (getTime, the REPL's Date, the display) on GPS time, after each chunk
 * of serial data: set when it is off by more than 1 ms, or by more than 3 jitters when the
 * time comes from NMEA alone. The replies read the pinned second themselves, so they do not
 * wait for this.
 */
const keep = () => {
  const c = dev.clock();
  const off = ref.time(c) - c;
  if (Math.abs(off) <= Math.max(0.001, 3 * ref.jitter())) return;
  dev.setNow(c + off);
  ref.moved(off);
  if (Math.abs(off) > 1) dev.log("gps: clock set to " + new Date((c + off) * 1000).toISOString());
};

const nmea = createNmea(CONFIG.pivot, g.pps ? 0 : g.baud, (s) => {
  if (ref.sentence(s) && g.pps) lag += (ref.time(s.at) - s.t - lag) / (lag ? 16 : 1);
});

let sock: Reply | null = null;
/** seconds one SHA1 signing took here at the least (0 until the first) */
let signing = 0;
const onRequest = (b: Uint8Array, ip: string, port: number, t: number) => {
  if (refuse(b)) return counts.refused++;
  const v = limiter.check(ip, t);
  if (v == DROP) return counts.dropped++;
  // Signed requests (RFC 5905 s7.3) get a reply signed with the same key, a kiss too; with an
  // unknown key or a wrong digest, none (as chrony): a guesser learns nothing.
  const signedRequest = hasMac(b);
  const k = signedRequest ? signedBy(b) : undefined;
  if (signedRequest && !k) return counts.unverified++;
  v == KISS ? counts.kissed++ : counts.answered++;
  // The digest covers the transmit timestamp, so it is read before signing: it is stamped
  // ahead by the least a signing took (chrony too adds a measured auth delay). The least, not
  // a mean: one slow signing (a garbage collection, a busy host) then stamps its own reply
  // early by the excess, never the replies after it late.
  const r = answer(b, ref.time(t), ref.head(t), v == KISS ? "RATE" : "", () => ref.time(dev.clock()) + (k ? signing : 0));
  if (!k) return sock!.send(r, ip, port);
  const s = dev.clock();
  const mac = signWith(k, r);
  const took = dev.clock() - s;
  if (!signing || took < signing) signing = took;
  signed++;
  sock!.send(mac, ip, port);
};

/**
 * The state the console reports when it changes: "PPS", "GPS" (NMEA timing), or why not
 * synchronized: no fix, waiting for the first seconds to agree, or lost (no fresh second).
 */
const state = (h: Head) => (h.synced ? h.refid : !ref.st.fix ? "no fix" : h.refTime ? "lost" : "waiting");
let said = "";
global.gps = {
  status: () => {
    const c = dev.clock();
    const h = ref.head(c);
    return {
      state: state(h),
      fix: ref.st.fix,
      sats: ref.st.sats,
      ppm: (ref.rate() - 1) * 1e6,
      jitter: ref.jitter(),
      lag: lag,
      signed: signed,
      signing: signing,
      head: h,
      clients: limiter.clients(c, 3600),
      counts: counts,
      nmea: nmea.stats,
      seconds: { pinned: ref.st.pins, jumps: ref.st.jumps, leaps: ref.st.leaps },
    };
  },
};

const serial = global[g.serial];
// Once, at load: a saved image keeps its listeners through a reboot, and a second one would feed every byte twice.
// The clock is kept once the chunk is read: every sentence ended in it is dated by the clock it arrived by.
serial.on("data", (d: string) => {
  nmea.feed(d, getTime());
  keep();
});
let watch = 0;
const start = () => {
  if (g.console) E.setConsole(g.console, { force: true });
  serial.setup(g.baud, g.path ? { path: g.path } : { rx: global[g.rx!], tx: global[g.tx!] });
  // setWatch's event carries the time of the edge itself, taken in the interrupt.
  if (watch) clearWatch(watch);
  if (g.pps) watch = setWatch((e: { time: number }) => ref.onPulse(e.time), global[g.pps], { repeat: true, edge: "rising" });
  dev.log("gps-server: " + g.serial + " at " + g.baud + " baud, " + (g.pps ? "PPS on " + g.pps : "no PPS (NMEA timing)") + ", port " + g.port +
    (keys ? ", keys " + keys.map((k) => k.id).join(" ") : ""));
  const up = () =>
    board.up((err) => {
      if (err) {
        dev.log(board.name + ": " + err + ", trying again in 30 s");
        return dev.after(up, 30000);
      }
      // a socket from before a reboot is gone with the network; closing it may throw
      try {
        if (sock) sock.close();
      } catch (e) {}
      sock = dgramListen(g.port, onRequest);
    });
  up();
};
// (none without a panel: firmware/clock.ts)
const panel = CONFIG.display!.type ? useDisplay() : undefined;
const boot = () => {
  if (CONFIG.display!.type) panel!.connect();
  start();
};
// As the clock app: uploaded, it starts at once; saved, E.on("init") starts it at each boot.
let booting: unknown = dev.after(boot, 0);
board.onBoot(() => {
  dev.disarm(booting, boot);
  booting = 0;
  boot();
});

setInterval(() => {
  const c = dev.clock();
  const h = ref.head(c);
  const s = state(h);
  if (s != said) dev.log("gps: " + (said = s) + (h.synced ? ", serving stratum 1" : ", answering LI 3 (not synchronized)") + ", " + ref.st.sats + " satellites");
  if (!CONFIG.console && !CONFIG.display!.type) return;
  const t = civil(c);
  const clients = limiter.clients(c, 3600);
  if (CONFIG.display!.type) panel!.draw({ t: t, zone: "UTC", state: s + " " + ref.st.sats + "sv " + clients + "cl" });
  if (CONFIG.console)
    dev.log(t[0] + "-" + two(t[1]) + "-" + two(t[2]) + " " + two(t[3]) + ":" + two(t[4]) + ":" + two(t[5]) + " UTC " + s + ", " + ref.st.sats + " satellites, " + clients + " clients, " + counts.answered + " answered");
}, 1000);
