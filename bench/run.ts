// npm run bench: accuracy through a seeded delay relay, ours on the real interpreter side by
// side with a continuous chronyd in the same minutes (bench/device.ts); the time from
// settime() to the clock being set; holdover of a 50 ppm crystal for an hour; and a fleet of
// 10,000 devices powered on together. The servers are real chronyds on 127.0.0.1 on the
// machine's clock (true offset 0), run without the clock capability; so is every chronyd
// client here. Prints mean and p95 |offset error| in ms per method and condition, the ratios
// of ours to chronyd's, and with --svg draws them over time.
import { createSocket } from "node:dgram";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { buildImage, loadConfig } from "../build.mjs";
import { EspruinoVm } from "../test/helpers/espruino-vm";
import { chronyQuery, startChronyd } from "../test/helpers/chrony";
import { deviceMissing } from "../test/helpers/device";
import { request } from "../lib/request";
import { NTP_UNIX_OFFSET } from "../lib/wire";
import { EXP_LEG, Leg, RelaySpec, lag, seeded, startRelay } from "./relay";
import { holdover } from "./holdover";
import { FleetConfig, fleet } from "./fleet";
import { CHRONY_CONTINUOUS, LAG_LIMIT, OURS_CONTINUOUS, deviceCondition } from "./device";
import { Panel, svg } from "./svg";
import { cli } from "../tools/cli.mjs";

const args = cli(
  "bench",
  `npm run bench [-- --svg FILE]: accuracy beside chronyd through a seeded relay (ours on the real interpreter), settime() latency, holdover and the fleet (docs/benchmark.md)
  --svg  writes the offset error over time of ours and chronyd, a panel per condition, and the holdover hour`,
  { svg: { type: "string" } },
);

const SEED = 20261121;
/** seeds of the holdover hours summed up beside the ten the tables show */
const MANY_SEEDS = 50;
const CONDITIONS: { name: string; up: Leg; down: Leg }[] = [
  { name: "20 ms each way + Exp(10 ms)", up: EXP_LEG, down: EXP_LEG },
  { name: "20 ms each way + U(0, 30 ms)", up: { base: 20, jitter: { kind: "uniform", max: 30 } }, down: { base: 20, jitter: { kind: "uniform", max: 30 } } },
  { name: "10 ms up / 40 ms down", up: { base: 10, jitter: { kind: "none" } }, down: { base: 40, jitter: { kind: "none" } } },
];
const BURST_8 = "ntptime, one burst of 8";
const BURST_4 = "ntptime, one burst of 4 (default)";
/** ours on the real interpreter: name, burst, trials */
const DEVICE_ROWS: [string, number, number][] = [
  [BURST_8, 8, 25],
  [BURST_4, 4, 25],
  ["single-sample SNTP (ntptime, burst 1)", 1, 40],
];
/** how long ours runs on its own schedule in each condition, s (read from 50 s on) */
const CONTINUOUS_SECONDS = 150;

/** |errors| in ms: mean and 95th percentile. */
function stats(errors: number[]) {
  if (!errors.length) throw new Error("a method measured nothing");
  const a = errors.map(Math.abs).sort((x, y) => x - y);
  return { n: a.length, mean: a.reduce((s, x) => s + x, 0) / a.length, p95: a[Math.min(a.length - 1, Math.floor(a.length * 0.95))] };
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
  const missing = deviceMissing(["linux"]);
  if (missing) throw new Error("the bench runs ours on the real interpreter: " + missing);
  const panels: Panel[] = [];
  const server = await startChronyd();
  try {
    const rows: string[][] = [];
    for (const c of CONDITIONS) {
      const spec: RelaySpec = { up: c.up, down: c.down, loss: 0, seed: SEED };
      const p95: Record<string, number> = {};
      // ours on the real interpreter, a continuous chronyd beside it the whole time
      const device = await deviceCondition(spec, DEVICE_ROWS, CONTINUOUS_SECONDS);
      for (const r of device) {
        const s = stats(r.readings.map((x) => x.ms));
        p95[r.name] = s.p95;
        const lag = r.lag.toFixed(2) + (r.lag > LAG_LIMIT ? ` (over ${LAG_LIMIT} after ${r.runs} runs)` : r.runs > 1 ? ` (run ${r.runs})` : "");
        rows.push([c.name, r.name, String(s.n), s.mean.toFixed(2), s.p95.toFixed(2), lag]);
        console.log(`  ${c.name} | ${r.name}: n ${s.n}, mean ${s.mean.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, relay lag ${lag}`);
      }
      // the other clients, on this machine through relays of their own
      for (const [name, measure] of [
        ["seeds: whole seconds of bytes 40-43", (port: number) => seedsMethod(port, 40)],
        ["chronyd -Q", (port: number) => chronyOnce(port, 15)],
      ] as const) {
        const relay = await startRelay(server.port, spec);
        let s: ReturnType<typeof stats>;
        try {
          s = stats(await measure(relay.port));
        } finally {
          await relay.close();
        }
        const late = lag(relay.log);
        rows.push([c.name, name, String(s.n), s.mean.toFixed(2), s.p95.toFixed(2), late == null ? "-" : late.toFixed(2)]);
        console.log(`  ${c.name} | ${name}: n ${s.n}, mean ${s.mean.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms`);
      }
      const chrony = p95[CHRONY_CONTINUOUS];
      for (const [name, of] of [["boot burst of 4", BURST_4], ["burst of 8", BURST_8], ["ntptime continuous", OURS_CONTINUOUS]]) {
        rows.push([c.name, `ratio: ${name} / chronyd continuous (p95)`, "", "", (p95[of] / chrony).toFixed(2), ""]);
      }
      // the picture: both continuous clocks over the same minutes
      const ours = device.find((r) => r.name == OURS_CONTINUOUS)!.readings;
      const t0 = ours[0].t;
      const t1 = ours[ours.length - 1].t;
      const theirs = device.find((r) => r.name == CHRONY_CONTINUOUS)!.readings.filter((r) => r.t >= t0 && r.t <= t1);
      panels.push({
        title: c.name + ": offset error over time, the same minutes",
        xLabel: "s from ntptime's 50th second on its own schedule",
        yLabel: "ms",
        series: [
          { name: "ntptime continuous (real interpreter)", color: "#c0392b", points: ours.map((r) => [r.t - t0, r.ms]) },
          { name: "chronyd continuous, 1 s poll", color: "#2471a3", points: theirs.map((r) => [r.t - t0, r.ms]) },
        ],
      });
    }
    console.log("\n|offset error| in ms through the relay (true offset 0); ntptime's rows on the real interpreter, its clock read over UDP; relay lag = mean ms the relay held a datagram beyond its draw\n");
    const head = ["condition", "method", "n", "mean", "p95", "relay lag"];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => "| " + r.map((x, i) => x.padEnd(w[i])).join(" | ") + " |";
    console.log(line(head));
    console.log("|" + w.map((n) => "-".repeat(n + 2)).join("|") + "|");
    for (const r of rows) console.log(line(r));

    const lat = await settimeLatency(server.port, 20);
    const worst = lat.reduce((m, r) => (r.ms - r.rtt > m.ms - m.rtt ? r : m));
    const med = lat.map((r) => r.ms).sort((a, b) => a - b)[lat.length >> 1];
    console.log(`\nsettime() to setTime() (in the Node imitation of the device, which sees the call), one exchange on loopback to chronyd, the device 1 s off: median ${med.toFixed(2)} ms; worst beyond its round trip ${(worst.ms - worst.rtt).toFixed(2)} ms (${worst.ms.toFixed(2)} ms, round trip ${worst.rtt.toFixed(2)} ms)`);

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
    panels.push({
      title: "holdover: 50 ppm crystal synced 6 h, then the server silent for an hour (10 seeds)",
      xLabel: "minutes without a server",
      yLabel: "ms",
      series: runs.map((h, i) => ({ name: i ? "" : "ntptime, one line a seed", color: "#c0392b", points: h.trace })),
    });
    console.log(`holdover after 1 h at 50 ppm: mean |error| ${(runs.reduce((a, h) => a + Math.abs(h.after), 0) / runs.length).toFixed(2)} ms, worst ${worstAfter.toFixed(2)} ms`);

    // (the server falls silent after the reboot's first sync, or that many minutes later on the schedule)
    const AFTER_BOOT = [0, 15, 60, 120, 240];
    const silentAt = (m: number) => `silent ${m ? m + " min after" : "at"} the first sync`;
    console.log("\nwarm start: the same 6 h, then a power cut: the image started again on its Storage, its first sync, then on its schedule for 0 to 240 minutes more, then 1 h with the server silent; with the frequency error the record kept (warm) and without it (cold)\n");
    console.log(`| seed | ${AFTER_BOOT.map((m) => `warm, ${silentAt(m)}: after 1 h, ms`).join(" | ")} | its ppm then | cold, silent at the first sync: after 1 h, ms |`);
    console.log(`|---|${AFTER_BOOT.map(() => "---|").join("")}---|---|`);
    const warms: number[][] = AFTER_BOOT.map(() => []);
    for (let i = 1; i <= 10; i++) {
      const w = [];
      for (const m of AFTER_BOOT) w.push(await holdover(SEED + i, 50, 6, true, m));
      const c = await holdover(SEED + i, 50, 6, false);
      w.forEach((h, k) => warms[k].push(Math.abs(h.after)));
      console.log(`| ${SEED + i} | ${w.map((h) => h.after.toFixed(2)).join(" | ")} | ${w[0].ppm.toFixed(2)} | ${c.after.toFixed(2)} |`);
    }
    console.log(`warm start, 1 h after a reboot at 50 ppm: worst |error| ${AFTER_BOOT.map((m, k) => `${Math.max(...warms[k]).toFixed(2)} ms ${silentAt(m)}`).join(", ")}`);

    // The worst of ten is one seed's: the same hours over more seeds, the ten above among them.
    const synced = runs.map((h) => Math.abs(h.after));
    for (let i = runs.length + 1; i <= MANY_SEEDS; i++) {
      synced.push(Math.abs((await holdover(SEED + i)).after));
      for (const [k, m] of AFTER_BOOT.entries()) warms[k].push(Math.abs((await holdover(SEED + i, 50, 6, true, m)).after));
    }
    const spread = (e: number[]) => `mean ${(e.reduce((a, x) => a + x, 0) / e.length).toFixed(2)}, worst ${Math.max(...e).toFixed(2)} ms`;
    console.log(`over ${MANY_SEEDS} seeds, |error| after 1 h at 50 ppm: synced 6 h ${spread(synced)}; ${AFTER_BOOT.map((m, k) => `warm, ${silentAt(m)} ${spread(warms[k])}`).join("; ")}`);

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
  if (args.svg) {
    writeFileSync(args.svg, svg(panels));
    console.log("wrote " + args.svg);
  }
  console.log(`\nbench took ${((Date.now() - began) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
