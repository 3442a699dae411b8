// The AT engine the modem transports share (quectel, sim800, espat): one command at a time
// from a queue, a timeout per command, final-line matching, the ">" data prompt, binary
// frames of exact length, and unsolicited result codes (URCs) interleaved with replies.
// Serial data is a binary string on Espruino; it stays one until a transport turns a
// frame's payload into bytes.

/** An Espruino Serial port (Serial1, Serial2, ...) as the engine uses it. */
export interface Port {
  write(s: string): void;
  on(event: "data", fn: (s: string) => void): void;
}

/** Timers and the local clock, injected like the client's Env. */
export interface Timers {
  clock(): number;
  after(fn: () => void, ms: number): unknown;
  /** cancels timer `id`, armed with `fn`, if it is still pending (lib/client.ts Env.disarm) */
  disarm(id: unknown, fn: () => void): void;
}

export interface Cmd {
  /** the command, without the CR */
  at: string;
  /** ms to wait for the final line; default 2000 */
  ms?: number;
  /** line prefixes that end the command successfully; default ["OK"] */
  end?: string[];
  /** written at the ">" prompt; the command then waits for `end` (e.g. "SEND OK") */
  data?: string;
  /** called with the clock as soon as `data` has been written */
  wrote?: (t: number) => void;
}

/** err is "" or the failing line ("ERROR", "+CME ERROR: 50", "timeout", "reset"); lines end with the final line. */
export type Reply = (err: string, lines: string[]) => void;

/**
 * A frame carrying binary data: a line starting with `head` whose header ends at `stop`
 * (":" for "+IPD,48:", "\n" for Quectel's recv URC); size() reads the length from the
 * header (-1: not a frame after all); got() receives the data and the clock when its last
 * byte arrived.
 */
export interface Frame {
  head: string;
  stop: string;
  size(header: string): number;
  got(data: string, header: string, t: number): void;
}

export interface At {
  cmd(c: Cmd, done: Reply): void;
  /** a handler for unsolicited lines starting with `head` */
  urc(head: string, fn: (line: string) => void): void;
  frame(f: Frame): void;
  /** fails the command in progress and all queued ones with `why` (the modem restarted) */
  abort(why: string): void;
  /** lines and frames thrown away as garbage, for the board's log */
  dropped: number;
}

const ERRORS = ["ERROR", "+CME ERROR", "+CMS ERROR", "SEND FAIL", "FAIL", "CONNECT FAIL", "NO CARRIER"];
/** Longest line or header kept while waiting for its end; longer is garbage. */
const MAX_LINE = 256;
/** Largest binary frame accepted: an NTP packet with room for extensions and a MAC. */
const MAX_FRAME = 576;
/** ms to wait for the byte after a frame's data, which must end the frame (CR or LF). */
const SETTLE = 50;
/** ms for a frame's data to arrive after its header (576 bytes take 600 ms at 9600 baud). */
const FRAME_MS = 1000;

const starts = (s: string, head: string) => s.substr(0, head.length) == head;
/** Index of the first CR or LF in s, or -1. */
function eolIn(s: string): number {
  const nl = s.indexOf("\n");
  const cr = s.indexOf("\r");
  return cr >= 0 && (nl < 0 || cr < nl) ? cr : nl;
}
const within = (heads: string[], line: string) => heads.some((h) => starts(line, h));
/**
 * The data prompt: ">" at the start, or ending an unfinished line (noise before it; a modem
 * prints nothing after its prompt until it has the data).
 */
function isPrompt(s: string): boolean {
  if (s.charAt(0) == ">") return true;
  const p = s.lastIndexOf(">");
  return p >= 0 && p >= s.length - 2 && eolIn(s) < 0;
}

export function atEngine(port: Port, t: Timers): At {
  let buf = "";
  const queue: { c: Cmd; done: Reply }[] = [];
  let cur: { c: Cmd; done: Reply } | null = null;
  let lines: string[] = [];
  let prompted = false;
  // timers are 0 until armed: Espruino throws on clearTimeout(undefined), not on clearTimeout(0)
  let timer: unknown = 0;
  // (each timer's callback, which its disarm names)
  let onTimer: () => void;
  const urcs: { head: string; fn: (line: string) => void }[] = [];
  const frames: Frame[] = [];
  /** a frame whose header has been read: its data is awaited, then one byte to end it */
  let reading: { f: Frame; header: string; n: number; data?: string; t4?: number } | null = null;
  let frameTimer: unknown = 0;
  let onFrameTimer: () => void;
  const arm = (ms: number, fn: () => void) => {
    t.disarm(frameTimer, onFrameTimer);
    frameTimer = t.after((onFrameTimer = fn), ms);
  };

  const finish = (err: string) => {
    const c = cur!;
    t.disarm(timer, onTimer);
    cur = null;
    const got = lines;
    lines = [];
    c.done(err, got);
    next();
  };

  const next = () => {
    if (cur || !queue.length) return;
    cur = queue.shift()!;
    prompted = false;
    timer = t.after((onTimer = () => finish("timeout")), cur.c.ms || 2000);
    port.write(cur.c.at + "\r");
  };

  const line = (l: string) => {
    if (cur) {
      if (l == cur.c.at) return; // the modem's echo
      if (within(cur.c.end || ["OK"], l)) return lines.push(l), finish("");
      if (within(ERRORS, l)) return lines.push(l), finish(l);
    }
    for (let i = 0; i < urcs.length; i++) if (starts(l, urcs[i].head)) return urcs[i].fn(l);
    if (cur) lines.push(l);
    else api.dropped++;
  };

  /** Ends the frame being read: kept only if the byte after its data ends it (or nothing followed). */
  const endFrame = (ok: boolean) => {
    const r = reading!;
    reading = null;
    t.disarm(frameTimer, onFrameTimer);
    if (ok) return r.f.got(r.data!, r.header, r.t4!);
    // The rest of a damaged frame is binary of unknown length: drop all that has arrived,
    // so that none of it glues itself to the next line or prompt (those come in later reads).
    api.dropped++;
    buf = "";
  };

  const pump = (now: number) => {
    for (let guard = 0; guard < 100; guard++) {
      if (reading) {
        if (reading.data == null) {
          if (buf.length < reading.n) return;
          reading.data = buf.substr(0, reading.n);
          reading.t4 = now;
          buf = buf.substr(reading.n);
          t.disarm(frameTimer, onFrameTimer);
        }
        if (!buf) return arm(SETTLE, () => endFrame(true));
        // Data of the stated length followed by anything but a line end means the stream
        // and the length disagree (a code printed inside the data, a lost byte): drop it.
        const c = buf.charAt(0);
        endFrame(c == "\r" || c == "\n");
        continue;
      }
      let skip = 0;
      while (skip < buf.length && (buf.charAt(skip) == "\r" || buf.charAt(skip) == "\n")) skip++;
      buf = buf.substr(skip);
      if (!buf) return;
      if (cur && cur.c.data != null && !prompted && isPrompt(buf)) {
        prompted = true;
        buf = buf.charAt(0) == ">" ? buf.substr(buf.charAt(1) == " " ? 2 : 1) : "";
        port.write(cur.c.data);
        if (cur.c.wrote) cur.c.wrote(t.clock());
        continue;
      }
      // -1: not a frame, 0: could be one, wait for more, 1: a frame's header was taken
      let verdict = -1;
      for (let i = 0; i < frames.length && verdict < 0; i++) {
        const f = frames[i];
        if (!starts(buf, f.head)) {
          if (starts(f.head, buf)) verdict = 0;
          continue;
        }
        const end = buf.indexOf(f.stop);
        const eol = buf.indexOf("\n");
        if (end < 0 && eol < 0) {
          if (buf.length <= MAX_LINE) verdict = 0;
          continue;
        }
        if (end < 0 || (eol >= 0 && eol < end)) continue; // a plain line with the same start
        const header = buf.substr(0, end).replace("\r", "");
        const n = f.size(header);
        // a length that is not a whole number up to MAX_FRAME ("4(", "", "3.5": a damaged header) is no frame
        if (!(n >= 0 && n <= MAX_FRAME && n % 1 == 0)) continue;
        buf = buf.substr(end + f.stop.length);
        reading = { f: f, header: header, n: n };
        // Data that never completes (the modem restarted mid-frame) is given up, and what
        // came after the header is read again as lines.
        arm(FRAME_MS, () => {
          reading = null;
          api.dropped++;
          pump(t.clock());
        });
        verdict = 1;
      }
      if (verdict == 0) return;
      if (verdict == 1) continue;
      const eol = eolIn(buf);
      if (eol < 0) {
        if (buf.length > MAX_LINE) {
          buf = "";
          api.dropped++;
        }
        return;
      }
      const l = buf.substr(0, eol);
      buf = buf.substr(eol + 1);
      line(l);
    }
  };

  port.on("data", (s) => {
    // The clock first: a frame's last byte arrived now (T4 for a reply).
    const now = t.clock();
    buf += s;
    pump(now);
  });

  const api: At = {
    dropped: 0,
    cmd: (c, done) => {
      queue.push({ c: c, done: done });
      next();
    },
    urc: (head, fn) => {
      urcs.push({ head: head, fn: fn });
    },
    frame: (f) => {
      frames.push(f);
    },
    abort: (why) => {
      const all = queue.splice(0, queue.length);
      if (cur) finish(why);
      for (let i = 0; i < all.length; i++) all[i].done(why, []);
    },
  };
  return api;
}

/** Runs commands in order; the first failure ends the run with "AT...: err". */
export function atSeq(at: At, cmds: Cmd[], done: (err: string, last: string[]) => void) {
  let i = 0;
  const step = (err: string, lines: string[]) => {
    if (err) return done(cmds[i - 1].at + ": " + err, lines);
    if (i == cmds.length) return done("", lines);
    at.cmd(cmds[i++], step);
  };
  step("", []);
}

/** A string argument in double quotes, with `"` `,` and `\` escaped by a backslash (ESP-AT's rule for SSIDs). */
export function quote(s: string): string {
  let q = "";
  for (let i = 0; i < s.length; i++) q += ('"\\,'.indexOf(s[i]) >= 0 ? "\\" : "") + s[i];
  return '"' + q + '"';
}

/** A field of decimal digits as a number, or -1 ("", " ", "4(", "-1", "3.5" are not counts). */
export function count(f: string | undefined): number {
  return f && /^[0-9]+$/.test(f) ? +f : -1;
}

/**
 * The comma-separated fields of a modem line after its first ":", unquoted: '+QIOPEN: 0,0'
 * gives ["0", "0"]. A header with no ":" ('+IPD,48,"1.2.3.4",123') is split whole.
 */
export function fields(line: string): string[] {
  const i = line.indexOf(":");
  return line
    .substr(i + 1)
    .split(",")
    .map((f) => f.trim().replace('"', "").replace('"', ""));
}
