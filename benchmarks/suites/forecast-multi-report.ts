import { geometricMean, mean } from '../../core/evaluation/aggregate.js';
import type { QuantileScores } from '../../plugins/forecasting/services/quantile-scoring.js';

/** One scored run of the multi-dataset benchmark. */
export interface MultiRun {
  dataset: string;
  frequency: string;
  origin: number;
  series: number;
  horizon: number;
  method: string;
  /** 0 for methods without a seed (baselines, zero-shot). */
  seed: number;
  relMASE: number;
  MASE: number;
  /** Training (or fitting) plus forecasting seconds for this origin. */
  seconds: number;
  bestEpoch?: number;
  /** The combination the validation windows chose, and what each candidate scored there. */
  chosen?: string;
  valRelMASE?: Record<string, number | undefined>;
  /** With --quantiles: WQL, MSIS and coverage of the test window. */
  quantileScores?: Omit<QuantileScores, 'perSeries'>;
}

export interface MultiSummary {
  datasets: { name: string; frequency: string; series: number; horizon: number; origins: number }[];
  methods: string[];
  /** relMASE[method][dataset]: geometric mean over origins and seeds. */
  relMASE: Record<string, Record<string, number>>;
  /** Mean seconds per origin. */
  seconds: Record<string, Record<string, number>>;
  /** Geometric mean over the datasets the method ran on, and how many. */
  overall: Record<string, { relMASE: number; datasets: number; seconds: number; relWQL?: number }>;
  /** relWQL[method][dataset]: WQL / seasonal naive's WQL, geometric mean over origins and seeds (with --quantiles). */
  relWQL: Record<string, Record<string, number>>;
}

const BASELINE_ORDER = ['naive', 'seasonal-naive', 'ets', 'tsb'];

export function summariseMulti(runs: MultiRun[]): MultiSummary {
  const datasetNames = [...new Set(runs.map((r) => r.dataset))];
  const methods = [...new Set(runs.map((r) => r.method))].sort((a, b) => {
    const ia = BASELINE_ORDER.indexOf(a);
    const ib = BASELINE_ORDER.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const relMASE: MultiSummary['relMASE'] = {};
  const seconds: MultiSummary['seconds'] = {};
  const overall: MultiSummary['overall'] = {};
  for (const m of methods) {
    relMASE[m] = {};
    seconds[m] = {};
    for (const d of datasetNames) {
      const rs = runs.filter((r) => r.method === m && r.dataset === d);
      if (rs.length === 0) continue;
      relMASE[m]![d] = geometricMean(rs.map((r) => r.relMASE));
      seconds[m]![d] = mean(rs.map((r) => r.seconds));
    }
    const values = Object.values(relMASE[m]!);
    overall[m] = { relMASE: geometricMean(values), datasets: values.length, seconds: Object.values(seconds[m]!).reduce((a, b) => a + b, 0) };
  }
  const relWQL: MultiSummary['relWQL'] = {};
  for (const m of methods) {
    relWQL[m] = {};
    for (const d of datasetNames) {
      const ratios = runs
        .filter((r) => r.method === m && r.dataset === d && r.quantileScores)
        .map((r) => {
          const ref = runs.find((x) => x.method === 'seasonal-naive' && x.dataset === d && x.origin === r.origin && x.quantileScores);
          return ref ? r.quantileScores!.WQL / ref.quantileScores!.WQL : NaN;
        })
        .filter(Number.isFinite);
      if (ratios.length) relWQL[m]![d] = geometricMean(ratios);
    }
    const values = Object.values(relWQL[m]!);
    if (values.length) overall[m]!.relWQL = geometricMean(values);
  }
  const datasets = datasetNames.map((name) => {
    const rs = runs.filter((r) => r.dataset === name && r.origin === 0);
    return { name, frequency: rs[0]?.frequency ?? '', series: rs[0]?.series ?? 0, horizon: rs[0]?.horizon ?? 0, origins: new Set(runs.filter((r) => r.dataset === name).map((r) => r.origin)).size };
  });
  return { datasets, methods, relMASE, seconds, overall, relWQL };
}

const f3 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3));

export function multiMarkdown(s: MultiSummary, info: { backend: string; suite: string }): string {
  const lines = [
    `## Multi-dataset forecasting benchmark (backend ${info.backend})`,
    '',
    info.suite,
    '',
    'Rel. WQL (with --quantiles): weighted quantile loss over all series divided by seasonal naive\'s (residual quantiles), geometric mean over origins, then datasets.',
    '',
    'Relative MASE: geometric mean over series of MASE / seasonal-naive MASE (per-series ratios floored at 0.01), then over origins (and seeds); below 1 beats seasonal naive. "Geo-mean" is over the datasets the method ran on.',
    '',
    '| method | geo-mean rel. MASE | geo-mean rel. WQL | datasets | seconds (sum over datasets, per origin) |',
    '|---|---|---|---|---|',
    ...s.methods.map((m) => `| ${m} | ${f3(s.overall[m]!.relMASE)} | ${f3(s.overall[m]!.relWQL)} | ${s.overall[m]!.datasets} | ${s.overall[m]!.seconds.toFixed(1)} |`),
    '',
    `| dataset | freq | series | h | origins | ${s.methods.join(' | ')} |`,
    `|---|---|---|---|---|${s.methods.map(() => '---').join('|')}|`,
    ...s.datasets.map((d) => {
      const vals = s.methods.map((m) => s.relMASE[m]![d.name]);
      const best = Math.min(...vals.filter((v): v is number => v !== undefined && Number.isFinite(v)));
      return `| ${d.name} | ${d.frequency} | ${d.series} | ${d.horizon} | ${d.origins} | ${vals.map((v) => (v === best ? `**${f3(v)}**` : f3(v))).join(' | ')} |`;
    }),
  ];
  return lines.join('\n') + '\n';
}
