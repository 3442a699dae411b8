// Real clients against the gps-server image (esp8266) running as a simulated device in a
// network namespace of its own, on its own loopback: ntpdig (it only speaks to port 123) and
// chronyd -Q must measure the offset the GPS simulation implies within 1 ms, see stratum 1,
// and LI 3 without a fix; then a flood of 200 clients for 10 s. The machine's network is
// never touched: the namespace has nothing but its loopback, and it ends with the device.
import { test } from "uvu";
import { guarded } from "../helpers/skip";
import * as assert from "uvu/assert";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { chronyQuery, peersMissing } from "../helpers/chrony";
import { runFor } from "../helpers/run-until";

/** The GPS time is the machine's plus this: what the clients must measure. */
const OFFSET = 0.25;

/** How to make a network namespace here: as root, or inside a user namespace; "" when neither works. */
function nsMode(): "root" | "user" | "" {
  if (spawnSync("unshare", ["-n", "true"]).status == 0) return "root";
  if (spawnSync("unshare", ["-rn", "true"]).status == 0) return "user";
  return "";
}
const mode = nsMode();
const haveIp = spawnSync("sh", ["-c", "command -v ip || test -x /usr/sbin/ip"]).status == 0;
const haveNtpdig = spawnSync("sh", ["-c", "command -v ntpdig"]).status == 0;
const missing = peersMissing() || (!mode ? "cannot create a network namespace (unshare -n)" : "") ||
  (!haveIp ? "no ip command (Debian iproute2): tools/setup.sh" : "") || (!haveNtpdig ? "no ntpdig (Debian ntpsec-ntpdig): tools/setup.sh" : "");
const peerTest = guarded("gps-peers.test.ts", missing);

interface Device {
  pid: number;
  child: ChildProcess;
  /** the next JSON line the device prints after `cmd` */
  status(): Promise<any>;
  send(cmd: string): void;
  stop(): Promise<void>;
}

/** Starts the device in a new network namespace with its loopback up; resolves once it serves stratum 1. */
async function startDevice(args: string[]): Promise<Device> {
  const script = `ip link set lo up && exec "${process.execPath}" --expose-gc --import ./tools/ts-register.mjs test/helpers/gps-device.ts ${args.join(" ")}`;
  const child = spawn("unshare", [mode == "root" ? "-n" : "-rn", "sh", "-c", script], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const waiting: ((line: string) => void)[] = [];
  child.stdout!.on("data", (d) => {
    out += d;
    let i;
    while ((i = out.indexOf("\n")) >= 0) {
      const line = out.slice(0, i);
      out = out.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
    }
  });
  child.stderr!.on("data", (d) => (err += d));
  const next = (ms: number) =>
    new Promise<string>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`the device said nothing in ${ms} ms; stderr: ${err}`)), ms);
      waiting.push((l) => (clearTimeout(t), res(l)));
    });
  const ready = await next(60000);
  assert.is(ready, "ready", err);
  const send = (cmd: string) => child.stdin!.write(cmd + "\n");
  return {
    pid: child.pid!,
    child,
    send,
    status: async () => {
      send("status");
      return JSON.parse(await next(5000));
    },
    stop: async () => {
      child.stdin!.end();
      await new Promise<void>((res) => {
        const t = setTimeout(() => (child.kill("SIGKILL"), res()), 3000);
        if (child.exitCode != null) return clearTimeout(t), res();
        child.once("exit", () => (clearTimeout(t), res()));
      });
    },
  };
}

/** Runs a command in the device's namespace, bounded to `ms`: its output. */
const nsenter = (dev: Device) => ["nsenter", "-t", String(dev.pid), "-n", ...(mode == "user" ? ["-U", "--preserve-credentials"] : [])];
const inNs = (dev: Device, argv: string[], ms: number) => runFor("nsenter", [...nsenter(dev).slice(1), ...argv], ms);

/**
 * One ntpdig query against port 123 in the namespace: its JSON, and the offset and delay worked
 * out from the four timestamps it prints at -d (RFC 5905 section 8), which its JSON leaves out.
 */
async function ntpdig(dev: Device) {
  const out = await inNs(dev, ["ntpdig", "-d", "-j", "-t", "2", "127.0.0.1"], 10000);
  // the timestamps as POSIX seconds with six decimals (the line before gives them in hex)
  const t = /org t1: (\d+\.\d{6}) rec t2: (\d+\.\d{6})\s+xmt t3: (\d+\.\d{6}) dst t4: (\d+\.\d{6})/.exec(out);
  const json = out.slice(out.lastIndexOf("\n{") + 1);
  try {
    if (!t) throw 0;
    const [t1, t2, t3, t4] = t.slice(1).map(Number);
    return { ...JSON.parse(json), offset: (t2 - t1 + (t3 - t4)) / 2, delay: t4 - t1 - (t3 - t2) };
  } catch {
    throw new Error("ntpdig said: " + out);
  }
}

peerTest("ntpdig and chronyd -Q measure the GPS offset within 1 ms at stratum 1, and LI 3 without a fix", async () => {
  const dev = await startDevice(["--offset", String(OFFSET)]);
  try {
    // The query with the shortest round trip: a query's offset carries the delays in
    // the host's event loop, and a late receive timestamp shows as a longer round trip (the
    // median of three was 1.06 ms off once on a loaded machine). Each a rate interval, 2 s,
    // after the last: the server's limiter answers a client that spent its credit with a
    // Kiss-o'-Death RATE, and chronyd -Q's burst comes next.
    // (up to six while the shortest round trip is over 2 ms: a loaded moment, when no query's
    // offset can be read to 1 ms; a full run here once had three of 3.6 ms and more)
    const queries: Awaited<ReturnType<typeof ntpdig>>[] = [];
    for (let i = 0; i < 6 && (i < 3 || Math.min(...queries.map((q) => q.delay)) > 0.002); i++) {
      if (i) await new Promise((r) => setTimeout(r, 2100));
      // (a query that fails says what the server's state, counts and last lines were then)
      queries.push(
        await ntpdig(dev).catch(async (e) => {
          throw new Error(`${e.message}\nthe server then: ${JSON.stringify(await dev.status())}`);
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 2100));
    const d = queries.sort((a, b) => a.delay - b.delay)[0];
    assert.is(d.stratum, 1, JSON.stringify(d));
    assert.ok(Math.abs(d.offset - OFFSET) < 0.001, `ntpdig offset ${d.offset} s (round trip ${d.delay} s), the GPS says ${OFFSET}`);
    console.log(`  ntpdig: ${((d.offset - OFFSET) * 1000).toFixed(3)} ms from the GPS time, round trip ${(d.delay * 1000).toFixed(3)} ms (the shortest of ${queries.map((q) => (q.delay * 1000).toFixed(3)).join(", ")})`);
    // (up to three, 22 s apart, while one is over 1 ms off: chronyd -Q prints no round trip to
    // tell a late moment by; a full run here read 3.4 ms off once, and a run alone 2.8 once in
    // three. 22 s is a little over the limiter's (burst + 2) intervals, its full credit again.)
    const near = (c: number | string) => typeof c == "number" && Math.abs(c - OFFSET) < 0.001;
    const tries: (number | string)[] = [];
    do {
      if (tries.length) await new Promise((r) => setTimeout(r, 22000));
      tries.push(await chronyQuery(123, nsenter(dev)));
    } while (tries.length < 3 && !near(tries[tries.length - 1]));
    const c = tries[tries.length - 1];
    assert.type(c, "number", String(c));
    assert.ok(near(c), `chronyd offset ${tries.join(", ")} s, the GPS says ${OFFSET}`);
    dev.send("fix 0");
    await new Promise((r) => setTimeout(r, 1500));
    // ntpdig takes no time from a stratum 0 reply; at debug level 5 it dumps the packets: the
    // request (48 bytes, 3 lines of 16), then the reply, whose first byte holds LI.
    const dump = await inNs(dev, ["ntpdig", "-D", "5", "-t", "2", "127.0.0.1"], 10000);
    const bytes = dump.split("\n").filter((l) => /^([0-9a-f]{2} ){16}/.test(l)).map((l) => l.slice(0, 47).split(" ").map((h) => parseInt(h, 16)));
    assert.is(bytes.length, 6, dump);
    assert.is(bytes[3][0] >> 6, 3, "LI 3 in the reply ntpdig received:\n" + dump);
    assert.is(bytes[3][1], 0, "stratum 0");
    assert.match(dump, /stratum 0/);
    const refused = await chronyQuery(123, nsenter(dev));
    assert.type(refused, "string", "chronyd takes no time from an unsynchronized server");
    dev.send("fix 1");
  } finally {
    await dev.stop();
  }
});

peerTest("a flood of 200 clients for 10 s: every request answered or rate-limited, no reply larger than its request, memory flat", async () => {
  const dev = await startDevice([]);
  try {
    const before = await dev.status();
    const out = await inNs(dev, [process.execPath, "--import", "./tools/ts-register.mjs", "test/helpers/flood.ts", "123", "200", "10", "200"], 30000);
    const f = JSON.parse(out.slice(out.indexOf("{")));
    await new Promise((r) => setTimeout(r, 300));
    const after = await dev.status();
    const c = after.status.counts;
    const b = before.status.counts;
    const handled = c.answered + c.kissed + c.dropped + c.refused + c.unverified - (b.answered + b.kissed + b.dropped + b.refused + b.unverified);
    console.log(`  flood: ${f.sent} requests, ${c.answered - b.answered} answered, ${c.kissed - b.kissed} told RATE, ${c.dropped - b.dropped} dropped; heap ${(before.heap / 1e6).toFixed(1)} -> ${(after.heap / 1e6).toFixed(1)} MB; clients tracked ${after.status.clients}`);
    assert.ok(f.sent >= 9000, `${f.sent} sent`);
    assert.is(handled, f.sent, "every request counted: answered, told RATE or dropped");
    assert.is(c.refused - b.refused, 0);
    assert.is(f.replies, c.answered - b.answered + c.kissed - b.kissed, "every answer and kiss arrived");
    assert.ok(f.kisses > 0 && f.kisses == c.kissed - b.kissed);
    assert.ok(f.oversize <= 0, `a reply ${f.oversize} bytes larger than its request`);
    assert.ok(after.status.clients <= 32, `${after.status.clients} clients tracked`);
    assert.ok(after.heap - before.heap < 2e6, `heap grew ${after.heap - before.heap} bytes`);
    assert.is(after.status.state, "PPS", "still serving");
  } finally {
    await dev.stop();
  }
});

test.run();
