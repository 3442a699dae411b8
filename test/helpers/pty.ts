// A pseudo-terminal pair made by socat, for the real interpreter's Serial port (its Linux
// build opens Serial1 on a tty path): the device end for the image, the modem end for a
// ModemSim. Stopped by PID.
import { spawn, ChildProcess, spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, openSync, rmSync, writeSync, ReadStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function socatMissing(): string {
  return spawnSync("socat", ["-V"]).status == 0 ? "" : "socat is not installed (apt-get install socat)";
}

export interface PtyPair {
  /** the tty path the image opens */
  device: string;
  stop(): void;
}

/** What sits on the far end of a pty pair: a ModemSim's port, or anything that writes like one. */
export interface FarEnd {
  port: { write(s: string): void; on(ev: "data", fn: (s: string) => void): void };
}

/** A pty pair with `sim` on the modem end, bytes passed through as latin1 (binary-safe). */
export async function ptyModem(sim: FarEnd): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), "ntptime-pty-"));
  const device = join(dir, "device");
  const modem = join(dir, "modem");
  const child: ChildProcess = spawn("socat", [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${modem}`], { stdio: "ignore" });
  for (let i = 0; i < 50 && !(existsSync(device) && existsSync(modem)); i++) await new Promise((r) => setTimeout(r, 20));
  if (!existsSync(modem)) {
    child.kill("SIGKILL");
    throw new Error("socat made no pty pair");
  }
  const fd = openSync(modem, "r+");
  const input: ReadStream = createReadStream("", { fd, autoClose: false });
  input.on("data", (d) => sim.port.write(d.toString("latin1")));
  input.on("error", () => {});
  sim.port.on("data", (s) => {
    try {
      writeSync(fd, Buffer.from(s, "latin1"));
    } catch {}
  });
  return {
    device,
    stop: () => {
      input.destroy();
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A pty pair whose far end only talks: what `send` writes reaches the image's Serial port (a GPS receiver). */
export async function ptyWriter(): Promise<PtyPair & { send(s: string): void }> {
  let toDevice: (s: string) => void = () => {};
  const pair = await ptyModem({ port: { write: () => {}, on: (_ev, fn) => (toDevice = fn) } });
  return { ...pair, send: (s) => toDevice(s) };
}
