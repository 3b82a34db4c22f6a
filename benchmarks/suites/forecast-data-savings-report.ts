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

/**
 * Time savings of a pretrained strategy at one share: the training time it needs to reach scratch's
 * best validation loss (same share, same seed, so the same validation windows), divided by the time
 * scratch took to reach it. 0 when the pretrained start already is as good; Infinity when never.
 */
export interface TimeSaving {
  method: string;
  fraction: number;
  seeds: number;
  /** Median over seeds of the ratio (Infinity counts as the largest). */
  ratio: number;
  /** Seeds where the strategy reached scratch's best. */
  reached: number;
  /** Mean seconds: the strategy's to reach it (reached seeds only), scratch's to reach its best. */
  seconds: number;
  scratchSeconds: number;
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

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Time to scratch's best validation loss, per pretrained strategy and share (runs with curves only). */
export function timeSavings(runs: SavingsRun[]): TimeSaving[] {
  const out: TimeSaving[] = [];
  const trained = runs.filter((r) => r.curve?.length && r.method !== 'scratch');
  const keys = [...new Set(trained.map((r) => `${r.method}|${r.fraction}`))];
  for (const key of keys) {
    const rs = trained.filter((r) => `${r.method}|${r.fraction}` === key);
    const pairs = rs.flatMap((r) => {
      const scratch = runs.find((x) => x.method === 'scratch' && x.fraction === r.fraction && x.seed === r.seed && x.curve?.length);
      if (!scratch) return [];
      const best = scratch.curve!.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
      const hit = r.curve!.find((c) => c.valLoss <= best.valLoss);
      return [{ reach: hit?.seconds ?? Infinity, scratch: best.seconds }];
    });
    if (!pairs.length) continue;
    const reached = pairs.filter((p) => Number.isFinite(p.reach));
    out.push({
      method: rs[0]!.method,
      fraction: rs[0]!.fraction,
      seeds: pairs.length,
      ratio: median(pairs.map((p) => (p.scratch > 0 ? p.reach / p.scratch : p.reach > 0 ? Infinity : 0))),
      reached: reached.length,
      seconds: reached.length ? mean(reached.map((p) => p.reach)) : Infinity,
      scratchSeconds: mean(pairs.map((p) => p.scratch)),
    });
  }
  return out.sort((a, b) => a.fraction - b.fraction || a.method.localeCompare(b.method));
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
    ...(s.timeSavings.length
      ? [
          '',
          'Time savings: training seconds a pretrained strategy needs to reach the best validation loss scratch reaches (same share and seed), as a share of the seconds scratch needs for it (median over seeds; 0: the pretrained start is already as good; ∞: never reached).',
          '',
          '| training series | method | seeds reaching / seeds | time to scratch\'s best (× scratch\'s) | seconds | scratch seconds |',
          '|---|---|---|---|---|---|',
          ...s.timeSavings.map((t) => `| ${pct(t.fraction)} | ${t.method} | ${t.reached} / ${t.seeds} | ${Number.isFinite(t.ratio) ? t.ratio.toFixed(2) : '∞'} | ${Number.isFinite(t.seconds) ? t.seconds.toFixed(1) : '—'} | ${t.scratchSeconds.toFixed(1)} |`),
        ]
      : []),
    '',
    '| target | measured | met |',
    '|---|---|---|',
    ...s.targets.map((t) => `| ${t.name} | ${t.measured} | ${t.met ? 'yes' : 'no'} |`),
  ];
  return lines.join('\n');
}
