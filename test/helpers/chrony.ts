// Real chronyd on loopback, safely: -x (never touches the clock), started without the
// clock capability, bound to 127.0.0.1 on a free high port, stopped by its PID. An offset
// runs it under faketime, so the true offset a client must measure is known.
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "../../lib/request";
import { runFor } from "./run-until";

export interface Chronyd {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

function which(cmd: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status == 0 ? r.stdout.trim() : null;
}

/** Why the real-peer tests cannot run here, or "" when they can. */
export function peersMissing(): string {
  // on PATH, as every other tool: a tool taken off PATH is missing (chronyd is in /usr/sbin)
  const missing = ["chronyd", "setpriv", "faketime"].filter((c) => !which(c));
  return missing.length ? `${missing.join(", ")} not on PATH: run tools/setup.sh (Debian packages chrony, faketime, util-linux; chronyd is in /usr/sbin)` : "";
}

/** A UDP port on 127.0.0.1 that nothing holds now. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const ok = await new Promise<boolean>((res) => {
      const s = createSocket("udp4");
      s.once("error", () => res(false));
      s.bind(port, "127.0.0.1", () => s.close(() => res(true)));
    });
    if (ok) return port;
  }
  throw new Error("no free UDP port found in 50 tries");
}

/** Sends one SNTP request; resolves true when anything answers within `ms`. `wrap` runs the probe in a namespace. */
async function answers(port: number, ms: number, wrap: string[] = []): Promise<boolean> {
  if (wrap.length) {
    const probe = `const s=require("dgram").createSocket("udp4");const b=Buffer.alloc(48);b[0]=0x23;s.on("message",()=>{console.log("ANSWERED");process.exit(0)});s.send(b,${port},"127.0.0.1");setTimeout(()=>process.exit(1),${ms})`;
    return /ANSWERED/.test(await runFor(wrap[0], [...wrap.slice(1), process.execPath, "-e", probe], ms + 2000));
  }
  return new Promise((res) => {
    const s = createSocket("udp4");
    const t = setTimeout(() => (s.close(), res(false)), ms);
    s.on("message", () => (clearTimeout(t), s.close(), res(true)));
    s.send(request({ sec: 0x12345678, frac: 0 }), port, "127.0.0.1");
  });
}

/** A run directory for chronyd, which drops to the _chrony user: the directory must be its own. */
export function chronyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ntptime-chrony-"));
  const uid = spawnSync("id", ["-u", "_chrony"], { encoding: "utf8" });
  if (uid.status == 0) chownSync(dir, +uid.stdout.trim(), +uid.stdout.trim());
  return dir;
}

/** chronyd started without the clock capability: it cannot set the machine's clock whatever it is told. */
export const SAFE = ["setpriv", "--bounding-set", "-sys_time", "--"];
export const CHRONYD = which("chronyd") || "chronyd";

/**
 * One `chronyd -x -Q` measurement of a server on 127.0.0.1:port (it never sets the clock),
 * run after `wrap` (nsenter into a namespace, say): the server's offset from the machine's
 * clock in seconds, positive when the server is ahead, or chronyd's output when it measured
 * nothing. Not spawnSync: a relay or a device in this process must keep running meanwhile.
 */
export async function chronyQuery(port: number, wrap: string[] = [], auth?: { key: number; keys: string }): Promise<number | string> {
  const dir = chronyDir();
  const keyed = auth ? [`keyfile ${writeKeys(dir, auth.keys)}`] : [];
  const argv = [...wrap, ...SAFE, CHRONYD, "-x", "-Q", "-t", "12", `server 127.0.0.1 port ${port} iburst minpoll -4 maxpoll -4${auth ? " key " + auth.key : ""}`, "cmdport 0", `pidfile ${dir}/q.pid`, ...keyed];
  const out = await runFor(argv[0], argv.slice(1), 20000);
  rmSync(dir, { recursive: true, force: true });
  const m = /System clock wrong by (-?[\d.e+-]+) seconds/.exec(out);
  // "wrong by" +X: the server is X s ahead of the local clock (seen against a server set 0.25 s ahead)
  return m ? +m[1] : out;
}

/** chrony's key file (lines "1 SHA1 HEX:..."), in chronyd's run directory. */
function writeKeys(dir: string, keys: string): string {
  const file = join(dir, "chrony.keys");
  writeFileSync(file, keys + "\n");
  return file;
}

/** chronyd's still running: their pid files, read and killed if this process exits first. */
const running = new Set<string>();
process.once("exit", () =>
  running.forEach((pidFile) => {
    try {
      const pid = +readFileSync(pidFile, "utf8").trim();
      if (pid > 1) process.kill(pid, "SIGKILL");
    } catch {}
  }),
);

/**
 * chronyd serving on a free port of 127.0.0.1; `offset` runs it under faketime, `keys` gives
 * it a key file, `wrap` starts it inside a network namespace (nsenter ...).
 */
export async function startChronyd(opts: { offset?: number; keys?: string; wrap?: string[] } = {}): Promise<Chronyd> {
  const why = peersMissing();
  if (why) throw new Error(why);
  const port = await freePort();
  const dir = chronyDir();
  const conf = join(dir, "chrony.conf");
  writeFileSync(conf, [
    `port ${port}`, "bindaddress 127.0.0.1", "allow 127.0.0.0/8", "local stratum 1", "cmdport 0",
    `pidfile ${dir}/chronyd.pid`, `driftfile ${dir}/drift`, ...(opts.keys ? [`keyfile ${writeKeys(dir, opts.keys)}`] : []), "",
  ].join("\n"));
  const argv = [...SAFE, CHRONYD, "-x", "-d", "-f", conf];
  if (opts.offset) argv.unshift("faketime", "-f", (opts.offset >= 0 ? "+" : "") + opts.offset + "s");
  if (opts.wrap) argv.unshift(...opts.wrap);
  const child: ChildProcess = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));

  const pidFile = join(dir, "chronyd.pid");
  running.add(pidFile);
  const stop = async () => {
    running.delete(pidFile);
    if (existsSync(pidFile)) {
      const pid = +readFileSync(pidFile, "utf8").trim();
      if (pid > 1) {
        try {
          process.kill(pid, "SIGTERM");
        } catch {}
      }
    }
    if (child.exitCode == null) {
      await new Promise<void>((res) => {
        const t = setTimeout(() => (child.kill("SIGKILL"), res()), 3000);
        child.once("exit", () => (clearTimeout(t), res()));
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready about 0.5 s after start: poll, bounded to 5 s.
  for (let i = 0; i < 25; i++) {
    if (child.exitCode != null) break;
    if (await answers(port, 200, opts.wrap)) return { port, dir, stop };
  }
  await stop();
  throw new Error(`chronyd did not answer on 127.0.0.1:${port} within 5 s: ${err.trim()}`);
}
