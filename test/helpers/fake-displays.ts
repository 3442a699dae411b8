// A Graphics-like recorder (the calls of Espruino 2v29's Graphics that the clock face makes,
// with the 6x8 font's metrics) and fakes of the display modules the espruino tool would
// fetch at upload: MemoryLCD, SSD1306 and SSD1606, each returning a recorder.

export interface Text {
  s: string;
  x: number;
  y: number;
  scale: number;
}

export interface Frame {
  /** when flip() sent it: the device clock */
  at: number;
  texts: Text[];
}

/** Records drawString calls between clear() and flip(); refuses text off the panel or in an unknown font. */
export class Recorder {
  frames: Frame[] = [];
  calls: string[] = [];
  private texts: Text[] = [];
  private font = { name: "4x6", scale: 1 };
  private rotated = false;
  constructor(private w: number, private h: number, private now: () => number) {}
  getWidth = () => (this.rotated ? this.h : this.w);
  getHeight = () => (this.rotated ? this.w : this.h);
  setRotation = (r: number) => {
    this.rotated = (r & 1) == 1;
    this.calls.push("setRotation " + r);
  };
  setColor = (c: number) => this.calls.push("setColor " + c);
  setBgColor = (c: number) => this.calls.push("setBgColor " + c);
  setFont = (name: string, scale: number) => {
    if (name != "6x8" || !(scale >= 1 && scale == Math.round(scale))) throw new Error(`setFont(${name}, ${scale}): not a 6x8 font at a whole scale`);
    this.font = { name, scale };
  };
  drawString = (s: string, x: number, y: number) => {
    const t = { s, x, y, scale: this.font.scale };
    const w = s.length * 6 * t.scale;
    if (x < 0 || y < 0 || x + w > this.getWidth() || y + 8 * t.scale > this.getHeight())
      throw new Error(`"${s}" at ${x},${y} scale ${t.scale} leaves the ${this.getWidth()}x${this.getHeight()} panel`);
    this.texts.push(t);
  };
  clear = (fill?: number) => {
    this.calls.push("clear" + (fill == null ? "" : " " + fill));
    this.texts = [];
  };
  flip = () => {
    this.frames.push({ at: this.now(), texts: this.texts });
    this.texts = [];
  };
  /** the strings of the last frame */
  last(): string[] {
    const f = this.frames[this.frames.length - 1];
    return f ? f.texts.map((t) => t.s) : [];
  }
}

/** Two texts' boxes overlap (6x8 characters at their scales). */
export function overlap(a: Text, b: Text): boolean {
  const box = (t: Text) => [t.x, t.y, t.x + t.s.length * 6 * t.scale, t.y + 8 * t.scale];
  const [ax0, ay0, ax1, ay1] = box(a);
  const [bx0, by0, bx1, by1] = box(b);
  return ax0 < bx1 && bx0 < ax1 && ay0 < by1 && by0 < ay1;
}

/** A port or pin as the image finds it in the globals, recording setup calls. */
export function fakePort(name: string, calls: string[]) {
  return { name, setup: (o: Record<string, unknown>) => calls.push(`${name}.setup ${JSON.stringify(o, (k, v) => (v && v.pin ? v.pin : v))}`) };
}

/** Globals for the image: the ports and every pin name it may look up. */
export function boardGlobals(calls: string[]) {
  const g: Record<string, unknown> = { SPI1: fakePort("SPI1", calls), SPI2: fakePort("SPI2", calls), I2C1: fakePort("I2C1", calls) };
  for (const bank of "AB") for (let i = 0; i < 16; i++) g[bank + i] = { pin: bank + i };
  return g;
}

type After = (fn: () => void, ms: number) => void;

/** The display modules, each connect() making a Recorder; `after` runs callbacks on the device's timers. */
export function fakeDisplayModules(now: () => number, after: After) {
  const made: { module: string; args: unknown[]; g: Recorder; refreshes: number[] }[] = [];
  const pinName = (p: any) => (p && p.pin) || p;
  return {
    made,
    modules: {
      MemoryLCD: {
        connect: (spi: any, cs: any, vcom: any, w: number, h: number, cb: () => void) => {
          const g = new Recorder(w, h, now);
          made.push({ module: "MemoryLCD", args: [spi.name, pinName(cs), pinName(vcom), w, h], g, refreshes: [] });
          after(cb, 10);
          return g;
        },
      },
      SSD1306: {
        connect: (i2c: any, cb: () => void, o: { height?: number; address?: number }) => {
          const g = new Recorder(128, (o && o.height) || 64, now);
          made.push({ module: "SSD1306", args: [i2c.name, JSON.parse(JSON.stringify(o))], g, refreshes: [] });
          after(cb, 100);
          return g;
        },
      },
      SSD1606: {
        connect: (o: Record<string, any>) => {
          const g = new Recorder(72, 172, now);
          const rec = { module: "SSD1606", args: [Object.fromEntries(Object.entries(o).map(([k, v]) => [k, k == "spi" ? v.name : pinName(v)]))], g, refreshes: [] as number[] };
          made.push(rec);
          let busy = false;
          return {
            g,
            on: () => g.calls.push("power on"),
            hwReset: (cb: () => void) => after(cb, 100),
            init: (cb: () => void) => after(cb, 100),
            // A full refresh takes the GDE021A1 about 2 s; a refresh while one runs is a misuse.
            refreshScreen: (cb: () => void) => {
              if (busy) throw new Error("SSD1606 refresh while the last one is still running");
              busy = true;
              rec.refreshes.push(now());
              after(() => ((busy = false), cb()), 2000);
            },
          };
        },
      },
    },
  };
}
