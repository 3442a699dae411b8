// The fault soak's short form (npm run soak is the long one, tools/soak.ts, with the full
// config too): the default esp8266 config on the ESP8266-sized interpreter, booted from
// flash, against chronyd behind a relay that turns bad, each fault kind injected once from a
// seeded schedule. Every fault is followed by a good sync within one poll of it or
// 30 s after it ends, with the schedule armed; every good sync finds the clock on the
// servers' (but the one that puts it back after a fault that moved it); memory at rest
// comes back.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { peersMissing } from "../helpers/chrony";
import { deviceMissing } from "../helpers/device";
import { CLOCK_BOUND, CONSOLE_BOUND, FAULTS, soak, table } from "../helpers/soak";
import { guarded } from "../helpers/skip";

const deviceTest = guarded("soak.test.ts", deviceMissing(["esp8266"]) || peersMissing());

deviceTest("every fault kind once on the default config: each survived, the clock never set wrong, memory at rest back", async () => {
  const kinds = Object.keys(FAULTS).length;
  const results = [await soak({ config: "default", seed: 7, faults: kinds, rounds: 0, minutes: 25 })];
  const report = results.map((r) => `${r.config}:\n${table([r])}`).join("\n\n");
  console.log(report);
  for (const r of results) {
    assert.is(r.soaked.length, kinds, report);
    const lost = r.soaked.filter((s) => !s.survived);
    assert.equal(lost.map((s) => s.kind), [], `${r.config}: no good sync in time after these faults\n${report}`);
    assert.ok(r.offset <= CLOCK_BOUND, `${r.config}: a good sync found the clock ${(r.offset * 1000).toFixed(2)} ms off\n${report}`);
    assert.is(r.steps, 0, `${r.config}: a sync stepped a clock no fault had moved\n${report}`);
    assert.ok(r.worst <= CONSOLE_BOUND, `${r.config}: the device clock ${(r.worst * 1000).toFixed(1)} ms off at the console\n${report}`);
    assert.ok(Math.abs(r.restEnd - r.restStart) <= 10, `${r.config}: memory at rest ${r.restStart} -> ${r.restEnd}\n${report}`);
  }
});

test.run();
