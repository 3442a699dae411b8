import { Board } from "./board";
import { dgramNet, lookupBySocket, sentToName } from "./espruino";
import { espruinoDevice } from "./espruino-device";
import { onInit, storage } from "./espruino-boot";

/**
 * The Espruino Linux build: the host's network is already up, and there is no resolver API:
 * dgram resolves a name itself (gethostbyname) when sending. So a name is handed through,
 * and a reply to it is reported as coming from that name: the port and the nonce are
 * checked, the source address cannot be.
 */
dgramNet.lookup = lookupBySocket;
dgramNet.source = sentToName;
espruinoDevice.net = dgramNet;
export const board: Board = {
  name: "linux",
  dev: espruinoDevice,
  up: (cb) => cb(""),
  store: storage,
  onBoot: onInit,
};
