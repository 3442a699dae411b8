// An alarm clock: a buzzer (or a relay) on BUZZER sounds at the alarm time, on local wall
// time whatever the clock's steps and DST changes. The time is set at the REPL with
// setAlarm("Mon-Fri 06:45") and kept across reboots in Storage; an alarm missed while the
// power was off is printed when it comes back.
//   npm run flash -- --board esp8266 --port /dev/ttyUSB0 --config my.json --entry examples/alarm-clock.ts
import { ntptime, Alarm } from "ntptime";

const BUZZER = D5;
/** seconds the buzzer sounds */
const RING = 30;
const SAVED = "alarm.json";
const store = require("Storage");

const two = (n: number) => (n < 10 ? "0" : "") + n;
/** "2027-03-29 06:45:00" in the clock's zone */
function local(t: number) {
  const l = ntptime.localtime(t);
  return l[0] + "-" + two(l[1]) + "-" + two(l[2]) + " " + two(l[3]) + ":" + two(l[4]) + ":" + two(l[5]);
}

function ring(this: Alarm, at: number) {
  print("alarm: " + this.when + ", ringing at " + local(at));
  digitalWrite(BUZZER, 1);
  setTimeout(() => digitalWrite(BUZZER, 0), RING * 1000);
}

/** At the REPL: setAlarm("07:30"), setAlarm("Mon-Fri 06:45"), setAlarm("2027-12-24 08:00"). */
function setAlarm(when: string) {
  const a = ntptime.at(when, ring, "wake");
  store.writeJSON(SAVED, { when: when });
  print("alarm: set for " + when + ", next " + local(a.next));
  return 0;
}
global.setAlarm = setAlarm;

ntptime.on("missed", (a: Alarm, at: number) => print("alarm: missed " + a.when + " at " + local(at)));
digitalWrite(BUZZER, 0);
const saved = store.readJSON(SAVED, true);
ntptime.at(saved && saved.when ? saved.when : "Mon-Fri 07:00", ring, "wake");
print("alarm: " + ntptime.status().alarms![0].when);
