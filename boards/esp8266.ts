import { wifiBoard } from "./wifi";

export const board = wifiBoard("esp8266");
