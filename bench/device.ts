// The bench's accuracy rows where users run the image: the built linux image on the real
// Espruino 2v29 interpreter (test/helpers/device.ts: uploaded with the espruino tool, booted
// from flash, in a network namespace of its own), its clock read over UDP (bench/probe-main.ts:
// each answer bracketed by its asking and its arrival), side by side with a
// continuous chronyd client that runs the whole time, each through its own relay with the
// same seed, inside the namespace, against one chronyd server on this machine's clock (the
// true offset is 0). Neither chronyd can set the clock.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildImage, loadConfig } from "../build.mjs";
import { Device, sleep } from "../test/helpers/device";
import { PROBE_RESPONDER, machineTime } from "./probe-main";
import { CHRONYD, SAFE, chronyDir, startChronyd } from "../test/helpers/chrony";
import { Applied, RelaySpec, lag } from "./relay";

/** One error reading: when (this machine's time, s) and how far off (ms), with the reading's own bound (ms). */
export interface Reading {
  t: number;
  ms: number;
  within: number;
}

/** A relay (bench/relay-main.ts) inside the device's namespace. */
async function relayIn(dev: Device, target: number, spec: RelaySpec) {
  const p = await dev.startScript(["bench/relay-main.ts", String(target), JSON.stringify(spec)]);
  const m = /ready (\d+)/.exec(p.out)!;
  return {
    port: +m[1],
    /** closes it: the mean ms it held a datagram beyond its draw */
    async end(): Promise<number> {
      p.stdin!.write("end\n");
      for (let i = 0; i < 100 && !/^log /m.test(p.out); i++) await sleep(50);
      const log = /^log (.*)$/m.exec(p.out);
      if (!log) throw new Error("the relay gave no log: " + p.out.slice(-500));
      return lag(JSON.parse(log[1]) as Applied[]) ?? 0;
    },
  };
}

/**
 * A continuous chronyd -x client at a 1 s poll, in the namespace, through `port`: its error
 * over time once stopped. With -x chronyd corrects its clock only in its own reckoning:
 * tracking.log gives each update's offset correction and the frequency it then runs at, and
 * their sum over time is the correction it has made, its estimate of the true offset (0 here).
 * Per-update values alone are residuals: they stay near 0 even on an asymmetric path, where
 * chrony's estimate must be asymmetry/2 off.
 */
function chronyContinuous(dev: Device, port: number) {
  const dir = chronyDir();
  const conf = join(dir, "client.conf");
  writeFileSync(conf, [`server 127.0.0.1 port ${port} iburst minpoll 0 maxpoll 0`, "port 0", "cmdport 0", `pidfile ${dir}/c.pid`,
    `driftfile ${dir}/drift`, `logdir ${dir}`, "log tracking", ""].join("\n"));
  const argv = dev.ns([...SAFE, CHRONYD, "-x", "-d", "-f", conf]);
  const child = spawn(argv[0], argv.slice(1), { stdio: "ignore" });
  return {
    async stop(): Promise<Reading[]> {
      const pidFile = join(dir, "c.pid");
      if (existsSync(pidFile)) process.kill(+readFileSync(pidFile, "utf8").trim(), "SIGTERM");
      child.kill("SIGTERM");
      await sleep(300);
      const log = existsSync(join(dir, "tracking.log")) ? readFileSync(join(dir, "tracking.log"), "utf8") : "";
      rmSync(dir, { recursive: true, force: true });
      // tracking.log: date time ip stratum freq-ppm skew offset ...
      const out: Reading[] = [];
      let correction = 0;
      let last = 0;
      let freq = 0;
      for (const line of log.split("\n")) {
        const f = line.trim().split(/\s+/);
        if (!/^\d{4}-\d\d-\d\d$/.test(f[0] || "")) continue;
        const t = Date.parse(f[0] + "T" + f[1] + "Z") / 1000;
        if (last) correction += freq * 1e-6 * (t - last);
        correction += +f[6];
        [last, freq] = [t, +f[4]];
        out.push({ t, ms: correction * 1000, within: 0 });
      }
      return out;
    },
  };
}

/** the device's port for the probes */
const PROBED = 4123;

/** The device clock's error: the tightest of three readings over UDP (bench/probe-main.ts). */
async function clockError(dev: Device, probe: ReturnType<Device["start"]>): Promise<Reading> {
  let best: Reading | null = null;
  for (let i = 0; i < 3; i++) {
    const from = probe.out.length;
    probe.stdin!.write("probe\n");
    let m: RegExpExecArray | null = null;
    for (let w = 0; w < 200 && !(m = /^probe (\S+)(?: (\S+) (\S+))?$/m.exec(probe.out.slice(from))); w++) await sleep(5);
    if (!m || !m[2]) continue;
    const [sent, got, device] = [+m[1], +m[2], +m[3]];
    const r = { t: (sent + got) / 2, ms: (device - (sent + got) / 2) * 1000, within: ((got - sent) / 2) * 1000 };
    if (!best || r.within < best.within) best = r;
  }
  if (!best) throw new Error("the device did not answer its clock's probes: " + probe.out.slice(-300));
  return best;
}

/** The linux image of `over` uploaded and booted from flash, answering the probes. */
async function load(dev: Device, over: Record<string, unknown>) {
  const image = await buildImage({ board: "linux", config: loadConfig(undefined, { console: false, ...over }) });
  await dev.upload({ image });
  dev.type(PROBE_RESPONDER(PROBED));
}

/**
 * `trials` syncs, each a settime() of one burst of `burst` with the device clock put 0.5 s
 * off first (so that the sync steps it): the clock's error right after each. The first is a
 * warm-up (a fresh process's first send is slow) and is not counted.
 */
async function bursts(dev: Device, probe: ReturnType<Device["start"]>, port: number, burst: number, trials: number): Promise<Reading[]> {
  // (the schedule's own first round far off: only the bench asks)
  await load(dev, { host: "127.0.0.1:" + port, burst, gap: 100, timeout: 1000, retries: 2, startDelay: 1e6 });
  const out: Reading[] = [];
  let exits = 0;
  let garbled = 0;
  for (let i = 0; i <= trials; i++) {
    const tag = "S" + i;
    // (one line: the Linux build's console thread and its loop share an event buffer without
    // a lock, and lines typed while the loop is busy have failed its assertion, ASSERT(len <=
    // 64) in src/jsdevices.c; the interpreter exits, and is started again from flash; or a
    // character of the line is lost, and the line is an error: typed again)
    dev.type(`setTime(getTime()+0.5);ntptime.settime().then(function(r){print("${tag} "+r+" "+ntptime.last.applied)})`);
    const m = await dev.waitFor(new RegExp("^(?:" + tag + " (\\d) (\\w+)|Uncaught .*)"), 20000).catch((e: Error) => e);
    if (m instanceof Error || !m[1]) {
      // (no answer, or the line's error: garbled while the interpreter runs, else it exited)
      if (dev.running() ? ++garbled > 3 : ++exits > 3) throw m instanceof Error ? m : new Error("the console garbled the bench's line four times: " + m[0]);
      if (!dev.running()) {
        await dev.powerCycle();
        dev.type(PROBE_RESPONDER(PROBED));
      }
      i--;
      continue;
    }
    if (m[1] != "0" || m[2] != "step") continue;
    const e = await clockError(dev, probe);
    if (i > 0) out.push(e);
  }
  return out;
}

/**
 * Our image on its own schedule (bursts of 8 every 15 s, the RFC 4330 floor), started half a
 * second off, so that it steps first and then slews and holds: its clock's error every second
 * from `settle` s to `seconds` s.
 */
async function continuous(dev: Device, probe: ReturnType<Device["start"]>, port: number, seconds: number, settle: number): Promise<Reading[]> {
  await load(dev, { host: "127.0.0.1:" + port, burst: 8, gap: 100, timeout: 1000, retries: 2, startDelay: 3, poll: 15, maxPoll: 15 });
  dev.type("setTime(getTime()+0.5)");
  const began = machineTime();
  const out: Reading[] = [];
  for (let s = 1; s <= seconds; s++) {
    await sleep(Math.max(0, (began + s - machineTime()) * 1000));
    if (s >= settle) out.push(await clockError(dev, probe));
  }
  return out;
}

export interface DeviceRow {
  name: string;
  readings: Reading[];
  /** mean ms its relay held a datagram beyond its draw */
  lag: number;
  /** runs it took to get a relay lag within LAG_LIMIT (or the last one's, marked) */
  runs: number;
}

/** A row whose relay held datagrams longer than this beyond their draw, on average, is run again (at most RUNS times in all). */
export const LAG_LIMIT = 0.2;
const RUNS = 3;

export const CHRONY_CONTINUOUS = "chronyd -x continuous, 1 s poll, after 15 s";
export const OURS_CONTINUOUS = "ntptime continuous, bursts of 8 every 15 s, after 50 s";

/**
 * One relay condition: our rows one after the other on the real interpreter (`rows`), while
 * a continuous chronyd runs through its relay the whole time; its row is its readings from
 * 15 s after its start on.
 */
export async function deviceCondition(spec: RelaySpec, rows: [string, number, number][], continuousSeconds: number): Promise<DeviceRow[]> {
  const dev = await Device.create("linux", 3600);
  const server = await startChronyd({ wrap: dev.ns([]) });
  try {
    const out: DeviceRow[] = [];
    const probe = await dev.startScript(["bench/probe-main.ts", String(PROBED)]);
    const chronyRelay = await relayIn(dev, server.port, spec);
    const chrony = chronyContinuous(dev, chronyRelay.port);
    const started = machineTime();
    const run = async (name: string, measure: (port: number) => Promise<Reading[]>) => {
      let row: DeviceRow | null = null;
      for (let runs = 1; runs <= RUNS && (!row || row.lag > LAG_LIMIT); runs++) {
        const relay = await relayIn(dev, server.port, spec);
        let readings: Reading[];
        try {
          readings = await measure(relay.port);
        } finally {
          row = { name, readings: readings!, lag: await relay.end(), runs };
        }
      }
      out.push(row!);
    };
    for (const [name, burst, trials] of rows) await run(name, (port) => bursts(dev, probe, port, burst, trials));
    if (continuousSeconds) await run(OURS_CONTINUOUS, (port) => continuous(dev, probe, port, continuousSeconds, 50));
    const readings = (await chrony.stop()).filter((r) => r.t >= started + 15);
    out.push({ name: CHRONY_CONTINUOUS, readings, lag: await chronyRelay.end(), runs: 1 });
    return out;
  } finally {
    await server.stop();
    await dev.stop();
  }
}
