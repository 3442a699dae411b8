// The bench's picture (npm run bench -- --svg FILE): panels one above the other, each a few
// series of (x, y) points drawn as lines on shared axes, written as plain SVG.

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  /** (a series with no name has no line in the legend) */
  series: Series[];
}

const WIDTH = 760;
const HEIGHT = 220;
const LEFT = 60;
const RIGHT = 20;
const TOP = 30;
const BOTTOM = 40;

/** About five round steps across `lo`..`hi`: 1, 2 or 5 times a power of ten. */
function ticks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5 || 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

const text = (x: number, y: number, s: string, extra = "") => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${extra}>${s.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</text>`;

function panel(p: Panel, top: number): string {
  const all = p.series.flatMap((s) => s.points);
  const xs = all.map((q) => q[0]);
  const ys = all.map((q) => q[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  // (symmetric about 0: an error's sign matters as much as its size)
  const m = Math.max(...ys.map(Math.abs), 1e-3);
  const [y0, y1] = [-m, m];
  const w = WIDTH - LEFT - RIGHT;
  const h = HEIGHT - TOP - BOTTOM;
  const X = (x: number) => LEFT + ((x - x0) / (x1 - x0 || 1)) * w;
  const Y = (y: number) => top + TOP + h - ((y - y0) / (y1 - y0)) * h;
  const out = [text(LEFT, top + 18, p.title, 'font-weight="bold"')];
  for (const t of ticks(y0, y1)) {
    out.push(`<line x1="${LEFT}" x2="${LEFT + w}" y1="${Y(t).toFixed(1)}" y2="${Y(t).toFixed(1)}" stroke="${t == 0 ? "#888" : "#ddd"}"/>`);
    out.push(text(LEFT - 6, Y(t) + 4, String(t), 'text-anchor="end"'));
  }
  for (const t of ticks(x0, x1)) out.push(text(X(t), top + TOP + h + 16, String(t), 'text-anchor="middle"'));
  out.push(text(LEFT + w / 2, top + HEIGHT - 6, p.xLabel, 'text-anchor="middle"'));
  out.push(text(14, top + TOP + h / 2, p.yLabel, `text-anchor="middle" transform="rotate(-90 14 ${(top + TOP + h / 2).toFixed(1)})"`));
  out.push(`<rect x="${LEFT}" y="${top + TOP}" width="${w}" height="${h}" fill="none" stroke="#888"/>`);
  p.series.forEach((s, i) => {
    if (s.points.length) out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.2" points="${s.points.map(([x, y]) => X(x).toFixed(1) + "," + Y(y).toFixed(1)).join(" ")}"/>`);
    if (!s.name) return;
    const lx = LEFT + w - 260;
    const ly = top + TOP + 14 + i * 15;
    out.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(text(lx + 24, ly, s.name));
  });
  return out.join("\n");
}

/** The panels as one SVG document. */
export function svg(panels: Panel[]): string {
  const height = panels.length * HEIGHT;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    ...panels.map((p, i) => panel(p, i * HEIGHT)),
    "</svg>",
    "",
  ].join("\n");
}
