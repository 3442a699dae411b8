import { isIpLiteral } from "../lib/host";
import { atSeq, count, fields, quote } from "./at";
import { CELLULAR_START, modemBoard } from "./modem";
import { modemTime } from "./modem-time";

/**
 * A Quectel LTE module (EC2x, EG9x, BG9x) on a Serial port, with its TCP/IP AT commands
 * (Quectel's "TCP/IP Application Note"): PDP context 1 with the configured APN, a
 * "UDP SERVICE" socket in direct push mode, AT+QISEND with length and address, and the
 * datagram pushed as +QIURC: "recv",<id>,<len>,"<ip>",<port> followed by its bytes.
 * AT+QNTP is the module's own NTP client: the fallback when the socket will not open.
 */
const CONNECT_ID = 0;
/** the resolve waiting for its address URC (the newest only: an older one has timed out) */
let dnsWaiting: ((ip: string | null) => void) | null = null;

export const board = modemBoard(
  {
    name: "quectel",
    boot: ["RDY"],
    up: (at, cb) =>
      atSeq(
        at,
        CELLULAR_START.concat([
          { at: "AT+QICSGP=1,1," + quote(CONFIG.apn || "") + ',"","",1' },
          { at: "AT+QIACT?", ms: 5000 },
        ]),
        (err, lines) => {
          if (err) return cb(err);
          if (lines.some((l) => l.indexOf("+QIACT: 1,1") == 0)) return cb("");
          at.cmd({ at: "AT+QIACT=1", ms: 60000 }, (e) => cb(e ? "AT+QIACT=1 (PDP context, APN " + CONFIG.apn + "): " + e : ""));
        },
      ),
    resolve: (at, name, cb) => {
      // OK, then +QIURC: "dnsgip",<err>,<count>,<ttl>, then one +QIURC: "dnsgip","<ip>" per address.
      at.cmd({ at: "AT+QIDNSGIP=1," + quote(name), end: ['+QIURC: "dnsgip",'], ms: 15000 }, (err, lines) => {
        const f = err ? ["1"] : fields(lines[lines.length - 1]);
        if (f[1] != "0" || !(+f[2] > 0)) return cb(null);
        dnsWaiting = cb;
      });
    },
    open: (at, ip, port, cb) =>
      at.cmd({ at: "AT+QICLOSE=" + CONNECT_ID, ms: 10000 }, () =>
        at.cmd(
          {
            at: "AT+QIOPEN=1," + CONNECT_ID + ',"UDP SERVICE","127.0.0.1",0,' + (10000 + ((Math.random() * 50000) | 0)) + ",1",
            end: ["+QIOPEN:"],
            ms: 15000,
          },
          (err, lines) => {
            const f = err ? [] : fields(lines[lines.length - 1]);
            cb(err || (f[1] == "0" ? "" : "+QIOPEN: " + f.join(",")));
          },
        ),
      ),
    send: (at, data, ip, port, wrote, cb) =>
      at.cmd(
        { at: "AT+QISEND=" + CONNECT_ID + "," + data.length + ',"' + ip + '",' + port, data: data, wrote: wrote, end: ["SEND OK"], ms: 5000 },
        cb,
      ),
    close: (at) => at.cmd({ at: "AT+QICLOSE=" + CONNECT_ID, ms: 10000 }, () => {}),
    listen: (at, rx) => {
      at.urc('+QIURC: "dnsgip","', (l) => {
        const ip = fields(l)[1];
        const cb = dnsWaiting;
        dnsWaiting = null;
        const found = isIpLiteral(ip) ? ip : null;
        if (cb) cb(found);
      });
      // +QIURC: "recv",<id>,<len>,"<ip>",<port><CR><LF><data>
      at.frame({
        head: '+QIURC: "recv",',
        stop: "\n",
        size: (h) => {
          const f = fields(h);
          return f.length == 5 && count(f[1]) == CONNECT_ID ? count(f[2]) : -1;
        },
        got: (data, h, t) => {
          const f = fields(h);
          rx(data, f[3], +f[4], t);
        },
      });
    },
    ntp: (at, host, cb) =>
      at.cmd({ at: "AT+QNTP=1," + quote(host) + ",123", end: ["+QNTP:"], ms: 60000 }, (err, lines) => {
        // +QNTP: <err>,"yyyy/MM/dd,hh:mm:ss+zz"
        const l = lines[lines.length - 1] || "";
        const i = l.indexOf('"');
        const t = !err && fields(l)[0] == "0" && i > 0 ? modemTime(l.substr(i + 1)) : null;
        cb(t, err || (t == null ? l : ""));
      }),
  },
  { port: "Serial1", baud: 115200, tx: "B6", rx: "B7" },
);
