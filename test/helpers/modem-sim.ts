// Modem simulators for the AT transports: each speaks one dialect (Quectel, SIMCom, ESP-AT)
// at the serial-byte level to the image in the device runtime, and relays the UDP payloads
// to a real server on loopback and back. Faults make the modem hostile on purpose.
import { createSocket, Socket } from "node:dgram";

export type DialectName = "quectel" | "sim800" | "espat";

export interface Faults {
  /**
   * Answers to commands that start with a key, instead of the normal ones: lines to print,
   * or null for no answer at all. Each fires `times` times (default 1), then the modem is normal.
   */
  answer?: Record<string, string[] | null>;
  times?: number;
  /** garbage lines, and the echo of each command, around every answer */
  noise?: boolean;
  /** every output split into reads of this many bytes */
  chunk?: number;
  /** a forged frame (from another port) in the same read as each real reply */
  doubleFrame?: boolean;
  /** this text printed in the middle of the data of the first reply */
  urcInPayload?: string;
  /** at the nth data send (1-based), the modem restarts instead of sending */
  resetAtSend?: number;
}

export interface SimOptions {
  dialect: DialectName;
  /** host names the modem's DNS knows */
  names?: Record<string, string>;
  /** the Wi-Fi network espat joins */
  ssid?: string;
  /** the time the modem's own NTP command reports, Unix seconds */
  ntpTime?: () => number;
  faults?: Faults;
}

/** Build-config overrides for a modem image under test: the simulated network's names and logins. */
export function modemTestConfig(serverPort: number, over: Record<string, unknown> = {}) {
  return {
    host: "time.test:" + serverPort,
    console: false,
    gap: 100,
    startDelay: 0,
    apn: "internet",
    wifi: { ssid: "lab", password: 'p"w,d' },
    ...over,
  };
}

const BANNER: Record<DialectName, string> = { quectel: "RDY", sim800: "RDY", espat: "ready" };

const two = (n: number) => (n < 10 ? "0" : "") + n;
function modemClock(t: number, fourDigitYear: boolean) {
  const d = new Date(Math.floor(t) * 1000);
  const y = fourDigitYear ? String(d.getUTCFullYear()) : two(d.getUTCFullYear() % 100);
  return `${y}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())},${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}+00`;
}

export class ModemSim {
  /** every command line the device sent */
  readonly commands: string[] = [];
  /** the Espruino Serial object the image drives */
  readonly port: { setup(baud: number, o: unknown): void; on(ev: string, fn: (s: string) => void): void; write(s: string): void };
  baud = 0;
  private listeners: ((s: string) => void)[] = [];
  private inbuf = "";
  /** bytes awaited after a ">" prompt, then what to do with them */
  private awaiting: { n: number; then: (data: string) => void } | null = null;
  private echo = true;
  private pdp = false;
  private sock: Socket | null = null;
  /** single-connection modems: where CIPSTART pointed */
  private remote: { ip: string; port: number } | null = null;
  private sends = 0;
  private replies = 0;
  private fired: Record<string, number> = {};
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(private o: SimOptions) {
    this.port = {
      setup: (baud) => {
        this.baud = baud;
      },
      on: (ev, fn) => {
        if (ev == "data") this.listeners.push(fn);
      },
      write: (s) => this.fromDevice(String(s)),
    };
  }

  /** Bytes to the device, in reads as the faults say, always from the event loop (never re-entrant). */
  emit(s: string) {
    const n = this.o.faults?.chunk || s.length;
    for (let i = 0; i < s.length; i += n) {
      const part = s.substr(i, n);
      this.later(() => this.listeners.forEach((f) => f(part)), 0);
    }
  }

  private later(fn: () => void, ms: number) {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  private lines(...ls: string[]) {
    const noise = this.o.faults?.noise ? "\r\n\x07#%garbage\xff\xfe\r\n" : "";
    this.emit(noise + ls.map((l) => "\r\n" + l + "\r\n").join(""));
  }

  private fromDevice(s: string) {
    if (this.awaiting) {
      this.inbuf += s;
      if (this.inbuf.length < this.awaiting.n) return;
      const a = this.awaiting;
      const data = this.inbuf.substr(0, a.n);
      this.inbuf = this.inbuf.substr(a.n);
      this.awaiting = null;
      a.then(data);
      return;
    }
    this.inbuf += s;
    for (let cr; (cr = this.inbuf.indexOf("\r")) >= 0; ) {
      const cmd = this.inbuf.substr(0, cr).replace(/^\n/, "");
      this.inbuf = this.inbuf.substr(cr + 1);
      this.command(cmd);
    }
  }

  /** Restarts the modem: the banner, and everything it knew is gone. */
  restart() {
    this.echo = true;
    this.pdp = false;
    this.remote = null;
    this.awaiting = null;
    this.inbuf = "";
    this.closeSocket();
    this.emit("\r\n" + BANNER[this.o.dialect] + "\r\n");
  }

  private command(cmd: string) {
    this.commands.push(cmd);
    if (this.echo || this.o.faults?.noise) this.emit(cmd + "\r");
    const f = this.o.faults?.answer;
    const key = f && Object.keys(f).find((k) => cmd.startsWith(k));
    if (key && (this.fired[key] || 0) < (this.o.faults!.times ?? 1)) {
      this.fired[key] = (this.fired[key] || 0) + 1;
      const ls = f![key];
      if (ls) this.lines(...ls);
      return;
    }
    if (cmd == "AT" || cmd == "AT+CMEE=1") return this.lines("OK");
    if (cmd == "ATE0") return (this.echo = false), this.lines("OK");
    const handled = this.o.dialect == "quectel" ? this.quectel(cmd) : this.o.dialect == "sim800" ? this.sim800(cmd) : this.espat(cmd);
    if (!handled) this.lines("ERROR");
  }

  private resolve(name: string): string | undefined {
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return name;
    return this.o.names?.[name];
  }

  private quectel(cmd: string): boolean {
    let m: RegExpExecArray | null;
    if (cmd == "AT+CPIN?") this.lines("+CPIN: READY", "OK");
    else if (cmd.startsWith("AT+QICSGP=1,1,")) this.lines("OK");
    else if (cmd == "AT+QIACT?") this.lines(...(this.pdp ? ['+QIACT: 1,1,1,"10.64.0.2"'] : []), "OK");
    else if (cmd == "AT+QIACT=1") (this.pdp = true), this.lines("OK");
    else if ((m = /^AT\+QIDNSGIP=1,"(.*)"$/.exec(cmd))) {
      const ip = this.resolve(m[1]);
      this.lines("OK");
      if (ip) this.lines('+QIURC: "dnsgip",0,1,600', `+QIURC: "dnsgip","${ip}"`);
      else this.lines('+QIURC: "dnsgip",565');
    } else if (cmd == "AT+QICLOSE=0") this.closeSocket(), this.lines("OK");
    else if ((m = /^AT\+QIOPEN=1,0,"UDP SERVICE","127\.0\.0\.1",0,(\d+),1$/.exec(cmd))) {
      if (!this.pdp) return this.lines("OK", "+QIOPEN: 0,561"), true;
      this.openSocket((data, r) => this.frame((port) => `+QIURC: "recv",0,${data.length},"${r.address}",${port}\r\n`, data, "\r\n", r.port));
      this.lines("OK", "+QIOPEN: 0,0");
    } else if ((m = /^AT\+QISEND=0,(\d+),"([\d.]+)",(\d+)$/.exec(cmd))) {
      if (!this.sock) return this.lines("ERROR"), true;
      this.prompt("> ", +m[1], m[2], +m[3]);
    } else if ((m = /^AT\+QNTP=1,"(.*)",123$/.exec(cmd))) {
      this.lines("OK");
      const t = this.o.ntpTime?.();
      this.later(() => this.lines(t == null ? "+QNTP: 565" : `+QNTP: 0,"${modemClock(t, true)}"`), 20);
    } else return false;
    return true;
  }

  private sim800(cmd: string): boolean {
    let m: RegExpExecArray | null;
    if (cmd == "AT+CPIN?") this.lines("+CPIN: READY", "OK");
    else if (cmd == "AT+CIPSHUT") this.closeSocket(), (this.remote = null), (this.pdp = false), this.lines("SHUT OK");
    else if (["AT+CIPMUX=0", "AT+CIPHEAD=1", "AT+CIPSRIP=1", "AT+CNTPCID=1"].includes(cmd) || cmd.startsWith("AT+CSTT=") || cmd.startsWith("AT+SAPBR=3,1,"))
      this.lines("OK");
    else if (cmd == "AT+CIICR") (this.pdp = true), this.lines("OK");
    else if (cmd == "AT+CIFSR") this.lines(this.pdp ? "10.64.0.3" : "ERROR");
    else if ((m = /^AT\+CDNSGIP="(.*)"$/.exec(cmd))) {
      const ip = this.resolve(m[1]);
      this.lines("OK", ip ? `+CDNSGIP: 1,"${m[1]}","${ip}"` : "+CDNSGIP: 0,8");
    } else if ((m = /^AT\+CIPSTART="UDP","([\d.]+)",(\d+)$/.exec(cmd))) {
      if (!this.pdp) return this.lines("ERROR"), true;
      if (this.remote) return this.lines("OK", "ALREADY CONNECT"), true;
      this.remote = { ip: m[1], port: +m[2] };
      this.openSocket((data, r) => this.frame((port) => `\r\nRECV FROM:${r.address}:${port}\r\n+IPD,${data.length}:`, data, "", r.port));
      this.lines("OK", "CONNECT OK");
    } else if ((m = /^AT\+CIPSEND=(\d+)$/.exec(cmd))) {
      if (!this.remote) return this.lines("ERROR"), true;
      this.prompt("> ", +m[1], this.remote.ip, this.remote.port);
    } else if (cmd == "AT+CIPCLOSE") {
      if (!this.remote) return this.lines("ERROR"), true;
      this.remote = null;
      this.closeSocket();
      this.lines("CLOSE OK");
    } else if (cmd == "AT+SAPBR=2,1") this.lines('+SAPBR: 1,3,"0.0.0.0"', "OK");
    else if (cmd == "AT+SAPBR=1,1") this.lines("OK");
    else if (/^AT\+CNTP=".*",0$/.test(cmd)) this.lines("OK");
    else if (cmd == "AT+CNTP") {
      this.lines("OK");
      this.later(() => this.lines(this.o.ntpTime ? "+CNTP: 1" : "+CNTP: 61"), 20);
    } else if (cmd == "AT+CCLK?") this.lines(`+CCLK: "${modemClock(this.o.ntpTime ? this.o.ntpTime() : 0, false)}"`, "OK");
    else return false;
    return true;
  }

  private espat(cmd: string): boolean {
    let m: RegExpExecArray | null;
    if (cmd == "AT+CWMODE=1" || cmd == "AT+CIPMUX=0" || cmd == "AT+CIPDINFO=1") this.lines("OK");
    else if ((m = /^AT\+CWJAP="(.*)","(.*)"$/.exec(cmd))) {
      if (m[1] == (this.o.ssid ?? "lab")) this.lines("WIFI CONNECTED", "WIFI GOT IP", "OK");
      else this.later(() => this.lines("+CWJAP:3", "FAIL"), 20);
    } else if ((m = /^AT\+CIPDOMAIN="(.*)"$/.exec(cmd))) {
      const ip = this.resolve(m[1]);
      this.lines(...(ip ? [`+CIPDOMAIN:${ip}`, "OK"] : ["DNS Fail", "ERROR"]));
    } else if ((m = /^AT\+CIPSTART="UDP","([\d.]+)",(\d+)$/.exec(cmd))) {
      if (this.remote) return this.lines("ALREADY CONNECTED", "ERROR"), true;
      this.remote = { ip: m[1], port: +m[2] };
      this.openSocket((data, r) => this.frame((port) => `\r\n+IPD,${data.length},"${r.address}",${port}:`, data, "\r\n", r.port));
      this.lines("CONNECT", "OK");
    } else if ((m = /^AT\+CIPSEND=(\d+)$/.exec(cmd))) {
      if (!this.remote) return this.lines("link is not valid", "ERROR"), true;
      this.emit("\r\nOK\r\n");
      this.prompt(">", +m[1], this.remote.ip, this.remote.port, `\r\nRecv ${m[1]} bytes\r\n`);
    } else if (cmd == "AT+CIPCLOSE") {
      if (!this.remote) return this.lines("ERROR"), true;
      this.remote = null;
      this.closeSocket();
      this.lines("CLOSED", "OK");
    } else return false;
    return true;
  }

  /** The data prompt, then `n` bytes from the device are relayed to ip:port. */
  private prompt(p: string, n: number, ip: string, port: number, received = "") {
    this.emit(p);
    this.awaiting = {
      n,
      then: (data) => {
        this.sends++;
        if (this.sends == this.o.faults?.resetAtSend) return this.later(() => this.restart(), 30);
        this.sock!.send(Buffer.from(data, "latin1"), port, ip);
        this.emit(received);
        this.lines("SEND OK");
      },
    };
  }

  private openSocket(onReply: (data: string, r: { address: string; port: number }) => void) {
    this.closeSocket();
    const sock = createSocket("udp4");
    sock.bind(0, "127.0.0.1");
    sock.on("message", (buf, r) => onReply(buf.toString("latin1"), r));
    this.sock = sock;
  }

  private closeSocket() {
    try {
      this.sock?.close();
    } catch {}
    this.sock = null;
  }

  /** A received datagram as the modem frames it (head for a source port, data, tail), with the frame faults. */
  private frame(head: (port: number) => string, data: string, tail: string, port: number) {
    this.replies++;
    const f = this.o.faults || {};
    const body = f.urcInPayload && this.replies == 1 ? data.substr(0, 20) + f.urcInPayload + data.substr(20) : data;
    let out = head(port) + body + tail;
    // the same reply claimed from another port, in the same read: a stray the client must ignore
    if (f.doubleFrame) out = head(port + 1) + data + "\r\n" + out;
    this.emit(out);
  }

  dispose() {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.closeSocket();
  }
}
