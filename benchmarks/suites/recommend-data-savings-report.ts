import type { MethodKind } from '../../core/interfaces/index.js';
import { timeSavings, timeSavingsMarkdown, type TimeSaving } from '../harness/time-savings.js';
/** Aggregation and markdown for the recommendation data-savings benchmark (kept apart from the run loop; its chart: benchmarks/report). */

/** One (method, fraction, seed) result: a trained strategy, zero-shot or a baseline, all ranked on the same test cases. */
export interface RecsysRun {
  method: string;
  kind: MethodKind;
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
  /** Trained runs: validation loss and score (NDCG@10 of the selection cases) at every checkpoint, by training seconds. */
  curve?: { epoch: number; seconds: number; valLoss: number; valScore?: number }[];
  /** The training budget of this fraction (the same for every strategy at it). */
  budget?: { epochs: number; maxStepsPerEpoch: number; patience: number; batchSize: number; validationCases: number; selectBy?: 'loss' | 'ndcg' };
  /** Pretraining steps of the backbone checkpoint a pretrained strategy started from. */
  weightsSteps?: number;
  /** Model share of a method combined with counting, chosen on validation (1: the model alone ranked best). */
  modelWeight?: number;
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
  /** Time to scratch's best validation score (the epoch selector's NDCG@10 where epochs were kept by it, else the loss), per pretrained strategy and share. */
  timeSavings: TimeSaving[];
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
/** Method-name suffix of a model combined with counting (the product's default, `--combine counting`). */
export const COUNTING_SUFFIX = ' + counting';
const ORDER = ['zero-shot', 'zero-shot + counting', 'probe', 'probe + counting', 'fine-tune', 'fine-tune + counting', 'scratch', 'scratch + counting', 'cooccurrence', 'markov', 'most-popular'];

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));
const pct = (f: number) => `${+(f * 100).toFixed(1)}%`;
const gain = (a: number, b: number) => (b > 0 ? a / b - 1 : Infinity);
const signedPct = (g: number) => (Number.isFinite(g) ? `${g >= 0 ? '+' : ''}${(100 * g).toFixed(1)}%` : '∞');

export function summariseRecsys(runs: RecsysRun[], targetFraction = 0.1, targetGain = 0.25, scratchGain = 0.1): RecsysSummary {
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
  const bestOf = (names: (m: string) => boolean, f: number) => cells.filter((c) => c.fraction === f && names(c.method)).sort((a, b) => b.ndcg10 - a.ndcg10)[0];
  const isTransferred = (m: string) => TRANSFERRED.some((t) => m === t || m === `${t}${COUNTING_SUFFIX}`);
  const isScratch = (m: string) => m === 'scratch' || m === `scratch${COUNTING_SUFFIX}`;
  const targets: RecsysTarget[] = [];
  const lines: string[] = [];
  const vs = (a: RecsysCell, b: RecsysCell) => `${a.method} ${a.ndcg10.toFixed(4)} vs ${b.method} ${b.ndcg10.toFixed(4)}: ${signedPct(gain(a.ndcg10, b.ndcg10))}`;
  for (const fraction of [...new Set(cells.map((c) => c.fraction))]) {
    const best = bestOf(isTransferred, fraction);
    const counting = cell('cooccurrence', fraction);
    if (!best || !counting) continue;
    const need = fraction >= 1 ? 0.05 : 0;
    targets.push({ name: `best transferred vs counting at ${pct(fraction)}${need ? ` (≥ +${100 * need}%)` : ''}`, measured: vs(best, counting), met: gain(best.ndcg10, counting.ndcg10) >= need - 1e-12 });
  }
  const f = pct(targetFraction);
  const best = bestOf(isTransferred, targetFraction);
  const scratch = bestOf(isScratch, targetFraction);
  const markov = cell('markov', targetFraction);
  if (best && markov) targets.push({ name: `best transferred vs Markov at ${f} (≥ +${Math.round(100 * targetGain)}%)`, measured: vs(best, markov), met: gain(best.ndcg10, markov.ndcg10) >= targetGain });
  if (best && scratch) targets.push({ name: `best transferred vs the best scratch at ${f} (≥ +${Math.round(100 * scratchGain)}%)`, measured: vs(best, scratch), met: gain(best.ndcg10, scratch.ndcg10) >= scratchGain });
  const missing = [!best && 'a transferred strategy', !scratch && 'scratch', !markov && 'Markov'].filter(Boolean).join(', ');
  lines.push(`Targets (issue 11): at every share the best transferred strategy (alone or combined with counting) ≥ co-occurrence counting, ≥ +5% at 100%; at ${f}, ≥ +${Math.round(100 * targetGain)}% over Markov and ≥ +${Math.round(100 * scratchGain)}% over scratch (the better of scratch alone and scratch + counting).`);
  if (missing) lines.push(`Not measured at ${f}: no results for ${missing}.`);
  const met = targets.filter((t) => t.met).length;
  if (targets.length) lines.push(`Measured: ${met} of ${targets.length} targets met.`);
  const targetText = lines.join(' ');
  // One row per training run (the '+ counting' rows share it); its score is the epoch selector's.
  const strategies = new Set(['probe', 'fine-tune', 'scratch']);
  const timed = runs.filter((r) => strategies.has(r.method)).map((r) => ({
    method: r.method, fraction: r.fraction, seed: r.seed,
    points: (r.curve ?? []).map((c) => ({ seconds: c.seconds, value: c.valScore !== undefined ? -c.valScore : c.valLoss })),
  }));
  return { cells, timeSavings: timeSavings(timed), targets, targetText };
}

export function recsysMarkdown(s: RecsysSummary, ctx: RecsysReportContext): string {
  const sdText = (c: RecsysCell) => (c.seeds > 1 ? ` ± ${c.ndcg10sd.toFixed(4)}` : '');
  const lines = [
    `Target: ${ctx.dataset} (${ctx.users.toLocaleString('en-US')} users, ${ctx.items.toLocaleString('en-US')} items, ${ctx.events.toLocaleString('en-US')} events), leave-one-out; every method is fit on the given share of the training users (head statistics and baselines on those users' events only) and ranked over the full catalogue on the test item of **all** users, each with their own history as input.`,
    '',
    `Source: ${ctx.source}. Backend ${ctx.backend}; ${ctx.machine}.`,
    '',
    `Training budget per fraction (the same for every strategy at a fraction; early stopping on validation cases of the chosen users; below 100%, a fifth of them validate only and are never trained on): ${ctx.budgets}.`,
    '',
    'NDCG@10 mean ± sd over seeds (each seed draws its own users); train s = training time (zero-shot and the baselines: none; fitting a baseline is counting, part of its evaluation).',
    '',
    '| fraction | strategy | NDCG@10 mean±sd | HR@10 | train s |',
    '|---|---|---|---|---|',
    ...s.cells.map((c) => `| ${pct(c.fraction)} | ${c.method} | ${c.ndcg10.toFixed(4)}${sdText(c)} | ${c.hr10.toFixed(4)} | ${c.trainSeconds.toFixed(1)} |`),
    ...timeSavingsMarkdown(s.timeSavings, "validation score (the epoch selector's: NDCG@10 of the selection cases, of the best combination with counting where the model is combined; the loss where epochs are kept by it)", pct),
    '',
    s.targetText,
  ];
  if (s.targets.length) lines.push('', '| target | measured | met |', '|---|---|---|', ...s.targets.map((t) => `| ${t.name} | ${t.measured} | ${t.met ? 'yes' : 'no'} |`));
  return lines.join('\n');
}
