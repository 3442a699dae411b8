// The Espruino 2v29 globals an app built with `--entry` may use (espruino.com/Reference),
// for tsc: only what every board the images run on has. The ES2020 library comes with
// TypeScript; the dialect gate (tools/dialect.mjs) refuses what the interpreter lacks of it.

/** A pin, by its board name: D0..D31 on ESP8266/ESP32/Linux, A0..C15 on STM32 boards. */
interface Pin {
  read(): boolean;
  write(value: boolean | number): void;
  set(): void;
  reset(): void;
  toggle(): boolean;
  mode(mode: PinMode): void;
}
type PinMode = "analog" | "input" | "input_pullup" | "input_pulldown" | "output" | "opendrain" | "af_output" | "af_opendrain" | "auto";

declare const D0: Pin, D1: Pin, D2: Pin, D3: Pin, D4: Pin, D5: Pin, D6: Pin, D7: Pin, D8: Pin, D9: Pin, D10: Pin, D11: Pin, D12: Pin;
declare const D13: Pin, D14: Pin, D15: Pin, D16: Pin, D17: Pin, D18: Pin, D19: Pin, D21: Pin, D22: Pin, D23: Pin, D25: Pin, D26: Pin, D27: Pin;
declare const A0: Pin, A1: Pin, A5: Pin, A6: Pin, A7: Pin, A8: Pin, B3: Pin, B4: Pin, B5: Pin, B6: Pin, B7: Pin, B13: Pin, B14: Pin, B15: Pin;
declare const LED1: Pin, LED2: Pin, BTN1: Pin;

/** Unix seconds, with the fraction. */
declare function getTime(): number;
declare function setTime(t: number): void;
declare function print(...text: unknown[]): void;
declare const console: { log(...text: unknown[]): void };
declare function setTimeout(fn: () => void, ms?: number): number;
declare function setInterval(fn: () => void, ms?: number): number;
declare function clearTimeout(id: number): void;
declare function clearInterval(id: number): void;
declare function digitalWrite(pin: Pin | Pin[], value: boolean | number): void;
declare function digitalRead(pin: Pin | Pin[]): number;
declare function digitalPulse(pin: Pin, value: boolean, ms: number | number[]): void;
declare function analogRead(pin: Pin): number;
declare function analogWrite(pin: Pin, value: number, options?: { freq?: number }): void;
declare function pinMode(pin: Pin, mode: PinMode): void;
declare function setWatch(fn: (e: { state: boolean; time: number; lastTime: number }) => void, pin: Pin, options?: { repeat?: boolean; edge?: "rising" | "falling" | "both"; debounce?: number }): number;
declare function clearWatch(id?: number): void;
declare function getSerial(): string;
declare function save(): void;
declare function reset(): void;
declare function require(module: "Storage"): EspruinoStorage;
declare function require(module: string): any;

interface EspruinoStorage {
  read(name: string): string | undefined;
  readJSON(name: string, noExceptions?: boolean): any;
  write(name: string, data: string, offset?: number, size?: number): boolean;
  writeJSON(name: string, data: unknown): boolean;
  erase(name: string): void;
  list(): string[];
}

declare const E: {
  getTemperature(): number;
  hwRand(): number;
  on(event: "init" | "kill", fn: () => void): void;
  setTimeZone(hours: number): void;
  toString(bytes: Uint8Array | number[]): string;
  toUint8Array(s: string): Uint8Array;
};

declare const process: {
  memory(): { free: number; usage: number; total: number; history: number };
  env: { VERSION: string; BOARD: string };
};

/** The global object: what an app puts here is a name at the REPL. */
declare const global: Record<string, any>;
