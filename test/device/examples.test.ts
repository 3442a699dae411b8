// The apps in examples/, each built with --entry into its board's image and uploaded as a
// user flashes it (saved, power-cycled) to the real Espruino 2v29 interpreter
// (test/helpers/device.ts), syncing from chronyd.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildImage, loadConfig } from "../../build.mjs";
import { Chronyd, peersMissing, startChronyd } from "../helpers/chrony";
import { Device, deviceMissing } from "../helpers/device";
import { standIns } from "../helpers/stand-ins";
import { guarded } from "../helpers/skip";
import { realtime } from "../helpers/realtime";

const FILE = "examples.test.ts";
const deviceTest = guarded(FILE, deviceMissing() || peersMissing());
const BERLIN = "CET-1CEST,M3.5.0,M10.5.0/3";
const wall = (t: number, timeZone: string) =>
  new Intl.DateTimeFormat("sv-SE", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(t * 1000);

deviceTest("examples/alarm-clock.ts on the ESP8266-sized interpreter: rings at the Berlin wall time set in Storage, setAlarm() keeps a new one across a power cycle", async () => {
  const dev = await Device.create("esp8266");
  let server: Chronyd | null = null;
  try {
    server = await startChronyd({ offset: 0, wrap: dev.ns([]) });
    const config = loadConfig(undefined, { host: "localhost:" + server.port, wifi: { ssid: "lab", password: "secret" }, tz: BERLIN, console: false, startDelay: 1, gap: 100 });
    const image = await buildImage({ board: "esp8266", config, entry: "examples/alarm-clock.ts" });
    // the alarm 30 s from now, Berlin time, as setAlarm() would have kept it
    const due = Math.ceil(realtime()) + 30;
    const when = wall(due, "Europe/Berlin").slice(11);
    await dev.upload({ image, storage: { ...standIns("esp8266"), "alarm.json": JSON.stringify({ when }) } });
    await dev.waitFor(new RegExp(`^alarm: ${when}$`), 10000);
    await dev.waitFor(/^ntptime: .*stratum/, 20000);
    const line = (await dev.waitFor(/^alarm: .*ringing at (.*)$/, 45000))[0];
    const late = realtime() - due;
    assert.is(line, `alarm: ${when}, ringing at ${wall(due, "Europe/Berlin")}`);
    assert.ok(late > -0.05 && late < 1, `rang ${late.toFixed(3)} s after its time`);
    // a new alarm from the REPL, kept in Storage and by ntptime, and there again after a power cycle
    assert.is(await dev.eval(`setAlarm("Mon-Fri 06:45")`), 0);
    assert.equal(await dev.eval(`require("Storage").readJSON("alarm.json")`), { when: "Mon-Fri 06:45" });
    assert.equal(JSON.parse((await dev.storageFile("ntptime.at"))!).wake[0], "Mon-Fri 06:45");
    const next = await dev.eval<number>("ntptime.status().alarms[0].next");
    assert.match(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", weekday: "short", hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(next * 1000), /^(Mon|Tue|Wed|Thu|Fri) 06:45:00$/);
    assert.ok(next > realtime() && next < realtime() + 4 * 86400);
    await dev.powerCycle();
    await dev.waitFor(/^alarm: Mon-Fri 06:45$/, 10000);
    // (after the boot's round: during one, a REPL call answers busy, 1, and throws nothing)
    await dev.waitFor(/^ntptime: .*stratum/, 20000);
    assert.match(await dev.eval(`(function(){try{ntptime.at("7am",function(){});return "no error"}catch(e){return e.message}})()`), /^ntptime\.at\(when, fn\[, name\]\)/);
  } finally {
    if (server) await server.stop();
    await dev.stop();
  }
});

deviceTest("examples/logger.ts on the 64-bit interpreter: the sync and a reading logged to Storage with chronyd's local time", async () => {
  const dev = await Device.create("linux");
  let server: Chronyd | null = null;
  try {
    server = await startChronyd({ offset: 3.5, wrap: dev.ns([]) });
    const config = loadConfig(undefined, { host: "127.0.0.1:" + server.port, tz: 8, console: false, startDelay: 1, gap: 100 });
    await dev.upload({ image: await buildImage({ board: "linux", config, entry: "examples/logger.ts" }) });
    await dev.waitFor(/^logger: logging to log\.txt every 60 s once synced$/, 10000);
    await dev.waitFor(/^ntptime: .*stratum/, 20000);
    // (the image ran once while it was sent, SAVE_ON_SEND, and logged then too: the boot's lines are the last two)
    let log = "";
    for (let i = 0; i < 20 && !/ temp [^\n]*\n$/.test(log.slice(log.lastIndexOf(" sync "))); i++) log = (await dev.storageFile("log.txt")) || "";
    const lines = log.trim().split("\n").slice(-2);
    const sync = /^(\S+ \S+)\+08:00 sync 127\.0\.0\.1:\d+ offset (3\.\d{4})$/.exec(lines[0]);
    assert.ok(sync, lines[0]);
    assert.ok(Math.abs(+sync![2] - 3.5) < 0.005, lines[0]);
    const reading = /^(\S+ \S+)\+08:00 temp \S+ mem \d+$/.exec(lines[1]);
    assert.ok(reading, lines[1]);
    // the stamp is chronyd's time in UTC+8, within the console's latency
    const stamped = Date.parse(reading![1].replace(" ", "T") + "+08:00") / 1000;
    assert.ok(Math.abs(stamped - (realtime() + 3.5)) < 3, `${lines[1]} against ${new Date((realtime() + 3.5) * 1000).toISOString()}`);
  } finally {
    if (server) await server.stop();
    await dev.stop();
  }
});

test.run();
