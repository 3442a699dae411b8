// The footprint probe: the ntptime facade and the lib it pulls in, as a device image would hold them.
import { createNtptime } from "../lib/ntptime";
declare var global: any;
global.createNtptime = createNtptime;
