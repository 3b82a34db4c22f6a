/**
 * How much of a target log's test items the ID-agnostic candidate features can reach at each share
 * of training users: the ceiling the transfer benchmark (recommend-data-savings) works under. A test
 * item absent from the fitted events has popularity 0 and no transition or co-occurrence, so only
 * its (untrained) item embedding could rank it; a test item outside every candidate list is scored
 * by popularity alone. Same protocol as the savings benchmark: leave-one-out, statistics fitted on
 * the chosen users' events before their test event, every user's test item checked; the lists are
 * the next-item head's own (top successors and co-occurring items per item, NEIGHBOUR_STEPS).
 *
 *   npm run bench:reachability -- [--events ../shared/data/recsys/amazon_beauty.csv] [--fractions 0.05,0.1,0.25,0.5,1] [--seeds 1,2,3]
 */
import { renderMarkdown } from '../../core/report/table.js';
import { loadEvents } from '../../plugins/recommendation/data/events-loader.js';
import { leaveOneOut, restrictTrainingUsers } from '../../plugins/recommendation/data/splits.js';
import { fitCatalogueStats, fitNeighbours } from '../../plugins/recommendation/data/stats.js';
import { NEXT_ITEM_DEFAULTS } from '../../plugins/recommendation/heads/next-item-head.js';
import { NEIGHBOUR_STEPS } from '../../plugins/recommendation/layers/next-item-scorer.js';
import type { CatalogueStats } from '../../plugins/recommendation/contracts.js';
import { parseArgs } from '../harness/args.js';
import { mean } from '../harness/timing.js';
import { machineInfo } from '../harness/machine.js';
import { writeResults } from '../harness/results.js';

const args = parseArgs(
  process.argv.slice(2),
  {
    events: { type: 'string', default: '../shared/data/recsys/amazon_beauty.csv', description: 'target events (user_id,item_id[,timestamp|position])' },
    fractions: { type: 'list', default: ['0.05', '0.1', '0.25', '0.5', '1'], description: 'shares of the training users' },
    seeds: { type: 'list', default: ['1', '2', '3'], description: 'one user draw per seed' },
  },
  { usage: 'npm run bench:reachability -- [flags]' },
);

/** Reach of one test case: which candidate lists of the head hold its target. */
const SOURCES = ['in fitted events', 'successor of last item', 'successor of second-last', `co-occurs with last ${NEIGHBOUR_STEPS}`, 'any candidate list'] as const;

function reach(stats: CatalogueStats, history: readonly number[], target: number): boolean[] {
  const K = stats.successorsPerItem;
  const M = stats.neighboursPerItem ?? 0;
  const inList = (item: number | undefined, ids: Int32Array, weights: Float32Array, width: number) => {
    if (item === undefined) return false;
    for (let r = 0; r < width; r++) if (weights[item * width + r]! > 0 && ids[item * width + r] === target) return true;
    return false;
  };
  const last = inList(history.at(-1), stats.successors, stats.successorCounts, K);
  const second = inList(history.at(-2), stats.successors, stats.successorCounts, K);
  const near = M > 0 && history.slice(-NEIGHBOUR_STEPS).some((i) => inList(i, stats.neighbours!, stats.neighbourWeights!, M));
  return [stats.counts[target]! > 0, last, second, near, last || second || near];
}

async function main(): Promise<void> {
  const dataset = await loadEvents(String(args.events));
  const base = leaveOneOut(dataset);
  const N = dataset.items.length;
  const runs: { fraction: number; seed: number; cases: number; shares: number[] }[] = [];
  for (const fraction of args.fractions.map(Number)) {
    for (const seed of args.seeds.map(Number)) {
      const split = restrictTrainingUsers(base, fraction, seed);
      const fitted = split.beforeTest;
      const stats = fitCatalogueStats(fitted, N, NEXT_ITEM_DEFAULTS.successors, undefined, fitNeighbours(fitted, N, NEXT_ITEM_DEFAULTS.neighbours));
      const hits = SOURCES.map(() => 0);
      for (const c of split.test) reach(stats, c.history, c.target).forEach((h, i) => (hits[i]! += h ? 1 : 0));
      runs.push({ fraction, seed, cases: split.test.length, shares: hits.map((h) => h / split.test.length) });
      console.log(`${(100 * fraction).toFixed(0)}% seed ${seed}: ${SOURCES.map((s, i) => `${s} ${(100 * runs.at(-1)!.shares[i]!).toFixed(1)}%`).join(', ')}`);
    }
  }
  const fractions = [...new Set(runs.map((r) => r.fraction))];
  const rows = fractions.map((f) => {
    const of = runs.filter((r) => r.fraction === f);
    return [`${(100 * f).toFixed(0)}%`, ...SOURCES.map((_, i) => `${(100 * mean(of.map((r) => r.shares[i]!))).toFixed(1)}%`)];
  });
  const name = String(args.events).split('/').pop() ?? String(args.events);
  const md = [
    `# Reachable test items (${name}, leave-one-out, ${runs[0]?.cases ?? 0} test cases, means over ${args.seeds.length} seed(s))`,
    '',
    `Share of all users' test items that the next-item head's candidate lists hold, with statistics fitted on the given share of training users (top ${NEXT_ITEM_DEFAULTS.successors} successors and ${NEXT_ITEM_DEFAULTS.neighbours} co-occurring items per item).`,
    '',
    renderMarkdown(['users', ...SOURCES], rows),
    '',
  ].join('\n');
  console.log('\n' + md);
  const written = await writeResults('recommend-reachability', { machine: machineInfo(), dataset: name, runs }, md);
  console.log(`wrote ${written.json}, ${written.markdown}`);
}

await main();
