// The fuzzer (npm run fuzz [-- --count N] [--seed S]): random and mutated-golden input through
// the reply decoder and checks (with and without a key), the server's request checks and
// reply builder, the NMEA reader and the AT engine with the modems' frames. Each target has
// an oracle written here independently of the code under test (DataView, BigInt, regular
// expressions, node:crypto): "accepted-invalid" counts input the code accepted that the
// oracle refuses, "refused-valid" input the oracle holds good that the code refused (a reply,
// a request, an unmutated NMEA sentence), "exceptions" anything thrown. All must be 0. The
// seed replays a run.
import { createHash } from "node:crypto";
import { judge, Auth, Exchange, Limits } from "../lib/checks";
import { request } from "../lib/request";
import { Key, sign, signer } from "../lib/mac";
import { answer, hasMac, refuse } from "../lib/serve";
import { createNmea } from "../lib/nmea";
import { atEngine, count, fields } from "../boards/at";
import { sha1 } from "../boards/sha1-node";
import { encode } from "../lib/packet";
import { unixToNtp } from "../lib/timestamp";
import { seeded } from "../bench/relay";

export interface TargetStats {
  inputs: number;
  accepted: number;
  exceptions: number;
  acceptedInvalid: number;
  refusedValid: number;
  /** the first few failures, to replay */
  examples: string[];
}

/** mulberry32 (bench/relay.ts seeded): the same sequence for the same seed on every machine. */
function prng(seed: number) {
  const next = seeded(seed);
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(a: T[]) => a[Math.floor(next() * a.length)] };
}
type Rng = ReturnType<typeof prng>;

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const stats = (): TargetStats => ({ inputs: 0, accepted: 0, exceptions: 0, acceptedInvalid: 0, refusedValid: 0, examples: [] });
function fail(s: TargetStats, what: "exceptions" | "acceptedInvalid" | "refusedValid", example: string) {
  s[what]++;
  if (s.examples.length < 5) s.examples.push(`${what}: ${example}`);
}

/** Byte-level mutations of a golden input: flips, overwrites, truncation, extension, splices. */
function mutate(r: Rng, b: Uint8Array): Uint8Array {
  let c = new Uint8Array(b);
  const n = 1 + r.int(4);
  for (let i = 0; i < n; i++) {
    const op = r.int(8);
    if (op < 3 && c.length) c[r.int(c.length)] ^= 1 << r.int(8);
    else if (op < 5 && c.length) c[r.int(c.length)] = r.pick([0, 0xff, 0x7f, 0x80, r.int(256)]);
    else if (op == 5) c = c.subarray(0, r.int(c.length + 1));
    else if (op == 6) c = new Uint8Array([...c, ...Array.from({ length: r.int(40) }, () => r.int(256))]);
    else if (c.length >= 8) {
      const at = r.int(c.length - 7);
      c.set(Array.from({ length: 8 }, () => r.int(256)), at);
    }
  }
  return c;
}

// ---- replies: lib/checks judge(), against an oracle of RFC 5905 / RFC 4330 rules ----

const PIVOT = 1790000000;
const LIMITS: Limits = { pivot: PIVOT, maxDelay: 3, maxDistance: 3 };
const KEY: Key = { id: 7, secret: new TextEncoder().encode("fuzz-key") };
const AUTH: Auth = { signRequest: (h) => sign(sha1, KEY, h), check: (b) => !!signer(sha1, [KEY], b) };
const EPOCH_DELTA = 2208988800n;

/** NTP timestamp at byte o to Unix seconds, the era chosen within 2^31 s of the pivot (BigInt, not lib/timestamp). */
function oracleTime(v: DataView, o: number): number {
  const sec = BigInt(v.getUint32(o));
  const base = BigInt(PIVOT) + EPOCH_DELTA;
  const era = (base - sec + (1n << 31n)) >> 32n;
  return Number(sec + era * (1n << 32n) - EPOCH_DELTA) + v.getUint32(o + 4) / 2 ** 32;
}

/** Would a correct client accept this datagram? The rules, written out once more. */
function replyValid(b: Uint8Array, from: string, port: number, t1: number, t4: number, nonce: Uint8Array, keyed: boolean): boolean {
  if (b.length < 48) return false;
  if (from != "192.0.2.1" || port != 123) return false;
  if (keyed) {
    if (b.length != 72 || new DataView(b.buffer, b.byteOffset).getUint32(48) != KEY.id) return false;
    const d = createHash("sha1").update(KEY.secret).update(b.subarray(0, 48)).digest();
    if (!d.equals(Buffer.from(b.subarray(52, 72)))) return false;
  } else if (b.length != 48) return false;
  const v = new DataView(b.buffer, b.byteOffset, 48);
  const li = b[0] >> 6;
  const vn = (b[0] >> 3) & 7;
  const mode = b[0] & 7;
  if (mode != 4 || vn < 3 || vn > 4) return false;
  if (hex(b.subarray(24, 32)) != hex(nonce)) return false;
  if (b[1] == 0 || li == 3 || b[1] > 15) return false;
  if (v.getUint32(32) == 0 || v.getUint32(40) == 0) return false;
  const t2 = oracleTime(v, 32);
  const t3 = oracleTime(v, 40);
  if (t3 < PIVOT) return false;
  const delay = t4 - t1 - (t3 - t2);
  if (!(delay >= 0 && delay <= 3)) return false;
  return delay / 2 + v.getUint32(4) / 65536 / 2 + v.getUint32(8) / 65536 <= 3;
}

function fuzzReplies(r: Rng, n: number, s: TargetStats) {
  for (let i = 0; i < n; i++) {
    const keyed = r.next() < 0.3;
    const t1 = PIVOT + 86400 + r.next() * 1e6;
    const t4 = t1 + r.next() * 0.2;
    const nonce = { sec: r.int(2 ** 32), frac: r.int(2 ** 32) };
    const x: Exchange = { sec: nonce.sec, frac: nonce.frac, t1, addr: "192.0.2.1", port: 123 };
    const req = request(nonce);
    const t2 = t1 + 0.01 + r.next() * 0.05;
    let golden = encode({ leap: 0, vn: 4, assoc: 4, stratum: 1 + r.int(3), poll: 6, precision: -20, rootDelay: r.next() * 0.1, rootDisp: r.next() * 0.1,
      refid: 0x47505300, refTime: unixToNtp(t2 - 10), orig: nonce, recv: unixToNtp(t2), xmit: unixToNtp(t2 + 0.0001) });
    if (keyed) golden = sign(sha1, KEY, golden);
    const kind = r.int(10);
    const b = kind == 0 ? Uint8Array.from({ length: r.int(100) }, () => r.int(256)) : kind == 1 ? golden : mutate(r, golden);
    const from = r.next() < 0.05 ? "192.0.2.2" : "192.0.2.1";
    const port = r.next() < 0.05 ? 124 : 123;
    s.inputs++;
    try {
      const v = judge(b, from, port, t4, x, keyed ? { ...LIMITS, auth: AUTH } : LIMITS);
      if (typeof v == "string") {
        if (replyValid(b, from, port, t1, t4, req.subarray(40, 48), keyed)) fail(s, "refusedValid", `reply ${hex(b)} keyed=${keyed}: ${v}`);
        continue;
      }
      s.accepted++;
      if (!replyValid(b, from, port, t1, t4, req.subarray(40, 48), keyed)) fail(s, "acceptedInvalid", `reply ${hex(b)} keyed=${keyed}`);
      else {
        const dv = new DataView(b.buffer, b.byteOffset);
        const offset = (oracleTime(dv, 32) - t1 + oracleTime(dv, 40) - t4) / 2;
        if (Math.abs(v.offset - offset) > 1e-6) fail(s, "acceptedInvalid", `offset ${v.offset} != ${offset}: ${hex(b)}`);
      }
    } catch (e) {
      fail(s, "exceptions", `reply ${hex(b)}: ${e}`);
    }
  }
}

// ---- requests: the server's checks (lib/serve refuse, hasMac; lib/mac signer) and answer() ----

const SERVER_KEYS: Key[] = [KEY, { id: 9, secret: new TextEncoder().encode("second") }];
const HEAD = { synced: true, refid: "PPS", precision: -20, disp: 1e-6, refTime: PIVOT + 100 };

function fuzzRequests(r: Rng, n: number, s: TargetStats) {
  for (let i = 0; i < n; i++) {
    let golden = request({ sec: r.int(2 ** 32), frac: r.int(2 ** 32) });
    const signed = r.next() < 0.4;
    if (signed) golden = sign(sha1, r.pick(SERVER_KEYS), golden);
    const kind = r.int(10);
    const b = kind == 0 ? Uint8Array.from({ length: r.int(120) }, () => r.int(256)) : kind == 1 ? golden : mutate(r, golden);
    s.inputs++;
    try {
      // the oracle: a client request (mode 3, version 1-4, whole words), and a MAC tail only when it verifies
      const vn = (b[0] >> 3) & 7;
      const tail = b.length - 48;
      let ok = b.length >= 48 && (b[0] & 7) == 3 && vn >= 1 && vn <= 4 && tail % 4 == 0;
      if (ok && (tail == 4 || tail == 20 || tail == 24)) {
        const key = tail == 24 && SERVER_KEYS.find((x) => x.id == new DataView(b.buffer, b.byteOffset).getUint32(48));
        ok = !!key && createHash("sha1").update(key.secret).update(b.subarray(0, 48)).digest().equals(Buffer.from(b.subarray(52, 72)));
      }
      // as firmware/gps-server.ts onRequest does, without the rate limit
      const k = refuse(b) ? undefined : hasMac(b) ? signer(sha1, SERVER_KEYS, b) : null;
      if (k === undefined) {
        if (ok) fail(s, "refusedValid", `request ${hex(b)}: ${refuse(b) || "MAC"}`);
        continue;
      }
      const reply = answer(b, PIVOT + 200, HEAD, "", () => PIVOT + 200.001);
      const out = k ? sign(sha1, k, reply) : reply;
      s.accepted++;
      // the reply: mode 4, the request's version, its transmit as our originate, never larger than the request
      const replyOk = out.length <= b.length && out.length == (k ? 72 : 48) && (out[0] & 7) == 4 && ((out[0] >> 3) & 7) == vn &&
        hex(out.subarray(24, 32)) == hex(b.subarray(40, 48)) && out[1] == 1;
      if (!ok || !replyOk) fail(s, "acceptedInvalid", `request ${hex(b)} -> ${hex(out)}`);
    } catch (e) {
      fail(s, "exceptions", `request ${hex(b)}: ${e}`);
    }
  }
}

// ---- NMEA: lib/nmea createNmea(), one candidate line at a time in random chunks ----

function nmeaLine(body: string): string {
  let sum = 0;
  for (const c of body) sum ^= c.charCodeAt(0);
  return "$" + body + "*" + sum.toString(16).toUpperCase().padStart(2, "0");
}

/** The time of day a sentence's time field names, or null (oracle: a regular expression). */
function oracleTod(f: string | undefined): number | null {
  const m = /^(\d\d)(\d\d)(\d\d)(\.\d+)?$/.exec(f || "");
  if (!m) return null;
  const [h, mi, sec] = [+m[1], +m[2], +m[3]];
  if (h > 23 || mi > 59 || sec > 60 || (sec == 60 && !(h == 23 && mi == 59))) return null;
  return h * 3600 + mi * 60 + sec + (m[4] ? +("0" + m[4]) : 0);
}

function goldenNmea(r: Rng): string {
  const t = new Date((PIVOT + r.int(86400 * 365)) * 1000);
  const p2 = (x: number) => String(x).padStart(2, "0");
  const hms = p2(t.getUTCHours()) + p2(t.getUTCMinutes()) + p2(t.getUTCSeconds()) + ".00";
  const dmy = p2(t.getUTCDate()) + p2(t.getUTCMonth() + 1) + p2(t.getUTCFullYear() % 100);
  const talker = r.pick(["GP", "GN", "GL", "GA"]);
  return nmeaLine(r.pick([
    `${talker}RMC,${hms},A,4807.038,N,01131.000,E,022.4,084.4,${dmy},003.1,W`,
    `${talker}GGA,${hms},4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,`,
    `${talker}ZDA,${hms},${p2(t.getUTCDate())},${p2(t.getUTCMonth() + 1)},${t.getUTCFullYear()},00,00`,
  ]));
}

function fuzzNmea(r: Rng, n: number, s: TargetStats) {
  const got: { t: number; type: string }[] = [];
  const reader = createNmea(PIVOT, r.next() < 0.5 ? 0 : 9600, (x) => got.push({ t: x.t, type: x.type }));
  for (let i = 0; i < n; i++) {
    const golden = goldenNmea(r);
    const kind = r.int(10);
    const line = kind == 0 ? Array.from({ length: r.int(90) }, () => String.fromCharCode(r.int(256))).join("") : kind == 1 ? golden
      : String.fromCharCode(...mutate(r, Uint8Array.from(golden, (c) => c.charCodeAt(0))));
    const input = line + "\r\n";
    s.inputs++;
    got.length = 0;
    try {
      for (let at = 0; at < input.length; ) {
        const len = 1 + r.int(24);
        reader.feed(input.substr(at, len), PIVOT + i);
        at += len;
      }
    } catch (e) {
      fail(s, "exceptions", `nmea ${JSON.stringify(line)}: ${e}`);
      continue;
    }
    // the oracle: each line ends at a CR or LF and starts at the last "$" before it; one is a
    // sentence when its checksum verifies and its talker and type are letters and RMC/GGA/ZDA
    const candidates: { type: string; tod: number | null }[] = [];
    let from = 0;
    for (let end = 0; end < input.length; end++) {
      if (input[end] != "\r" && input[end] != "\n") continue;
      const start = input.lastIndexOf("$", end);
      const m = start >= from ? /^\$([\x20-\x7e]*)\*([0-9A-Fa-f]{2})$/.exec(input.slice(start, end)) : null;
      from = end + 1;
      if (!m) continue;
      let sum = 0;
      for (const c of m[1]) sum ^= c.charCodeAt(0);
      const f = m[1].split(",");
      if (sum == parseInt(m[2], 16) && /^[A-Z]{2}(RMC|GGA|ZDA)$/.test(f[0])) candidates.push({ type: f[0].slice(2), tod: oracleTod(f[1]) });
    }
    // an unmutated sentence (the line alone, whole) must come through
    if (kind == 1 && !got.some((g) => g.type == candidates[0]?.type)) fail(s, "refusedValid", `nmea ${JSON.stringify(line)}`);
    for (const g of got) {
      s.accepted++;
      // a time reported must be the one its field names (a leap second reads as :59), whatever the day
      const ok = candidates.some((c) => c.type == g.type &&
        (!Number.isFinite(g.t) || (c.tod != null && Math.abs(((((g.t - Math.min(c.tod, 86399)) % 86400) + 86400) % 86400)) < 1e-6)));
      if (!ok) fail(s, "acceptedInvalid", `nmea ${JSON.stringify(line)} -> ${g.type} ${g.t}`);
    }
  }
}

// ---- AT engine (boards/at.ts) with the ESP-AT/SIM800 "+IPD," and the Quectel "recv" frames ----

function fuzzAt(r: Rng, n: number, s: TargetStats) {
  let now = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let ids = 0;
  const t = {
    clock: () => now,
    after: (fn: () => void, ms: number) => (timers.push({ at: now + ms / 1000, fn, id: ++ids }), ids),
    disarm: (id: unknown) => {
      const i = timers.findIndex((x) => x.id == id);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  let onData: (d: string) => void = () => {};
  const at = atEngine({ write: () => {}, on: (_e, fn) => (onData = fn) }, t);
  let stream = "";
  const frames: { data: string; header: string }[] = [];
  // the frames as boards/espat.ts and boards/quectel.ts register them
  at.frame({ head: "+IPD,", stop: ":", size: (h) => count(fields(h)[1]), got: (data, header) => frames.push({ data, header }) });
  at.frame({ head: '+QIURC: "recv",', stop: "\n", size: (h) => (fields(h).length == 5 && count(fields(h)[1]) == 0 ? count(fields(h)[2]) : -1), got: (data, header) => frames.push({ data, header }) });
  const payload = () => String.fromCharCode(...Array.from({ length: r.pick([48, 72, r.int(80)]) }, () => r.int(256)));
  for (let i = 0; i < n; i++) {
    const p = payload();
    const golden = r.pick([
      `+IPD,${p.length},"192.0.2.1",123:${p}\r\n`,
      `+QIURC: "recv",0,${p.length},"192.0.2.1",123\r\n${p}\r\n`,
      "OK\r\n", "ERROR\r\n", "+CME ERROR: 50\r\n", "> ", "SEND OK\r\n", "\r\n+QIURC: \"closed\",0\r\n", "RDY\r\n",
    ]);
    const kind = r.int(10);
    const text = kind == 0 ? String.fromCharCode(...Array.from({ length: r.int(120) }, () => r.int(256))) : kind < 4 ? golden
      : String.fromCharCode(...mutate(r, Uint8Array.from(golden, (c) => c.charCodeAt(0))));
    s.inputs++;
    frames.length = 0;
    stream = (stream + text).slice(-4096);
    try {
      if (r.next() < 0.2) at.cmd({ at: "AT+X", ms: 500, data: r.next() < 0.3 ? "data" : undefined, end: r.next() < 0.5 ? ["OK"] : ["SEND OK"] }, () => {});
      for (let k = 0; k < text.length; ) {
        const len = 1 + r.int(32);
        onData(text.substr(k, len));
        k += len;
      }
      now += 0.001 + r.next() * 0.2;
      for (let guard = 0; guard < 100; guard++) {
        const due = timers.filter((x) => x.at <= now).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers.splice(timers.indexOf(due), 1);
        due.fn();
      }
    } catch (e) {
      fail(s, "exceptions", `at ${JSON.stringify(text)}: ${e}`);
      continue;
    }
    for (const f of frames) {
      s.accepted++;
      // the oracle: the header declares exactly the data's length, and header and data came in, in that order
      const m = /^\+IPD,(\d+)(,|$)/.exec(f.header) || /^\+QIURC: "recv",0,(\d+),/.exec(f.header);
      if (!m || +m[1] != f.data.length || stream.indexOf(f.data) < 0 || f.data.length > 576) fail(s, "acceptedInvalid", `at frame ${JSON.stringify(f)}`);
    }
  }
}

export const TARGETS = { replies: fuzzReplies, requests: fuzzRequests, nmea: fuzzNmea, at: fuzzAt };

/** Runs `count` inputs split over the targets (replies and requests get the most), from `seed`. */
export function fuzz(count: number, seed: number): Record<keyof typeof TARGETS, TargetStats> {
  const share = { replies: 0.4, requests: 0.3, nmea: 0.2, at: 0.1 };
  const out = {} as Record<keyof typeof TARGETS, TargetStats>;
  (Object.keys(TARGETS) as (keyof typeof TARGETS)[]).forEach((k, i) => {
    out[k] = stats();
    TARGETS[k](prng(seed + i), Math.round(count * share[k]), out[k]);
  });
  return out;
}

const main = process.argv[1] && /fuzz\.ts$/.test(process.argv[1]);
if (main) {
  const arg = (name: string) => {
    const i = process.argv.indexOf("--" + name);
    return i > 0 ? +process.argv[i + 1] : NaN;
  };
  const count = arg("count") || 1000000;
  const seed = Number.isFinite(arg("seed")) ? arg("seed") : (Date.now() % 1e9) >>> 0;
  const t0 = performance.now();
  const r = fuzz(count, seed);
  const ms = performance.now() - t0;
  console.log(`fuzz: ${count} inputs, seed ${seed} (replay: npm run fuzz -- --count ${count} --seed ${seed}), ${(ms / 1000).toFixed(1)} s`);
  console.log("target    inputs   accepted  exceptions  accepted-invalid  refused-valid");
  let bad = 0;
  for (const [k, s] of Object.entries(r)) {
    console.log(`${k.padEnd(8)} ${String(s.inputs).padStart(7)} ${String(s.accepted).padStart(10)} ${String(s.exceptions).padStart(11)} ${String(s.acceptedInvalid).padStart(17)} ${String(s.refusedValid).padStart(14)}`);
    for (const e of s.examples) console.log("  " + e);
    bad += s.exceptions + s.acceptedInvalid + s.refusedValid;
  }
  process.exit(bad ? 1 : 0);
}
