// A board as a user has it: the real Espruino 2v29 interpreter at the board's memory size,
// in a fresh directory (its flash, espruino.flash) and a network namespace of its own (its
// Telnet console binds every interface; there only loopback exists). The built image is
// uploaded with the project's `espruino` tool over tcp://127.0.0.1:2323 with SAVE_ON_SEND=1,
// as `npm run flash` does, then the board is power-cycled (SIGKILL, started again in the same
// directory) and boots from flash. What the Linux build lacks (Wifi, WIZnet, the display
// drivers the tool would download) is written to Storage in the same upload: require() finds
// a module there, as it finds a built-in one on the board. The image is never changed.
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runFor } from "./run-until";

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
export const MODULES_DIR = join(ROOT, "..", "shared", "espruino", "modules");

/** The interpreter builds of ../shared/espruino/build.sh, by memory size. */
export type Size = "linux" | "esp8266" | "pico";
const BIN: Record<Size, string> = {
  linux: process.env.ESPRUINO_BIN || "",
  esp8266: process.env.ESPRUINO_ESP8266_BIN || "",
  pico: process.env.ESPRUINO_PICO_BIN || "",
};
/** esp8266 images on an ESP8266's 1600 JsVars; the Pico-class boards on 5100; linux on the 64-bit build. */
export const SIZE_OF: Record<string, Size> = { linux: "linux", esp8266: "esp8266", esp32: "pico", w5500: "pico", quectel: "pico", sim800: "pico", espat: "pico" };

const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status == 0;

/**
 * How an interpreter is started: the ESP8266 and Pico sizes are 32-bit builds, which a kernel
 * without IA32 emulation refuses (exec format error); there they run the same binary under qemu-i386
 * (Debian's qemu-user, which tools/setup.sh installs when it is needed).
 */
const launch = new Map<string, string[] | null>();
function launcher(bin: string): string[] | null {
  if (!launch.has(bin)) {
    // (bash says 126 where exec is refused; a plain spawn would fall back to running it as a shell script)
    const refused = spawnSync("bash", ["-c", '"$0" -h >/dev/null 2>&1', bin], { timeout: 10000 }).status == 126;
    launch.set(bin, !refused ? [bin] : has("qemu-i386") ? ["qemu-i386", bin] : null);
  }
  return launch.get(bin)!;
}

/** Why a device of these sizes cannot run here, or "" when it can. */
export function deviceMissing(sizes: Size[] = ["linux", "esp8266", "pico"]): string {
  const bins = sizes.filter((s) => !BIN[s] || !existsSync(BIN[s]));
  if (bins.length) return `no interpreter for ${bins.join(", ")}: eval "$(bash ../shared/espruino/build.sh)" sets ESPRUINO_BIN, ESPRUINO_ESP8266_BIN and ESPRUINO_PICO_BIN`;
  const refused = sizes.filter((s) => !launcher(BIN[s]));
  if (refused.length) return `this kernel cannot run the 32-bit ${refused.join(", ")} interpreter and qemu-i386 is missing (apt-get install qemu-user)`;
  if (!existsSync(join(ROOT, "node_modules", "espruino", "bin", "espruino-cli.js"))) return "the espruino upload tool is not installed (npm ci)";
  if (!has("nsenter") || !has("setpriv")) return "nsenter or setpriv missing (util-linux)";
  if (spawnSync("unshare", ["-n", "true"]).status != 0) return "cannot create a network namespace (unshare -n needs root)";
  return "";
}

/** Modules the images require that 2v29 has built in on the real boards (Linux lacks Wifi and WIZnet). */
const BUILT_IN = ["Flash", "Storage", "heatshrink", "net", "dgram", "http", "NetworkJS", "TelnetServer", "crypto", "Wifi", "WIZnet"];

export interface Upload {
  /** the built image */
  image: string;
  /** Storage files written ahead of it: module name -> source (stand-ins, display drivers) */
  storage?: Record<string, string>;
  /** false: sent to RAM as the Web IDE does by default (no SAVE_ON_SEND, no power cycle) */
  save?: boolean;
  /** a folder the tool takes modules from (its MODULE_URL), as the Web IDE takes a project's modules folder */
  modules?: string;
}

/**
 * Every process a Device started that is still running: killed by PID if this process exits
 * first (an error, a timeout's SIGTERM, Ctrl-C), so that no interpreter, server or namespace
 * outlives the run.
 */
const live = new Set<ChildProcess>();
const track = (c: ChildProcess) => {
  live.add(c);
  c.once("exit", () => live.delete(c));
  return c;
};
process.once("exit", () => live.forEach((c) => c.kill("SIGKILL")));
for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, () => process.exit(128 + (sig == "SIGINT" ? 2 : 15)));

export class Device {
  readonly dir: string;
  readonly size: Size;
  /** the network namespace's holder process */
  private holder: ChildProcess;
  private child: ChildProcess | null = null;
  /** console output since the last power-on */
  out = "";
  private seen = 0;

  private constructor(size: Size, life: number) {
    this.size = size;
    this.dir = mkdtempSync(join(tmpdir(), `ntptime-device-${size}-`));
    // the namespace lives as long as this holder: at most `life` seconds, whatever happens
    this.holder = track(spawn("unshare", ["-n", "sh", "-c", `ip link set lo up && exec sleep ${life}`], { stdio: "ignore" }));
  }

  /** A board of this memory size, powered on with an empty flash, for at most `life` seconds (a test's 20 minutes; a soak's longer). */
  static async create(size: Size, life = 1200): Promise<Device> {
    const d = new Device(size, life);
    // the namespace exists once lo is up in it
    for (let i = 0; i < 50; i++) {
      const r = spawnSync("nsenter", ["-t", String(d.holder.pid), "-n", "ip", "-o", "link", "show", "lo"], { encoding: "utf8" });
      if (/UP/.test(r.stdout || "")) break;
      await sleep(20);
    }
    await d.powerOn();
    return d;
  }

  /** argv run inside the board's network namespace */
  ns(argv: string[]): string[] {
    return ["nsenter", "-t", String(this.holder.pid), "-n", ...argv];
  }

  /** Processes started in the namespace with start(), killed by stop(). */
  private others: ChildProcess[] = [];

  /** A long-running process inside the namespace (a server); its output is collected in `.out`, its standard input is a pipe. */
  start(argv: string[]): ChildProcess & { out: string } {
    const a = this.ns(argv);
    const c = track(spawn(a[0], a.slice(1), { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] })) as ChildProcess & { out: string };
    c.out = "";
    c.stdout!.on("data", (d) => (c.out += d));
    c.stderr!.on("data", (d) => (c.out += d));
    this.others.push(c);
    return c;
  }

  /**
   * A TypeScript helper process of the project (a relay, a server, a probe) started inside the
   * namespace with start(), once it has printed a line matching `ready` (within 5 s; else it
   * throws with what it printed).
   */
  async startScript(argv: string[], ready = /^ready/m): Promise<ChildProcess & { out: string }> {
    const p = this.start([process.execPath, "--import", "./tools/ts-register.mjs", ...argv]);
    for (let i = 0; i < 100 && !ready.test(p.out); i++) await sleep(50);
    if (!ready.test(p.out)) throw new Error(`${argv[0]} did not start: ${p.out}`);
    return p;
  }

  /** A command inside the namespace, bounded to `ms`: what it printed. */
  run(argv: string[], ms: number): Promise<string> {
    const a = this.ns(argv);
    return runFor(a[0], a.slice(1), ms);
  }

  private async powerOn() {
    this.out = "";
    this.seen = 0;
    // stdin stays an open pipe: the Linux build spins on an EOF console. No clock capability.
    const argv = this.ns(["setpriv", "--bounding-set", "-sys_time", "--", ...launcher(BIN[this.size])!, "--telnet"]);
    const child = track(spawn(argv[0], argv.slice(1), { cwd: this.dir, stdio: ["pipe", "pipe", "pipe"] }));
    this.child = child;
    child.stdout!.on("data", (d) => (this.out += d));
    child.stderr!.on("data", (d) => (this.out += d));
    // the Telnet server listens once the interpreter has started (a flash boot prints no banner)
    await this.waitFor(/^espruino: Added SIGTERM hook/, 5000);
    await sleep(300);
  }

  /** Power off (SIGKILL: the interpreter only interrupts JavaScript on SIGTERM) and on again: boots from flash. */
  async powerCycle(): Promise<void> {
    await this.powerOff();
    await this.powerOn();
  }

  private async powerOff() {
    const c = this.child;
    this.child = null;
    if (c && c.exitCode == null && c.signalCode == null) {
      const gone = new Promise((r) => c.once("close", r));
      c.kill("SIGKILL");
      await Promise.race([gone, sleep(3000)]);
    }
  }

  /**
   * Uploads as a user does: `espruino -t -p tcp://127.0.0.1:2323 --config SAVE_ON_SEND=1`,
   * with the Storage files first in the same run; then a power cycle. Returns the tool's output.
   */
  async upload(u: Upload): Promise<string> {
    const image = join(this.dir, "image.js");
    writeFileSync(image, u.image);
    const names = Object.keys(u.storage || {});
    const storage: string[] = [];
    for (const name of names) {
      const f = join(this.dir, "storage-" + name + ".js");
      writeFileSync(f, u.storage![name]);
      storage.push("--storage", `${name}:${f}`);
    }
    // The tool asks the board which modules are built in; offline it cannot fetch the board's
    // list, so it is given here: the real boards' (Wifi on ESP8266/ESP32, WIZnet on the Pico's
    // _wiznet firmware) and the modules already in Storage, which it need not fetch either.
    const board = join(this.dir, "board.json");
    writeFileSync(board, JSON.stringify({ VERSION: "2v29", BOARD: "LINUX", info: { binary_version: "2v29", builtin_modules: BUILT_IN.concat(names) } }));
    const cli = join(ROOT, "node_modules", "espruino", "bin", "espruino-cli.js");
    const save = u.save !== false;
    const log = await this.run([process.execPath, cli, "--no-ble", "-t", "-p", "tcp://127.0.0.1:2323", "--board", board, "--config", `SAVE_ON_SEND=${save ? 1 : 0}`, ...(u.modules ? ["--config", "MODULE_URL=" + u.modules] : []), ...storage, image], 60000);
    if (!/Upload Complete/.test(log)) throw new Error(`the espruino tool did not upload:\n${log}`);
    if (save) await this.powerCycle();
    return log;
  }

  /** The interpreter is running (it exits by itself only on an internal error; a board would reboot). */
  running(): boolean {
    return !!this.child && this.child.exitCode == null && this.child.signalCode == null;
  }

  /** Types a line at the REPL. */
  type(line: string) {
    this.child!.stdin!.write(line + "\n");
  }

  /**
   * Waits for the next console line matching `re`: lines are read once, in order, so every
   * line before the match (matching or not) is passed over for later calls. Rejects after
   * `ms` with the console so far.
   */
  async waitFor(re: RegExp, ms: number): Promise<RegExpExecArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      for (let eol; (eol = this.out.indexOf("\n", this.seen)) >= 0; ) {
        const line = consoleLine(this.out.slice(this.seen, eol));
        this.seen = eol + 1;
        const m = re.exec(line);
        if (m) return m;
      }
      if (this.child && this.child.exitCode != null) throw new Error(`the interpreter exited (${this.child.exitCode}) before ${re}:\n${this.out}`);
      if (Date.now() > deadline) throw new Error(`no console line matching ${re} in ${ms} ms:\n${this.out.slice(-4000)}`);
      await sleep(50);
    }
  }

  /** Evaluates an expression at the REPL and gives its JSON value. */
  async eval<T = any>(expr: string, ms = 5000): Promise<T> {
    const tag = "R" + Math.floor(Math.random() * 1e9);
    this.type(`print("${tag} "+JSON.stringify(${expr}))`);
    const m = await this.waitFor(new RegExp("^" + tag + " (.*)$"), ms);
    return m[1] == "undefined" ? (undefined as T) : JSON.parse(m[1]);
  }

  /**
   * JsVars in use (process.memory() collects garbage first). 2v29's `usage` already leaves out
   * the console's command history (every line typed at the REPL, kept until memory runs low:
   * src/jswrap_process.c), which `history` counts besides.
   */
  memory(): Promise<{ usage: number; total: number; history: number }> {
    return this.eval("(function(m){return {usage:m.usage,total:m.total,history:m.history};})(process.memory())");
  }

  /**
   * The most JsVars in use while `during` runs, less what the reader itself takes: read every
   * 3 ms (garbage collected first), and at each getTime() called by name, inside a callback,
   * where no timer can read: the reply's handler in every image (boards/espruino.ts) and every
   * step of the module's parts, which take getTime as they are made. The reader is gone after.
   */
  async peakDuring(during: () => Promise<unknown>): Promise<number> {
    const before = (await this.memory()).usage;
    await this.eval("(global.PEAK=0,global.PEAKS=function(){var u=process.memory().usage;if(u>PEAK)PEAK=u},global.PEAKER=setInterval(PEAKS,3),global.GT=getTime,global.getTime=function(){PEAKS();return GT()},1)");
    const reader = (await this.memory()).usage - before;
    await during();
    // (the reader's globals deleted, so that what is in use after is the image's alone)
    return (await this.eval<number>("[PEAK,clearInterval(PEAKER),delete global.getTime,delete global.GT,delete global.PEAKS,delete global.PEAKER,delete global.PEAK][0]")) - reader;
  }

  /** The image's own console text, for assertion messages. */
  tail(n = 3000) {
    return this.out.slice(-n);
  }

  /** Reads a Storage file as the device has it (or undefined). */
  storageFile(name: string): Promise<string | undefined> {
    return this.eval(`require("Storage").read(${JSON.stringify(name)})`);
  }

  async stop(): Promise<void> {
    await this.powerOff();
    for (const c of this.others) if (c.exitCode == null) c.kill("SIGKILL");
    this.holder.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A console line as the image printed it: without the prompt and the clear-to-end-of-screen code it may begin with, or the carriage return. */
export const consoleLine = (raw: string) => raw.replace(/\r$/, "").replace(/^(>|\r|\x1b\[J)+/, "");

/** A display driver from ../shared/espruino/modules, as the espruino tool would fetch it. */
export const realModule = (name: string) => readFileSync(join(MODULES_DIR, name + ".js"), "utf8");
