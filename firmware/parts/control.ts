// The part for the app's start, its boots, the schedule's timer, the leap second's step, the
// REPL's methods and the alarms' timer: made for each call, garbage when it ends.
import { Control } from "../state";
import { start } from "../start";
import { boot, due } from "../schedule";
import { leapNow } from "../leap";
import { replCall } from "../repl";
import { ring } from "../alarms";

declare let CONTROL: Control;

CONTROL = {
  start: start,
  boot: boot,
  due: due,
  leapNow: leapNow,
  replCall: replCall,
};
if (CONFIG.alarms) CONTROL.ring = ring;
