/**
 * Time savings of pretrained strategies against scratch, from training checkpoints: the training
 * seconds a strategy needs to reach the best validation score scratch reaches on the same share and
 * seed (so on the same validation cases), divided by the seconds scratch needs for it. Shared by the
 * forecasting and recommendation savings suites; each says what its score is.
 */

/** One checkpoint: training seconds so far and a validation score where lower is better. */
export interface TimedPoint {
  seconds: number;
  value: number;
}

export interface TimedRun {
  method: string;
  fraction: number;
  seed: number;
  points: TimedPoint[];
}

export interface TimeSaving {
  method: string;
  fraction: number;
  seeds: number;
  /** Median over seeds of the ratio (0: the pretrained start is as good already; Infinity counts as the largest). */
  ratio: number;
  /** Seeds where the strategy reached scratch's best. */
  reached: number;
  /** Mean seconds: the strategy's to reach it (reached seeds only; Infinity when none), scratch's to reach its best. */
  seconds: number;
  scratchSeconds: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Per pretrained strategy and share; runs without points (or without a scratch twin) say nothing. */
export function timeSavings(runs: TimedRun[], scratch = 'scratch'): TimeSaving[] {
  const out: TimeSaving[] = [];
  const trained = runs.filter((r) => r.points.length && r.method !== scratch);
  const keys = [...new Set(trained.map((r) => `${r.method}|${r.fraction}`))];
  for (const key of keys) {
    const rs = trained.filter((r) => `${r.method}|${r.fraction}` === key);
    const pairs = rs.flatMap((r) => {
      const twin = runs.find((x) => x.method === scratch && x.fraction === r.fraction && x.seed === r.seed && x.points.length);
      if (!twin) return [];
      const best = twin.points.reduce((a, b) => (b.value < a.value ? b : a));
      const hit = r.points.find((c) => c.value <= best.value);
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

/** The markdown table of timeSavings, introduced by what "best" means for this suite. */
export function timeSavingsMarkdown(t: TimeSaving[], score: string, share: (f: number) => string): string[] {
  if (!t.length) return [];
  return [
    '',
    `Time savings: training seconds a pretrained strategy needs to reach the best ${score} scratch reaches (same share and seed), as a share of the seconds scratch needs for it (median over seeds; 0: the pretrained start is already as good; ∞: never reached).`,
    '',
    '| training share | method | seeds reaching / seeds | time to scratch\'s best (× scratch\'s) | seconds | scratch seconds |',
    '|---|---|---|---|---|---|',
    ...t.map((x) => `| ${share(x.fraction)} | ${x.method} | ${x.reached} / ${x.seeds} | ${Number.isFinite(x.ratio) ? x.ratio.toFixed(2) : '∞'} | ${Number.isFinite(x.seconds) ? x.seconds.toFixed(1) : '—'} | ${x.scratchSeconds.toFixed(1)} |`),
  ];
}
