import { timeSavings as sharedTimeSavings, timeSavingsMarkdown, type TimeSaving } from '../harness/time-savings.js';
/** Aggregation and markdown for the data-savings benchmark (kept apart from the run loop; its chart: benchmarks/report). */
export interface SavingsRun {
  method: string;
  /** Share of training series; 0 for methods that do not train (zero-shot, baselines). */
  fraction: number;
  seed: number;
  MASE: number;
  relMASE: number;
  sMAPE: number;
  trainSeconds: number;
  predictSeconds: number;
  epochs: number;
  valRelMASE?: number;
  /** Trained runs: validation loss and test MASE at every checkpoint (epoch 0 = the start), by training seconds. */
  curve?: { epoch: number; seconds: number; valLoss: number; testMASE: number }[];
}

export interface SavingsCell {
  method: string;
  fraction: number;
  seeds: number;
  MASE: number;
  MASEsd: number;
  relMASE: number;
  sMAPE: number;
  trainSeconds: number;
  predictSeconds: number;
}

export interface SavingsSummary {
  cells: SavingsCell[];
  timeSavings: TimeSaving[];
  targets: { name: string; measured: string; met: boolean }[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));

/**
 * `autoEts`: R AutoETS's relative MASE to beat at 100% (0.862, measured on aus_retail); null leaves
 * that target out, for other datasets.
 */
export function summariseSavings(runs: SavingsRun[], o: { autoEts?: number | null } = {}): SavingsSummary {
  const autoEts = o.autoEts === undefined ? 0.862 : o.autoEts;
  const groups = new Map<string, SavingsRun[]>();
  for (const r of runs) groups.set(`${r.method}|${r.fraction}`, [...(groups.get(`${r.method}|${r.fraction}`) ?? []), r]);
  const cells: SavingsCell[] = [...groups.values()].map((rs) => ({
    method: rs[0]!.method,
    fraction: rs[0]!.fraction,
    seeds: rs.length,
    MASE: mean(rs.map((r) => r.MASE)),
    MASEsd: sd(rs.map((r) => r.MASE)),
    relMASE: mean(rs.map((r) => r.relMASE)),
    sMAPE: mean(rs.map((r) => r.sMAPE)),
    trainSeconds: mean(rs.map((r) => r.trainSeconds)),
    predictSeconds: mean(rs.map((r) => r.predictSeconds)),
  }));
  const order = ['zero-shot', 'probe', 'fine-tune', 'scratch', 'ets', 'seasonal-naive', 'naive', 'tsb'];
  cells.sort((a, b) => a.fraction - b.fraction || order.indexOf(a.method) - order.indexOf(b.method));
  const cell = (m: string, f: number) => cells.find((c) => c.method === m && c.fraction === f);
  const targets: SavingsSummary['targets'] = [];
  const scratch100 = cell('scratch', 1);
  const best10 = [cell('probe', 0.1), cell('fine-tune', 0.1)].filter((c): c is SavingsCell => !!c).sort((a, b) => a.MASE - b.MASE)[0];
  if (scratch100 && best10) targets.push({ name: 'pretrained at 10% of series ≤ scratch at 100% (MASE)', measured: `${best10.method} ${best10.MASE.toFixed(3)} vs ${scratch100.MASE.toFixed(3)}`, met: best10.MASE <= scratch100.MASE });
  const best100 = [cell('probe', 1), cell('fine-tune', 1)].filter((c): c is SavingsCell => !!c).sort((a, b) => a.relMASE - b.relMASE)[0];
  if (best100 && autoEts !== null) targets.push({ name: `best transferred at 100% beats R AutoETS relative MASE ${autoEts}`, measured: `${best100.method} ${best100.relMASE.toFixed(3)}`, met: best100.relMASE < autoEts });
  const z = cell('zero-shot', 0);
  const ets = cell('ets', 0);
  if (z) targets.push({ name: 'zero-shot beats seasonal naive (rel. MASE < 1)', measured: `${z.relMASE.toFixed(3)}; forecasting all series took ${z.predictSeconds.toFixed(2)}s${ets ? ` vs ETS fit + forecast ${ets.trainSeconds.toFixed(1)}s` : ''}`, met: z.relMASE < 1 });
  return { cells, timeSavings: timeSavings(runs), targets };
}

/** Time to scratch's best validation loss, per pretrained strategy and share (runs with curves only). */
export function timeSavings(runs: SavingsRun[]): TimeSaving[] {
  return sharedTimeSavings(runs.map((r) => ({ method: r.method, fraction: r.fraction, seed: r.seed, points: (r.curve ?? []).map((c) => ({ seconds: c.seconds, value: c.valLoss })) })));
}

/** `window`: how the test window reads, e.g. "last 14 days" (default "last 12 months", aus_retail's). */
export function savingsMarkdown(s: SavingsSummary, ctx: { series: number; backend: string; window?: string }): string {
  const pct = (f: number) => (f === 0 ? '—' : `${Math.round(f * 100)}%`);
  const lines = [
    `Test window: ${ctx.window ?? 'last 12 months'} of all ${ctx.series} series; backend ${ctx.backend}. MASE mean ± sd over seeds; rel. MASE = geometric mean of per-series MASE ratios to seasonal naive.`,
    '',
    '| training series | method | seeds | MASE | rel. MASE | sMAPE | train s |',
    '|---|---|---|---|---|---|---|',
    ...s.cells.map((c) => `| ${pct(c.fraction)} | ${c.method} | ${c.seeds} | ${c.MASE.toFixed(3)}${c.seeds > 1 ? ` ± ${c.MASEsd.toFixed(3)}` : ''} | ${c.relMASE.toFixed(3)} | ${c.sMAPE.toFixed(2)} | ${c.trainSeconds.toFixed(1)} |`),
    ...timeSavingsMarkdown(s.timeSavings, 'validation loss', pct),
    '',
    '| target | measured | met |',
    '|---|---|---|',
    ...s.targets.map((t) => `| ${t.name} | ${t.measured} | ${t.met ? 'yes' : 'no'} |`),
  ];
  return lines.join('\n');
}
