import { isIpLiteral } from "../lib/host";
import { Cmd, atSeq, count, fields, quote } from "./at";
import { CELLULAR_START, modemBoard } from "./modem";
import { modemTime } from "./modem-time";

/**
 * A SIMCom SIM800/SIM900-family module: one connection (CIPMUX=0) opened with
 * AT+CIPSTART="UDP", AT+CIPSEND with length, and replies as +IPD,<len>:<data> (CIPHEAD=1)
 * after a RECV FROM:<ip>:<port> line (CIPSRIP=1), so the source is checked.
 * AT+CNTP (over the SAPBR bearer) is the fallback when UDP will not open.
 */
const DIGIT = "0123456789".split("");
let from = { address: "", port: 0 };

export const board = modemBoard(
  {
    name: "sim800",
    boot: ["RDY", "Call Ready"],
    up: (at, cb) =>
      atSeq(
        at,
        CELLULAR_START.concat([
          { at: "AT+CIPSHUT", end: ["SHUT OK"], ms: 10000 },
          { at: "AT+CIPMUX=0" },
          { at: "AT+CIPHEAD=1" },
          { at: "AT+CIPSRIP=1" },
          { at: "AT+CSTT=" + quote(CONFIG.apn || "") },
          { at: "AT+CIICR", ms: 60000 },
          // answers with the local address alone, no OK
          { at: "AT+CIFSR", end: DIGIT },
        ]),
        (err) => cb(err),
      ),
    resolve: (at, name, cb) =>
      // OK, then +CDNSGIP: 1,"<name>","<ip>"[,"<ip2>"] or +CDNSGIP: 0,<error>
      at.cmd({ at: "AT+CDNSGIP=" + quote(name), end: ["+CDNSGIP:"], ms: 15000 }, (err, lines) => {
        const f = err ? [] : fields(lines[lines.length - 1]);
        const found = f[0] == "1" && isIpLiteral(f[2]) ? f[2] : null;
        cb(found);
      }),
    open: (at, ip, port, cb) =>
      at.cmd({ at: 'AT+CIPSTART="UDP","' + ip + '",' + port, end: ["CONNECT OK", "ALREADY CONNECT"], ms: 10000 }, (err) =>
        cb(err),
      ),
    send: (at, data, ip, port, wrote, cb) =>
      at.cmd({ at: "AT+CIPSEND=" + data.length, data: data, wrote: wrote, end: ["SEND OK"], ms: 5000 }, cb),
    close: (at) => at.cmd({ at: "AT+CIPCLOSE", end: ["CLOSE OK"] }, () => {}),
    listen: (at, rx) => {
      at.urc("RECV FROM:", (l) => {
        const f = l.substr(10).split(":");
        from = { address: f[0], port: +f[1] };
      });
      at.frame({
        head: "+IPD,",
        stop: ":",
        size: (h) => count(h.substr(5)),
        got: (data, h, t) => {
          rx(data, from.address, from.port, t);
          from = { address: "", port: 0 };
        },
      });
    },
    ntp: (at, host, cb) =>
      atSeq(
        at,
        [
          { at: 'AT+SAPBR=3,1,"Contype","GPRS"' },
          { at: 'AT+SAPBR=3,1,"APN",' + quote(CONFIG.apn || "") },
          { at: "AT+SAPBR=2,1", end: ["+SAPBR:"] },
        ],
        (err, lines) => {
          if (err) return cb(null, err);
          // +SAPBR: 1,<status>,"ip": status 1 is connected; otherwise open the bearer first.
          const open = fields(lines[lines.length - 1])[1] == "1";
          atSeq(
            at,
            (open ? [] : [{ at: "AT+SAPBR=1,1", ms: 60000 } as Cmd]).concat([
              { at: "AT+CNTPCID=1" },
              { at: "AT+CNTP=" + quote(host) + ",0" },
              { at: "AT+CNTP", end: ["+CNTP:"], ms: 60000 },
            ]),
            (err, lines) => {
              const code = err ? "" : fields(lines[lines.length - 1])[0];
              if (code != "1") return cb(null, err || "+CNTP: " + code);
              at.cmd({ at: "AT+CCLK?" }, (err, lines) => {
                const hit = lines.filter((l) => l.indexOf("+CCLK:") == 0)[0] || "";
                const t = err ? null : modemTime(hit.substr(hit.indexOf('"') + 1));
                cb(t, err || (t == null ? "no time in " + hit : ""));
              });
            },
          );
        },
      ),
  },
  { port: "Serial1", baud: 115200, tx: "B6", rx: "B7" },
);
