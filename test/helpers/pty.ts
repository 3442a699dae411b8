// A pseudo-terminal pair made by socat, for the real interpreter's Serial port (its Linux
// build opens Serial1 on a tty path): the device end for the image, the modem end for a
// ModemSim. Stopped by PID.
import { spawn, ChildProcess, spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, openSync, rmSync, writeSync, ReadStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModemSim } from "./modem-sim";

export function socatMissing(): string {
  return spawnSync("socat", ["-V"]).status == 0 ? "" : "socat is not installed (apt-get install socat)";
}

export interface PtyPair {
  /** the tty path the image opens */
  device: string;
  stop(): void;
}

/** A pty pair with `sim` on the modem end, bytes passed through as latin1 (binary-safe). */
export async function ptyModem(sim: ModemSim): Promise<PtyPair> {
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
