// The Espruino globals the board code uses (2v29: espruino.com/Reference). @types/espruino
// is old and has no dgram, so only what is used is declared here.

declare function getTime(): number;
declare function setTime(t: number): void;
declare function getSerial(): string;
/** the saved image started again from flash, memory cleared, the clock kept */
declare function load(): void;
declare function print(line: string): void;
declare function require(module: string): any;
declare const E: {
  toString(b: Uint8Array): string;
  toUint8Array(s: string): Uint8Array;
  /** an ArrayBuffer over the string itself, not a copy */
  toArrayBuffer(s: string): ArrayBuffer;
  setTimeZone(hours: number): void;
  setDST(...args: number[]): void;
  hwRand(): number;
  on(event: string, fn: () => void): void;
  setConsole(device: string, options?: { force?: boolean }): void;
  /** what went wrong since the last call ("LOW_MEMORY", "MEMORY", ...), then cleared */
  getErrorFlags(): string[];
};
declare function setWatch(fn: (e: { state: boolean; time: number; lastTime: number }) => void, pin: unknown, options: object): number;
declare function clearWatch(id: number): void;
