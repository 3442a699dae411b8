// Runs a program until its output has a whole line matching a pattern, bounded in time, then
// kills it by PID. Output arrives in chunks: a line counts once its line end has arrived.
import { spawn } from "node:child_process";

/** Resolves with the matching line (without its line end) and all output so far. */
export function runUntil(cmd: string, args: string[], re: RegExp, ms: number, opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<{ line: string; out: string }> {
  return new Promise((resolve, reject) => {
    // stdin is a pipe left open: the Espruino Linux build reads an EOF stdin as endless
    // console input, which starves its Serial ports.
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], env: opts.env ?? process.env, cwd: opts.cwd });
    let out = "";
    const t = setTimeout(() => (child.kill("SIGKILL"), reject(new Error(`no line matching ${re} in ${ms} ms:\n${out}`))), ms);
    const look = (d: Buffer) => {
      out += d;
      const line = out.split(/\r?\n/).slice(0, -1).find((l) => re.test(l));
      if (line != null) {
        clearTimeout(t);
        child.kill("SIGKILL");
        resolve({ line, out });
      }
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
  });
}

/** Runs a program to its end, bounded in time (then killed by PID): all it printed. */
export function runFor(cmd: string, args: string[], ms: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const t = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("close", () => (clearTimeout(t), resolve(out)));
  });
}
