// Real chronyd on loopback, safely: -x (never touches the clock), started without the
// clock capability, bound to 127.0.0.1 on a free high port, stopped by its PID. An offset
// runs it under faketime, so the true offset a client must measure is known.
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "../../lib/request";

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
  const missing = ["chronyd", "setpriv", "faketime"].filter((c) => !which(c) && !existsSync("/usr/sbin/" + c));
  return missing.length ? `missing ${missing.join(", ")}: run tools/setup.sh (Debian packages chrony, faketime, util-linux)` : "";
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

/** Sends one SNTP request; resolves true when anything answers within `ms`. */
function answers(port: number, ms: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createSocket("udp4");
    const t = setTimeout(() => (s.close(), res(false)), ms);
    s.on("message", () => (clearTimeout(t), s.close(), res(true)));
    s.send(request({ sec: 0x12345678, frac: 0 }), port, "127.0.0.1");
  });
}

export async function startChronyd(opts: { offset?: number } = {}): Promise<Chronyd> {
  const why = peersMissing();
  if (why) throw new Error(why);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "ntptime-chrony-"));
  const conf = join(dir, "chrony.conf");
  writeFileSync(conf, [
    `port ${port}`, "bindaddress 127.0.0.1", "allow 127.0.0.0/8", "local stratum 1", "cmdport 0",
    `pidfile ${dir}/chronyd.pid`, `driftfile ${dir}/drift`, "",
  ].join("\n"));
  // chronyd drops to the _chrony user: its run directory must be its own.
  const uid = spawnSync("id", ["-u", "_chrony"], { encoding: "utf8" });
  if (uid.status == 0) chownSync(dir, +uid.stdout.trim(), +uid.stdout.trim());
  const chronyd = which("chronyd") || "/usr/sbin/chronyd";
  const argv = ["setpriv", "--bounding-set", "-sys_time", "--", chronyd, "-x", "-d", "-f", conf];
  if (opts.offset) argv.unshift("faketime", "-f", (opts.offset >= 0 ? "+" : "") + opts.offset + "s");
  const child: ChildProcess = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));

  const stop = async () => {
    const pidFile = join(dir, "chronyd.pid");
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
    if (await answers(port, 200)) return { port, dir, stop };
  }
  await stop();
  throw new Error(`chronyd did not answer on 127.0.0.1:${port} within 5 s: ${err.trim()}`);
}
