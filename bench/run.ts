// npm run bench: accuracy through a seeded delay relay, side by side with chrony; the time
// from settime() to the clock being set; holdover of a 50 ppm crystal for an hour; and a
// fleet of 10,000 devices powered on together. The server is a real chronyd on 127.0.0.1 on
// the machine's clock (true offset 0), run without the clock capability; so is every
// chronyd client here. Prints mean and p95 |offset error| in ms per method and condition.
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildImage, loadConfig } from "../build.mjs";
import { EspruinoVm } from "../test/helpers/espruino-vm";
import { CHRONYD, SAFE, chronyDir, chronyQuery, startChronyd } from "../test/helpers/chrony";
import { request } from "../lib/request";
import { NTP_UNIX_OFFSET } from "../lib/wire";
import { EXP_LEG, Leg, RelaySpec, seeded, startRelay } from "./relay";
import { holdover } from "./holdover";
import { FleetConfig, fleet } from "./fleet";
import { cli } from "../tools/cli.mjs";

cli("bench", "npm run bench: accuracy beside chronyd through a seeded relay, settime() latency, holdover and the fleet (docs/benchmark.md); no options", {});

const SEED = 20261121;
const CONDITIONS: { name: string; up: Leg; down: Leg }[] = [
  { name: "20 ms each way + Exp(10 ms)", up: EXP_LEG, down: EXP_LEG },
  { name: "20 ms each way + U(0, 30 ms)", up: { base: 20, jitter: { kind: "uniform", max: 30 } }, down: { base: 20, jitter: { kind: "uniform", max: 30 } } },
  { name: "10 ms up / 40 ms down", up: { base: 10, jitter: { kind: "none" } }, down: { base: 40, jitter: { kind: "none" } } },
];
const OURS_CONTINUOUS = "ntptime continuous, bursts of 8 every 15 s, after 50 s";

/** |errors| in ms: mean and 95th percentile. */
function stats(errors: number[]) {
  if (!errors.length) throw new Error("a method measured nothing");
  const a = errors.map(Math.abs).sort((x, y) => x - y);
  return { n: a.length, mean: a.reduce((s, x) => s + x, 0) / a.length, p95: a[Math.min(a.length - 1, Math.floor(a.length * 0.95))] };
}

/** Our built image in the device runtime (real UDP, the machine's clock): offsets of `trials` syncs of `burst` exchanges. */
async function ours(port: number, burst: number, trials: number): Promise<number[]> {
  const dev = new EspruinoVm({ clockStart: Date.now() / 1000 });
  // the schedule's own first round is far off: only the bench asks
  const config = loadConfig(undefined, { host: "127.0.0.1:" + port, console: false, burst, gap: 100, timeout: 1000, retries: 2, startDelay: 1e6 });
  dev.load(await buildImage({ board: "linux", config }), "linux.js");
  const errors: number[] = [];
  try {
    for (let i = 0; i <= trials; i++) {
      await dev.eval("ntptime.time()").catch(() => null);
      const last = dev.eval("ntptime.last");
      // the true offset is the machine's clock less the device's (both run from one clock)
      const truth = Date.now() / 1000 - dev.now();
      // the first sync is a warm-up (a fresh process's first send is slow)
      if (i > 0 && !last.reason) errors.push((last.offset - truth) * 1000);
    }
  } finally {
    dev.dispose();
  }
  return errors;
}

/**
 * Our image left running (the clock app's own schedule, bursts of 8 every 15 s, the RFC 4330
 * floor): how far its clock is from the truth, read every second after `settle` s. It starts
 * half a second off, so it steps first and then slews and holds.
 */
async function oursContinuous(port: number, seconds: number, settle: number): Promise<number[]> {
  const dev = new EspruinoVm({ clockStart: Date.now() / 1000 + 0.5 });
  const config = loadConfig(undefined, { host: "127.0.0.1:" + port, console: false, burst: 8, gap: 100, timeout: 1000, retries: 2, startDelay: 0, poll: 15, maxPoll: 15 });
  dev.load(await buildImage({ board: "linux", config }), "linux.js");
  const errors: number[] = [];
  const began = performance.now();
  try {
    for (let s = 1; s <= seconds; s++) {
      await new Promise((r) => setTimeout(r, Math.max(0, began + s * 1000 - performance.now())));
      if (s >= settle) errors.push((dev.now() - Date.now() / 1000) * 1000);
    }
  } finally {
    dev.dispose();
  }
  return errors;
}

/** The seeds' method: one request, the integer seconds of the transmit timestamp (bytes 40-43) taken as now. */
async function seedsMethod(port: number, trials: number): Promise<number[]> {
  const errors: number[] = [];
  const sock = createSocket("udp4");
  await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
  for (let i = 0; i < trials; i++) {
    const reply = await new Promise<Buffer | null>((resolve) => {
      const t = setTimeout(() => (sock.removeAllListeners("message"), resolve(null)), 1000);
      sock.once("message", (m) => (clearTimeout(t), resolve(m)));
      sock.send(request({ sec: (Math.random() * 4294967296) >>> 0, frac: 0 }), port, "127.0.0.1");
    });
    if (!reply) continue;
    const now = Date.now() / 1000;
    errors.push((reply.readUInt32BE(40) - NTP_UNIX_OFFSET - now) * 1000);
  }
  sock.close();
  return errors;
}

/** chronyd -Q, a fresh run per measurement: its error is the offset it measured (the relay's server is true). */
async function chronyOnce(port: number, trials: number): Promise<number[]> {
  const errors: number[] = [];
  for (let i = 0; i < trials; i++) {
    const offset = await chronyQuery(port);
    if (typeof offset == "number") errors.push(offset * 1000);
  }
  return errors;
}

/**
 * A continuous chronyd -x client at a 1 s poll: how far its corrected clock is from the
 * truth after `settle` s of `seconds`. With -x chronyd corrects its clock only in its own
 * reckoning: tracking.log gives each update's offset correction and the frequency it then
 * runs at, and their sum over time is the correction it has made, that is its estimate of
 * the true offset (0 here). Per-update values alone are residuals: they stay near 0 even on
 * an asymmetric path, where chrony's estimate must be asymmetry/2 off.
 */
async function chronyContinuous(port: number, seconds: number, settle: number): Promise<number[]> {
  const dir = chronyDir();
  const conf = join(dir, "client.conf");
  writeFileSync(conf, [`server 127.0.0.1 port ${port} iburst minpoll 0 maxpoll 0`, "port 0", "cmdport 0", `pidfile ${dir}/c.pid`,
    `driftfile ${dir}/drift`, `logdir ${dir}`, "log tracking", ""].join("\n"));
  const child = spawn(SAFE[0], [...SAFE.slice(1), CHRONYD, "-x", "-d", "-f", conf], { stdio: "ignore" });
  const start = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const pidFile = join(dir, "c.pid");
  if (existsSync(pidFile)) process.kill(+readFileSync(pidFile, "utf8").trim(), "SIGTERM");
  child.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 300));
  const log = existsSync(join(dir, "tracking.log")) ? readFileSync(join(dir, "tracking.log"), "utf8") : "";
  rmSync(dir, { recursive: true, force: true });
  // tracking.log: date time ip stratum freq-ppm skew offset ...
  const errors: number[] = [];
  let correction = 0;
  let last = 0;
  let freq = 0;
  for (const line of log.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (!/^\d{4}-\d\d-\d\d$/.test(f[0] || "")) continue;
    const t = Date.parse(f[0] + "T" + f[1] + "Z") / 1000;
    if (last) correction += (freq * 1e-6) * (t - last);
    correction += +f[6];
    [last, freq] = [t, +f[4]];
    if (t * 1000 - start >= settle * 1000) errors.push(correction * 1000);
  }
  return errors;
}

/** settime() on loopback straight to chronyd, the device a second off: ms from the call to setTime, and the round trip. */
async function settimeLatency(port: number, trials: number) {
  const dev = new EspruinoVm({ clockStart: Date.now() / 1000 });
  const config = loadConfig(undefined, { host: "127.0.0.1:" + port, console: false, burst: 1, startDelay: 1e6 });
  dev.load(await buildImage({ board: "linux", config }), "linux.js");
  let setAt = 0;
  const setTime = dev.context.setTime;
  dev.onSetTime = () => (setAt = setAt || performance.now());
  const rows: { ms: number; rtt: number }[] = [];
  try {
    for (let i = 0; i <= trials; i++) {
      // a second off, so that the sync is a step (a smaller offset is slewed, not set at once)
      setTime(dev.now() - 1);
      setAt = 0;
      const t0 = performance.now();
      await dev.eval("ntptime.settime()");
      if (!setAt || dev.eval("ntptime.last.applied") != "step") throw new Error("settime() did not step the clock");
      if (i > 0) rows.push({ ms: setAt - t0, rtt: dev.eval("ntptime.last.delay") * 1000 });
    }
  } finally {
    dev.dispose();
  }
  return rows;
}

async function main() {
  const began = Date.now();
  const cpu = cpus()[0];
  console.log(`ntptime bench, ${new Date().toISOString().slice(0, 19)}Z, ${cpus().length} x ${cpu ? cpu.model.trim() : "cpu"}, Node ${process.version}, seed ${SEED}`);
  const server = await startChronyd();
  try {
    const rows: string[][] = [];
    for (const c of CONDITIONS) {
      const spec: RelaySpec = { up: c.up, down: c.down, loss: 0, seed: SEED };
      const methods: [string, (port: number) => Promise<number[]>][] = [
        ["ntptime, one burst of 8", (p) => ours(p, 8, 25)],
        ["ntptime, one burst of 4 (default)", (p) => ours(p, 4, 25)],
        ["single-sample SNTP (ntptime, burst 1)", (p) => ours(p, 1, 40)],
        ["seeds: whole seconds of bytes 40-43", (p) => seedsMethod(p, 40)],
        ["chronyd -Q", (p) => chronyOnce(p, 15)],
        ["chronyd -x continuous, 1 s poll, after 15 s", (p) => chronyContinuous(p, 35, 15)],
      ];
      // (the one condition the continuous figure is asked for: 150 s a run)
      if (c == CONDITIONS[0]) methods.push([OURS_CONTINUOUS, (p) => oursContinuous(p, 150, 50)]);
      const results: Record<string, ReturnType<typeof stats>> = {};
      for (const [name, measure] of methods) {
        const relay = await startRelay(server.port, spec);
        try {
          results[name] = stats(await measure(relay.port));
        } finally {
          await relay.close();
        }
        const late = relay.log.filter((a) => a.planned >= 0).map((a) => a.actual - a.planned);
        const s = results[name];
        rows.push([c.name, name, String(s.n), s.mean.toFixed(2), s.p95.toFixed(2), late.length ? (late.reduce((x, y) => x + y, 0) / late.length).toFixed(2) : "-"]);
        console.log(`  ${c.name} | ${name}: n ${s.n}, mean ${s.mean.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms`);
      }
      const chrony = results["chronyd -x continuous, 1 s poll, after 15 s"];
      const burst = results["ntptime, one burst of 8"];
      rows.push([c.name, "ratio: burst of 8 / chronyd continuous (p95)", "", "", (burst.p95 / chrony.p95).toFixed(2), ""]);
      const continuous = results[OURS_CONTINUOUS];
      if (continuous) rows.push([c.name, "ratio: ntptime continuous / chronyd continuous (p95)", "", "", (continuous.p95 / chrony.p95).toFixed(2), ""]);
    }
    console.log("\n|offset error| in ms through the relay (true offset 0); relay lag = mean ms the relay held a datagram beyond its draw\n");
    const head = ["condition", "method", "n", "mean", "p95", "relay lag"];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => "| " + r.map((x, i) => x.padEnd(w[i])).join(" | ") + " |";
    console.log(line(head));
    console.log("|" + w.map((n) => "-".repeat(n + 2)).join("|") + "|");
    for (const r of rows) console.log(line(r));

    const lat = await settimeLatency(server.port, 20);
    const worst = lat.reduce((m, r) => (r.ms - r.rtt > m.ms - m.rtt ? r : m));
    const med = lat.map((r) => r.ms).sort((a, b) => a - b)[lat.length >> 1];
    console.log(`\nsettime() to setTime(), one exchange on loopback to chronyd, the device 1 s off: median ${med.toFixed(2)} ms; worst beyond its round trip ${(worst.ms - worst.rtt).toFixed(2)} ms (${worst.ms.toFixed(2)} ms, round trip ${worst.rtt.toFixed(2)} ms)`);

    console.log("\nholdover: the linux image on a virtual clock 50 ppm fast, default config, synced 6 h through 20 ms + Exp(10 ms) each way, then 1 h with the server silent\n");
    console.log("| seed | error when the server went silent, ms | after 1 h, ms | estimated ppm | without the discipline, ms |");
    console.log("|---|---|---|---|---|");
    const runs = [];
    for (let i = 1; i <= 10; i++) {
      const h = await holdover(SEED + i);
      runs.push(h);
      console.log(`| ${h.seed} | ${h.before.toFixed(2)} | ${h.after.toFixed(2)} | ${h.ppm.toFixed(2)} | ${h.free.toFixed(0)} |`);
    }
    const worstAfter = Math.max(...runs.map((h) => Math.abs(h.after)));
    console.log(`holdover after 1 h at 50 ppm: mean |error| ${(runs.reduce((a, h) => a + Math.abs(h.after), 0) / runs.length).toFixed(2)} ms, worst ${worstAfter.toFixed(2)} ms`);

    console.log("\nwarm start: the same 6 h, then a power cut: the image started again on its Storage, one sync, then 1 h with the server silent; with the frequency error the record kept (warm) and without it (cold)\n");
    console.log("| seed | warm: after 1 h, ms | its ppm | cold: after 1 h, ms |");
    console.log("|---|---|---|---|");
    const warms = [];
    for (let i = 1; i <= 10; i++) {
      const w = await holdover(SEED + i, 50, 6, true);
      const c = await holdover(SEED + i, 50, 6, false);
      warms.push(w);
      console.log(`| ${w.seed} | ${w.after.toFixed(2)} | ${w.ppm.toFixed(2)} | ${c.after.toFixed(2)} |`);
    }
    console.log(`warm start, 1 h after a reboot at 50 ppm: worst |error| ${Math.max(...warms.map((h) => Math.abs(h.after))).toFixed(2)} ms`);

    console.log("\nfleet: 10,000 devices powered on together on a virtual clock, one server, 20 ms + Exp(10 ms) each way, 1 h\n");
    console.log("| config | device ids | peak requests/s (second) | all synced after | requests in 1 h |");
    console.log("|---|---|---|---|---|");
    const defaults = loadConfig(undefined, {});
    const fleetConfig = loadConfig("examples/fleet.json");
    const rand = seeded(SEED);
    const batch = (i: number) => 0x0a1b00 + i;
    const random = () => (rand() * 16777216) >>> 0;
    for (const [name, c, ids, idName] of [
      ["the defaults", defaults, batch, "consecutive MACs (a batch)"],
      ["examples/fleet.json", fleetConfig, batch, "consecutive MACs (a batch)"],
      ["examples/fleet.json", fleetConfig, random, "random MACs"],
    ] as const) {
      const f = fleet(10000, c as FleetConfig, ids, 3600, SEED);
      console.log(`| ${name} | ${idName} | ${f.peak} (${f.peakAt} s) | ${f.allSynced == Infinity ? `never (${f.synced} synced)` : f.allSynced.toFixed(1) + " s"} | ${f.requests} |`);
    }
  } finally {
    await server.stop();
  }
  console.log(`\nbench took ${((Date.now() - began) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
