import { isIpLiteral } from "../lib/host";
import { atSeq, count, fields, quote } from "./at";
import { modemBoard } from "./modem";

/**
 * An ESP8266 (or ESP32) running Espressif's AT firmware on a UART, driven by an Espruino
 * board as Espressif's own AT examples drive it: join Wi-Fi, UDP to the server, send 48
 * bytes, read the +IPD frame. AT+CIPDINFO=1 makes +IPD name the sender, so the source is checked.
 * The default wiring is the Espruino WiFi's own ESP8266 (Serial2, A2/A3, 115200).
 */
export const board = modemBoard(
  {
    name: "espat",
    boot: ["ready"],
    up: (at, cb) => {
      const w = CONFIG.wifi;
      if (!w || !w.ssid) return cb("no wifi.ssid in the build config");
      atSeq(
        at,
        [
          { at: "AT", ms: 1000 },
          { at: "ATE0" },
          { at: "AT+CWMODE=1" },
          { at: "AT+CWJAP=" + quote(w.ssid) + "," + quote(w.password || ""), ms: 20000 },
          { at: "AT+CIPMUX=0" },
          { at: "AT+CIPDINFO=1" },
        ],
        (err) => cb(err),
      );
    },
    resolve: (at, name, cb) =>
      at.cmd({ at: "AT+CIPDOMAIN=" + quote(name), ms: 10000 }, (err, lines) => {
        const hit = lines.filter((l) => l.indexOf("+CIPDOMAIN:") == 0)[0];
        const ip = hit ? fields(hit)[0] : "";
        const found = !err && isIpLiteral(ip) ? ip : null;
        cb(found);
      }),
    // A UDP link left open by an earlier run makes CIPSTART answer ALREADY CONNECTED: close first.
    open: (at, ip, port, cb) =>
      at.cmd({ at: "AT+CIPCLOSE" }, () =>
        at.cmd({ at: 'AT+CIPSTART="UDP","' + ip + '",' + port, ms: 10000 }, (err) => cb(err)),
      ),
    send: (at, data, ip, port, wrote, cb) =>
      at.cmd({ at: "AT+CIPSEND=" + data.length, data: data, wrote: wrote, end: ["SEND OK"], ms: 5000 }, cb),
    close: (at) => at.cmd({ at: "AT+CIPCLOSE" }, () => {}),
    listen: (at, rx) => {
      // +IPD,<len>,"<ip>",<port>:<data>
      at.frame({
        head: "+IPD,",
        stop: ":",
        size: (h) => count(fields(h)[1]),
        got: (data, h, t) => {
          const f = fields(h);
          rx(data, f[2] || "", +f[3] || 0, t);
        },
      });
    },
  },
  { port: "Serial2", baud: 115200, tx: "A2", rx: "A3" },
);
