/** Aggregation, markdown and plot for the recommendation data-savings benchmark (kept apart from the run loop). */
import { lineChartSvg } from '../../core/report/svg-plot.js';

/** One (method, fraction, seed) result: a trained strategy, zero-shot or a baseline, all ranked on the same test cases. */
export interface RecsysRun {
  method: string;
  kind: 'transfer' | 'baseline';
  /** Share of the target's training users the method was fit on (head, statistics, baselines). */
  fraction: number;
  seed: number;
  trainUsers: number;
  /** Next-item training examples of those users. */
  trainExamples: number;
  testCases: number;
  'NDCG@5': number;
  'NDCG@10': number;
  'NDCG@20': number;
  'HR@10': number;
  'MRR@10': number;
  'coverage@10': number;
  /** Training time (0 for zero-shot; the fit time for baselines). */
  trainSeconds: number;
  /** Full ranking of every test case. */
  evalSeconds: number;
  epochs: number;
  bestEpoch: number;
  trainableParameters: number;
  /** The training budget of this fraction (the same for every strategy at it). */
  budget?: { epochs: number; maxStepsPerEpoch: number; patience: number; batchSize: number; validationCases: number; selectBy?: 'loss' | 'ndcg' };
  /** Pretraining steps of the backbone checkpoint a pretrained strategy started from. */
  weightsSteps?: number;
  backend: string;
}

export interface RecsysCell {
  method: string;
  fraction: number;
  seeds: number;
  ndcg10: number;
  ndcg10sd: number;
  hr10: number;
  ndcg5: number;
  ndcg20: number;
  mrr10: number;
  coverage10: number;
  trainSeconds: number;
  evalSeconds: number;
  epochs: number;
  trainableParameters: number;
}

export interface RecsysTarget {
  name: string;
  measured: string;
  met: boolean;
}

export interface RecsysSummary {
  cells: RecsysCell[];
  targets: RecsysTarget[];
  /** Human-readable paragraph on the 10% target. */
  targetText: string;
}

export interface RecsysReportContext {
  dataset: string;
  users: number;
  items: number;
  events: number;
  backend: string;
  /** "sasrec-s, pretrained on … for N steps" */
  source: string;
  budgets: string;
  machine: string;
}

export const TRANSFERRED = ['zero-shot', 'probe', 'fine-tune'];
const ORDER = ['zero-shot', 'probe', 'fine-tune', 'scratch', 'markov', 'most-popular'];

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));
const pct = (f: number) => `${+(f * 100).toFixed(1)}%`;
const gain = (a: number, b: number) => (b > 0 ? a / b - 1 : Infinity);
const signedPct = (g: number) => (Number.isFinite(g) ? `${g >= 0 ? '+' : ''}${(100 * g).toFixed(1)}%` : '∞');

export function summariseRecsys(runs: RecsysRun[], targetFraction = 0.1, targetGain = 0.25): RecsysSummary {
  const groups = new Map<string, RecsysRun[]>();
  for (const r of runs) {
    const k = `${r.method}|${r.fraction}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const cells: RecsysCell[] = [...groups.values()].map((rs) => ({
    method: rs[0]!.method,
    fraction: rs[0]!.fraction,
    seeds: rs.length,
    ndcg10: mean(rs.map((r) => r['NDCG@10'])),
    ndcg10sd: sd(rs.map((r) => r['NDCG@10'])),
    hr10: mean(rs.map((r) => r['HR@10'])),
    ndcg5: mean(rs.map((r) => r['NDCG@5'])),
    ndcg20: mean(rs.map((r) => r['NDCG@20'])),
    mrr10: mean(rs.map((r) => r['MRR@10'])),
    coverage10: mean(rs.map((r) => r['coverage@10'])),
    trainSeconds: mean(rs.map((r) => r.trainSeconds)),
    evalSeconds: mean(rs.map((r) => r.evalSeconds)),
    epochs: mean(rs.map((r) => r.epochs)),
    trainableParameters: rs[0]!.trainableParameters,
  }));
  const rank = (m: string) => (ORDER.includes(m) ? ORDER.indexOf(m) : ORDER.length);
  cells.sort((a, b) => a.fraction - b.fraction || rank(a.method) - rank(b.method) || a.method.localeCompare(b.method));

  const cell = (m: string, f: number) => cells.find((c) => c.method === m && c.fraction === f);
  const targets: RecsysTarget[] = [];
  const best = TRANSFERRED.map((m) => cell(m, targetFraction))
    .filter((c): c is RecsysCell => !!c)
    .sort((a, b) => b.ndcg10 - a.ndcg10)[0];
  const scratch = cell('scratch', targetFraction);
  const markov = cell('markov', targetFraction);
  const f = pct(targetFraction);
  let targetText = `Target (issue 3): at ${f} of the training users, the best transferred strategy beats both scratch and Markov at ${f} by ≥ ${Math.round(100 * targetGain)}% relative NDCG@10. `;
  if (best && scratch && markov) {
    const gs = gain(best.ndcg10, scratch.ndcg10);
    const gm = gain(best.ndcg10, markov.ndcg10);
    const met = gs >= targetGain && gm >= targetGain;
    targets.push({ name: `best transferred vs scratch at ${f} (NDCG@10)`, measured: `${best.method} ${best.ndcg10.toFixed(4)} vs ${scratch.ndcg10.toFixed(4)}: ${signedPct(gs)}`, met: gs >= targetGain });
    targets.push({ name: `best transferred vs Markov at ${f} (NDCG@10)`, measured: `${best.method} ${best.ndcg10.toFixed(4)} vs ${markov.ndcg10.toFixed(4)}: ${signedPct(gm)}`, met: gm >= targetGain });
    targetText +=
      `Measured: best transferred is ${best.method} at NDCG@10 ${best.ndcg10.toFixed(4)} (${best.seeds} seed${best.seeds === 1 ? '' : 's'}), ` +
      `${signedPct(gs)} vs scratch (${scratch.ndcg10.toFixed(4)}) and ${signedPct(gm)} vs Markov (${markov.ndcg10.toFixed(4)}): **${met ? 'met' : 'not met'}**.`;
  } else {
    const missing = [!best && 'a transferred strategy', !scratch && 'scratch', !markov && 'Markov'].filter(Boolean).join(', ');
    targetText += `Not measured: no ${f} results for ${missing}.`;
  }
  return { cells, targets, targetText };
}

export function recsysMarkdown(s: RecsysSummary, ctx: RecsysReportContext): string {
  const sdText = (c: RecsysCell) => (c.seeds > 1 ? ` ± ${c.ndcg10sd.toFixed(4)}` : '');
  const lines = [
    `Target: ${ctx.dataset} (${ctx.users.toLocaleString('en-US')} users, ${ctx.items.toLocaleString('en-US')} items, ${ctx.events.toLocaleString('en-US')} events), leave-one-out; every method is fit on the given share of the training users (head statistics and baselines on those users' events only) and ranked over the full catalogue on the test item of **all** users, each with their own history as input.`,
    '',
    `Source: ${ctx.source}. Backend ${ctx.backend}; ${ctx.machine}.`,
    '',
    `Training budget per fraction (the same for every strategy at a fraction; early stopping on validation cases of the chosen users): ${ctx.budgets}.`,
    '',
    'NDCG@10 mean ± sd over seeds (each seed draws its own users); train s = training time (zero-shot and the baselines: none; fitting a baseline is counting, part of its evaluation).',
    '',
    '| fraction | strategy | NDCG@10 mean±sd | HR@10 | train s |',
    '|---|---|---|---|---|',
    ...s.cells.map((c) => `| ${pct(c.fraction)} | ${c.method} | ${c.ndcg10.toFixed(4)}${sdText(c)} | ${c.hr10.toFixed(4)} | ${c.trainSeconds.toFixed(1)} |`),
    '',
    s.targetText,
  ];
  if (s.targets.length) lines.push('', '| target | measured | met |', '|---|---|---|', ...s.targets.map((t) => `| ${t.name} | ${t.measured} | ${t.met ? 'yes' : 'no'} |`));
  return lines.join('\n');
}

/** NDCG@10 against the share of training users, one line per strategy and baseline (mean, min–max over seeds). */
export function recsysChartSvg(s: RecsysSummary, runs: RecsysRun[], dataset: string): string {
  const methods = [...new Set(s.cells.map((c) => c.method))];
  const fractions = [...new Set(s.cells.map((c) => c.fraction))].sort((a, b) => a - b);
  const series = methods.map((method) => ({
    name: method,
    points: s.cells
      .filter((c) => c.method === method)
      .map((c) => {
        const ys = runs.filter((r) => r.method === method && r.fraction === c.fraction).map((r) => r['NDCG@10']);
        return { x: Math.log10(c.fraction), y: c.ndcg10, lo: Math.min(...ys), hi: Math.max(...ys) };
      }),
  }));
  return lineChartSvg({
    title: `${dataset}: test NDCG@10 vs share of training users (mean, min–max over seeds)`,
    xLabel: 'share of training users (log scale)',
    yLabel: 'NDCG@10 (higher is better)',
    series,
    xTicks: fractions.map((f) => ({ x: Math.log10(f), label: pct(f) })),
  });
}
