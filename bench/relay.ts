// A seeded userspace UDP relay on 127.0.0.1 (there is no netem here): it sits between the
// clients and one server and delays each datagram per direction by a base plus a jitter
// (none, uniform, exponential), drops a share of them, and logs what it applied to each.
import { createSocket, Socket } from "node:dgram";
import { performance } from "node:perf_hooks";

export type Jitter = { kind: "none" } | { kind: "uniform"; max: number } | { kind: "exp"; mean: number };

/** One direction: milliseconds of fixed delay plus a jitter draw. */
export interface Leg {
  base: number;
  jitter: Jitter;
}

export interface RelaySpec {
  /** client to server */
  up: Leg;
  /** server to client */
  down: Leg;
  /** share of datagrams dropped, each direction */
  loss: number;
  seed: number;
}

export interface Applied {
  dir: "up" | "down";
  /** the delay drawn, ms; -1 when dropped */
  planned: number;
  /** the delay the datagram really had in the relay, ms */
  actual: number;
}

/** The relay's own lag: the mean ms it held a datagram beyond its draw (null when it relayed none). */
export function lag(log: Applied[]): number | null {
  const late = log.filter((a) => a.planned >= 0).map((a) => a.actual - a.planned);
  return late.length ? late.reduce((a, b) => a + b, 0) / late.length : null;
}

/** The bench's main condition, each way: 20 ms plus exponential jitter of mean 10 ms. */
export const EXP_LEG: Leg = { base: 20, jitter: { kind: "exp", mean: 10 } };

/** mulberry32: a small seeded generator, so a run can be repeated exactly. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function draw(leg: Leg, rand: () => number): number {
  const j = leg.jitter;
  return leg.base + (j.kind == "uniform" ? rand() * j.max : j.kind == "exp" ? -j.mean * Math.log(1 - rand()) : 0);
}

/**
 * Waits until performance.now() reaches `due` (ms): a timer to within 2 ms of it, then the
 * event loop's check phase, so a delay is met to a fraction of a millisecond.
 */
function at(due: number, fn: () => void) {
  const left = due - performance.now();
  if (left > 2) return void setTimeout(() => at(due, fn), left - 2);
  if (left > 0) return void setImmediate(() => at(due, fn));
  fn();
}

export interface Relay {
  port: number;
  log: Applied[];
  close(): Promise<void>;
}

/** Starts a relay to 127.0.0.1:target; clients send to 127.0.0.1:port. */
export function startRelay(target: number, spec: RelaySpec): Promise<Relay> {
  const rand = seeded(spec.seed);
  const log: Applied[] = [];
  const front = createSocket("udp4");
  /** one upstream socket per client address, so replies find their way back */
  const upstream = new Map<string, Socket>();
  let open = true;

  const pass = (dir: "up" | "down", leg: Leg, send: () => void) => {
    const t0 = performance.now();
    if (rand() < spec.loss) return void log.push({ dir, planned: -1, actual: -1 });
    const planned = draw(leg, rand);
    const entry = { dir, planned, actual: 0 };
    log.push(entry);
    at(t0 + planned, () => {
      entry.actual = performance.now() - t0;
      if (open) send();
    });
  };

  front.on("message", (msg, client) => {
    const key = client.address + ":" + client.port;
    let up = upstream.get(key);
    if (!up) {
      const s = createSocket("udp4");
      s.on("message", (reply) => pass("down", spec.down, () => front.send(reply, client.port, client.address)));
      s.bind(0, "127.0.0.1");
      upstream.set(key, (up = s));
    }
    const u = up;
    pass("up", spec.up, () => u.send(msg, target, "127.0.0.1"));
  });

  return new Promise((resolve) =>
    front.bind(0, "127.0.0.1", () =>
      resolve({
        port: front.address().port,
        log,
        close: async () => {
          open = false;
          for (const s of upstream.values()) s.close();
          await new Promise<void>((r) => front.close(() => r()));
        },
      }),
    ),
  );
}
