import { esc } from './format.js';

export interface Series {
  name: string;
  points: Array<[number, number]>;
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
const W = 560;
const H = 320;
const M = { l: 56, r: 16, t: 28, b: 48 };

function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const fmtTick = (v: number) => (Math.abs(v) >= 1000 ? `${+(v / 1000).toPrecision(3)}k` : String(+v.toPrecision(3)));

/** A line chart with markers, axes, ticks and a legend; `logX` for token counts or k. */
export function lineChart(opts: { title: string; xLabel: string; yLabel: string; series: Series[]; logX?: boolean; yMin?: number; yMax?: number }): string {
  const pts = opts.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (pts.length === 0) return '';
  const tx = (x: number) => (opts.logX ? Math.log10(Math.max(x, 1e-9)) : x);
  let x0 = Math.min(...pts.map((p) => tx(p[0])));
  let x1 = Math.max(...pts.map((p) => tx(p[0])));
  if (x0 === x1) {
    x0 -= 0.5;
    x1 += 0.5;
  }
  const y0 = opts.yMin ?? Math.min(0, ...pts.map((p) => p[1]));
  let y1 = opts.yMax ?? Math.max(...pts.map((p) => p[1]));
  if (y1 === y0) y1 = y0 + 1;
  const px = (x: number) => M.l + ((tx(x) - x0) / (x1 - x0)) * (W - M.l - M.r);
  const py = (y: number) => H - M.b - ((y - y0) / (y1 - y0)) * (H - M.t - M.b);
  const parts: string[] = [];
  parts.push(`<rect x="${M.l}" y="${M.t}" width="${W - M.l - M.r}" height="${H - M.t - M.b}" fill="#f8fafc" stroke="#cbd5e1"/>`);
  for (const t of ticks(y0, y1)) {
    parts.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${py(t)}" y2="${py(t)}" stroke="#e2e8f0"/>`);
    parts.push(`<text x="${M.l - 6}" y="${py(t) + 4}" text-anchor="end" font-size="11">${fmtTick(t)}</text>`);
  }
  const xs = opts.logX ? [...new Set(pts.map((p) => p[0]))].sort((a, b) => a - b) : ticks(x0, x1);
  for (const t of xs) parts.push(`<text x="${px(t)}" y="${H - M.b + 16}" text-anchor="middle" font-size="11">${fmtTick(t)}</text>`);
  opts.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const p = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).sort((a, b) => a[0] - b[0]);
    if (p.length === 0) return;
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2.5" points="${p.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of p) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="4" fill="${color}"><title>${esc(s.name)}: ${fmtTick(x)} → ${y.toFixed(3)}</title></circle>`);
    parts.push(`<rect x="${M.l + 10}" y="${M.t + 8 + i * 16}" width="12" height="4" fill="${color}"/><text x="${M.l + 28}" y="${M.t + 14 + i * 16}" font-size="11">${esc(s.name)}</text>`);
  });
  parts.push(`<text x="${(M.l + W - M.r) / 2}" y="${H - 10}" text-anchor="middle" font-size="12">${esc(opts.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(M.t + H - M.b) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(opts.yLabel)}</text>`);
  parts.push(`<text x="${M.l}" y="18" font-size="13" font-weight="600">${esc(opts.title)}</text>`);
  return svg(parts);
}

/** Accuracy 0..1 → red (0) through amber to green (1). */
export function heatColor(v: number): string {
  if (!Number.isFinite(v)) return '#e5e7eb';
  const t = Math.min(1, Math.max(0, v));
  const h = 120 * t;
  return `hsl(${h.toFixed(0)}, 70%, ${(48 + 10 * (1 - Math.abs(t - 0.5) * 2)).toFixed(0)}%)`;
}

/** A heatmap with one row per `rows` value and one column per `cols` value; cells print their value. */
export function heatmap(opts: { title: string; rowLabel: string; colLabel: string; rows: number[]; cols: number[]; value: (row: number, col: number) => number; fmtCol?: (v: number) => string }): string {
  const cw = Math.max(60, Math.min(110, (W - M.l - M.r) / Math.max(1, opts.cols.length)));
  const ch = 34;
  const w = M.l + cw * opts.cols.length + M.r;
  const h = M.t + ch * opts.rows.length + M.b;
  const parts: string[] = [];
  opts.rows.forEach((r, i) => {
    parts.push(`<text x="${M.l - 6}" y="${M.t + i * ch + ch / 2 + 4}" text-anchor="end" font-size="11">${fmtTick(r)}</text>`);
    opts.cols.forEach((c, j) => {
      const v = opts.value(r, c);
      const x = M.l + j * cw;
      const y = M.t + i * ch;
      parts.push(`<rect x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="${heatColor(v)}"><title>${esc(opts.rowLabel)} ${r}, ${esc(opts.colLabel)} ${c}: ${Number.isFinite(v) ? v.toFixed(3) : 'n/a'}</title></rect>`);
      parts.push(`<text x="${x + cw / 2 - 1}" y="${y + ch / 2 + 4}" text-anchor="middle" font-size="11" fill="#111827">${Number.isFinite(v) ? v.toFixed(2) : '–'}</text>`);
    });
  });
  opts.cols.forEach((c, j) => parts.push(`<text x="${M.l + j * cw + cw / 2}" y="${M.t + opts.rows.length * ch + 16}" text-anchor="middle" font-size="11">${esc((opts.fmtCol ?? fmtTick)(c))}</text>`));
  parts.push(`<text x="${M.l + (cw * opts.cols.length) / 2}" y="${h - 10}" text-anchor="middle" font-size="12">${esc(opts.colLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${M.t + (ch * opts.rows.length) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(opts.rowLabel)}</text>`);
  parts.push(`<text x="${M.l}" y="18" font-size="13" font-weight="600">${esc(opts.title)}</text>`);
  return svg(parts, w, h);
}

/** Vertical bars with labels; an optional reference line per bar group (e.g. the "no boundaries" Pk). */
export function barChart(opts: { title: string; yLabel: string; bars: Array<{ label: string; value: number; color?: string }>; refLines?: Array<{ name: string; value: number }>; yMax?: number }): string {
  if (opts.bars.length === 0) return '';
  const y1 = opts.yMax ?? Math.max(1e-9, ...opts.bars.map((b) => b.value), ...(opts.refLines ?? []).map((r) => r.value));
  const innerW = W - M.l - M.r;
  const bw = innerW / opts.bars.length;
  const py = (y: number) => H - M.b - (y / y1) * (H - M.t - M.b);
  const parts: string[] = [`<rect x="${M.l}" y="${M.t}" width="${innerW}" height="${H - M.t - M.b}" fill="#f8fafc" stroke="#cbd5e1"/>`];
  for (const t of ticks(0, y1)) {
    parts.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${py(t)}" y2="${py(t)}" stroke="#e2e8f0"/>`);
    parts.push(`<text x="${M.l - 6}" y="${py(t) + 4}" text-anchor="end" font-size="11">${fmtTick(t)}</text>`);
  }
  const labelEvery = Math.ceil(opts.bars.length / 20);
  opts.bars.forEach((b, i) => {
    const x = M.l + i * bw;
    const v = Number.isFinite(b.value) ? b.value : 0;
    parts.push(`<rect x="${(x + bw * 0.1).toFixed(1)}" y="${py(v).toFixed(1)}" width="${(bw * 0.8).toFixed(1)}" height="${(H - M.b - py(v)).toFixed(1)}" fill="${b.color ?? PALETTE[0]}"><title>${esc(b.label)}: ${v.toFixed(3)}</title></rect>`);
    if (i % labelEvery === 0) parts.push(`<text x="${(x + bw / 2).toFixed(1)}" y="${H - M.b + 14}" text-anchor="middle" font-size="10">${esc(b.label)}</text>`);
  });
  (opts.refLines ?? []).forEach((r, i) => {
    const color = PALETTE[(i + 1) % PALETTE.length]!;
    parts.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${py(r.value)}" y2="${py(r.value)}" stroke="${color}" stroke-dasharray="6 4" stroke-width="2"/>`);
    parts.push(`<text x="${W - M.r - 4}" y="${py(r.value) - 4}" text-anchor="end" font-size="11" fill="${color}">${esc(r.name)} ${r.value.toFixed(3)}</text>`);
  });
  parts.push(`<text transform="translate(14 ${(M.t + H - M.b) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(opts.yLabel)}</text>`);
  parts.push(`<text x="${M.l}" y="18" font-size="13" font-weight="600">${esc(opts.title)}</text>`);
  return svg(parts);
}

function svg(parts: string[], w = W, h = H): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="system-ui, sans-serif" role="img">${parts.join('')}</svg>`;
}
