/** A dependency-free SVG line chart: one line per series over shared x values, plus horizontal references. */
export interface LineSeries {
  name: string;
  points: { x: number; y: number; lo?: number; hi?: number }[];
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** Horizontal reference lines (e.g. baselines). */
  references?: { name: string; y: number }[];
  /** Tick labels for x values; default the numbers. */
  xTicks?: { x: number; label: string }[];
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const formatTick = (y: number) => (Math.abs(y) >= 100 ? y.toFixed(0) : Math.abs(y) >= 10 ? y.toFixed(1) : y.toFixed(3));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function lineChartSvg(c: ChartSpec): string {
  const W = c.width ?? 720;
  const H = c.height ?? 420;
  const m = { l: 64, r: 180, t: 40, b: 52 };
  const xs = c.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = [...c.series.flatMap((s) => s.points.flatMap((p) => [p.lo ?? p.y, p.hi ?? p.y])), ...(c.references ?? []).map((r) => r.y)];
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const pad = (Math.max(...ys) - Math.min(...ys)) * 0.08 || 0.1;
  const [y0, y1] = [Math.min(...ys) - pad, Math.max(...ys) + pad];
  const X = (x: number) => m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const Y = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  out.push(`<text x="${m.l}" y="22" font-size="14">${esc(c.title)}</text>`);
  for (let i = 0; i <= 5; i++) {
    const y = y0 + ((y1 - y0) * i) / 5;
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y(y)}" y2="${Y(y)}" stroke="#eee"/><text x="${m.l - 6}" y="${Y(y) + 4}" text-anchor="end">${formatTick(y)}</text>`);
  }
  // Default ticks: the distinct x values, thinned to about eight so labels never overlap.
  const distinct = [...new Set(xs)].sort((a, b) => a - b);
  const every = Math.max(1, Math.ceil(distinct.length / 8));
  const defaultTicks = distinct.filter((_, i) => i % every === 0).map((x) => ({ x, label: String(x) }));
  for (const t of c.xTicks ?? defaultTicks) {
    out.push(`<text x="${X(t.x)}" y="${H - m.b + 18}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  out.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">${esc(c.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(c.yLabel)}</text>`);
  out.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#333"/>`);
  let legendY = m.t + 4;
  (c.references ?? []).forEach((r) => {
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y(r.y)}" y2="${Y(r.y)}" stroke="#777" stroke-dasharray="5 4"/>`);
    // Label each reference on the plot itself: the dashed lines look alike.
    out.push(`<text x="${m.l + 6}" y="${Y(r.y) - 4}" fill="#555">${esc(r.name)}</text>`);
    out.push(`<line x1="${W - m.r + 12}" x2="${W - m.r + 36}" y1="${legendY}" y2="${legendY}" stroke="#777" stroke-dasharray="5 4"/><text x="${W - m.r + 42}" y="${legendY + 4}">${esc(r.name)} ${r.y.toFixed(3)}</text>`);
    legendY += 18;
  });
  c.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    // A series with an interval at every point gets a shaded band; scattered intervals get bars.
    const band = pts.length > 1 && pts.every((p) => p.lo !== undefined && p.hi !== undefined);
    if (band) {
      const outline = [...pts.map((p) => `${X(p.x)},${Y(p.hi!)}`), ...[...pts].reverse().map((p) => `${X(p.x)},${Y(p.lo!)}`)];
      out.push(`<polygon fill="${color}" fill-opacity="0.18" stroke="none" points="${outline.join(' ')}"/>`);
    }
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${X(p.x)},${Y(p.y)}`).join(' ')}"/>`);
    for (const p of pts) {
      if (!band && p.lo !== undefined && p.hi !== undefined) out.push(`<line x1="${X(p.x)}" x2="${X(p.x)}" y1="${Y(p.lo)}" y2="${Y(p.hi)}" stroke="${color}"/>`);
      out.push(`<circle cx="${X(p.x)}" cy="${Y(p.y)}" r="3.5" fill="${color}"/>`);
    }
    out.push(`<line x1="${W - m.r + 12}" x2="${W - m.r + 36}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="2"/><text x="${W - m.r + 42}" y="${legendY + 4}">${esc(s.name)}</text>`);
    legendY += 18;
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Lays several standalone SVG charts out in a grid, as one SVG. */
export function gridSvg(charts: string[], columns: number, cell: { width: number; height: number }): string {
  const rows = Math.ceil(charts.length / columns);
  const body = charts.map((svg, i) => {
    const x = (i % columns) * cell.width;
    const y = Math.floor(i / columns) * cell.height;
    return svg.replace('<svg ', `<svg x="${x}" y="${y}" `);
  });
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${columns * cell.width}" height="${rows * cell.height}">`, ...body, '</svg>'].join('\n');
}
