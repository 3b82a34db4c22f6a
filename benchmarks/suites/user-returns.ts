/**
 * One backbone, another task: the "returns" task on an events log — from a user's
 * first `observe` events, does the user come back for `horizon` more? — with the user-class head on
 * a recommendation backbone (--backbone, default sasrec-s) under probe, fine-tune (pretrained) and scratch, beside the majority class and a
 * logistic regression on per-user feature summaries. Users are split 60/20/20 by a seeded shuffle;
 * every method is scored on the same test users.
 *
 *   npm run bench:user-returns -- [--events ../shared/data/recsys/amazon_beauty.csv] [--observe 5]
 *                                 [--horizon 3] [--seeds 1,2,3] [--max-users 5000] [--backbone nextitnet-s] [--quick]
 *
 * Beauty is 5-core filtered (every user has ≥ 5 events), so observing fewer than 5 labels every user
 * "returns"; the default observes 5 and asks for 3 more (about 37% of users).
 */
import { useBackend } from '../../core/backend.js';
import { createContainer, registryOf } from '../../core/container.js';
import { HeadstartError } from '../../core/errors.js';
import type { StrategyName } from '../../core/interfaces/index.js';
import { Rng } from '../../core/random.js';
import { renderMarkdown } from '../../core/report/table.js';
import { builtinPlugins } from '../../plugins/index.js';
import { USER_LEVEL_SERVICE } from '../../plugins/recommendation/module.js';
import { loadEvents } from '../../plugins/recommendation/data/events-loader.js';
import { splitUsers, userReturnLabels } from '../../plugins/recommendation/data/user-examples.js';
import type { UserLevelService } from '../../plugins/recommendation/services/user-level-service.js';
import type { ClassificationMetrics } from '../../plugins/recommendation/evaluation/classification-metrics.js';
import { parseArgs } from '../harness/args.js';
import { mean } from '../harness/timing.js';
import { machineInfo } from '../harness/machine.js';
import { writeResults } from '../harness/results.js';
import { useWeightsFolder } from '../harness/weights.js';

const args = parseArgs(
  process.argv.slice(2),
  {
    events: { type: 'string', default: '../shared/data/recsys/amazon_beauty.csv', description: 'events log (user_id,item_id[,timestamp|position])' },
    observe: { type: 'number', default: 5, integer: true, min: 1, description: 'events observed per user (the input)' },
    horizon: { type: 'number', default: 3, integer: true, min: 1, description: 'more events that make a user "return"' },
    seeds: { type: 'list', default: ['1'], description: 'one user split and training run per seed' },
    strategies: { type: 'list', default: ['probe', 'fine-tune', 'scratch'], choices: ['probe', 'fine-tune', 'scratch'] },
    'max-users': { type: 'number', integer: true, min: 10, description: 'seeded subsample of the labelled users' },
    epochs: { type: 'number', default: 10, integer: true, min: 1 },
    'batch-size': { type: 'number', default: 128, integer: true, min: 1 },
    'max-steps': { type: 'number', default: 100, integer: true, min: 1, description: 'optimiser steps per epoch at most' },
    patience: { type: 'number', default: 3, integer: true, min: 1 },
    'learning-rate': { type: 'number', min: 0, description: 'head learning rate (default: the service default, 1e-3)' },
    backbone: { type: 'string', default: 'sasrec-s', description: 'recommendation backbone under the user-class head' },
    weights: { type: 'string', description: 'the backbone\'s weights folder (default: the shipped weights)' },
    tag: { type: 'string', description: 'results file suffix (user-returns-<tag>), to keep runs of other backbones apart' },
    quick: { type: 'boolean', default: false, description: 'smoke run: 2000 users, 2 epochs of 10 steps' },
  },
  { usage: 'npm run bench:user-returns -- [flags]' },
);

interface Run {
  method: string;
  seed: number;
  metrics?: ClassificationMetrics;
  trainSeconds: number;
  epochs: number;
  skipped?: string;
}

const fmt = (x: number | undefined, digits = 3) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));

async function main(): Promise<void> {
  const backend = await useBackend('auto');
  const container = createContainer(builtinPlugins);
  const backboneId = String(args.backbone);
  if (args.weights) useWeightsFolder(registryOf(container).get('backbone', backboneId), backboneId, args.weights);
  const service = container.get<UserLevelService>(USER_LEVEL_SERVICE);
  const quick = args.quick;
  const maxUsers = args['max-users'] ?? (quick ? 2000 : undefined);
  const train = quick ? { epochs: 2, maxStepsPerEpoch: 10 } : { epochs: args.epochs, maxStepsPerEpoch: args['max-steps'] };

  const dataset = await loadEvents(args.events);
  const labels = userReturnLabels(dataset, { observe: args.observe, horizon: args.horizon });
  console.log(`${dataset.users.length} users, ${dataset.items.length} items, ${dataset.events} events (${backend.active})`);
  for (const n of labels.notices) console.log(`  ${n}`);

  const runs: Run[] = [];
  const seeds = args.seeds.map(Number);
  for (const seed of seeds) {
    const rows = maxUsers && maxUsers < labels.rows.length ? new Rng(seed * 7919).shuffle(labels.rows.slice()).slice(0, maxUsers) : labels.rows;
    const split = splitUsers({ ...labels, rows }, { seed });
    console.log(`seed ${seed}: ${split.train.length} train / ${split.validation.length} validation / ${split.test.length} test users`);
    const classifiers = [];
    for (const strategy of args.strategies as StrategyName[]) {
      try {
        const o = await service.transfer(split, { backbone: backboneId, strategy, seed, batchSize: args['batch-size'], patience: args.patience, learningRate: args['learning-rate'], ...train });
        classifiers.push({ name: strategy, classifier: o.classifier, seconds: o.training.seconds, epochs: o.training.epochsRun });
      } catch (err) {
        // Pretrained strategies without weights (still pretraining): reported, not fatal.
        if (!(err instanceof HeadstartError)) throw err;
        runs.push({ method: strategy, seed, trainSeconds: NaN, epochs: 0, skipped: err.message });
        console.log(`${strategy.padEnd(10)} skipped: ${err.message}`);
      }
    }
    const started = performance.now();
    const rowsOut = service.evaluate(split, classifiers);
    const baselineSeconds = (performance.now() - started) / 1000;
    for (const r of rowsOut) {
      const c = classifiers.find((x) => x.name === r.name);
      const run: Run = { method: r.name, seed, metrics: r.metrics, trainSeconds: c ? c.seconds : r.name === 'logistic' ? baselineSeconds : 0, epochs: c?.epochs ?? 0 };
      runs.push(run);
      console.log(`${r.name.padEnd(10)} accuracy ${fmt(r.metrics.accuracy)}  AUC ${fmt(r.metrics.auc)}  log-loss ${fmt(r.metrics.logLoss)}  ${fmt(run.trainSeconds, 1)}s`);
    }
    for (const c of classifiers) c.classifier.model.dispose();
  }

  const methods = [...new Set(runs.map((r) => r.method))];
  const table = methods.map((m) => {
    const done = runs.filter((r) => r.method === m && r.metrics);
    const avg = (f: (x: ClassificationMetrics) => number | undefined) => mean(done.map((r) => f(r.metrics!) ?? NaN));
    if (done.length === 0) return [m, '-', '-', '-', '-', '-', '0', 'skipped (no weights?)'];
    return [m, fmt(avg((x) => x.accuracy)), fmt(avg((x) => x.balancedAccuracy)), fmt(avg((x) => x.auc)), fmt(avg((x) => x.logLoss)), fmt(mean(done.map((r) => r.trainSeconds)), 1), String(done.length), ''];
  });
  const testUsers = runs.find((r) => r.metrics)?.metrics?.users ?? 0;
  const md = [
    `# Returns task: does the user come back for ${args.horizon} more events after their first ${args.observe}?`,
    '',
    `${String(args.events).split('/').pop()}, ${labels.rows.length} labelled users${maxUsers ? ` (subsample of ${maxUsers})` : ''}, split 60/20/20 per seed, ${testUsers} test users; backbone ${backboneId} + user-class head; backend ${backend.active}; means over ${seeds.length} seed(s).`,
    '',
    renderMarkdown(['method', 'accuracy', 'balanced acc.', 'AUC', 'log-loss', 'train s', 'seeds', 'note'], table),
    '',
  ].join('\n');
  console.log('\n' + md);
  const written = await writeResults(args.tag ? `user-returns-${args.tag}` : 'user-returns', { machine: machineInfo(), backend: backend.active, backbone: backboneId, dataset: String(args.events).split('/').pop(), observe: args.observe, horizon: args.horizon, maxUsers, train, notices: labels.notices, runs }, md);
  console.log(`wrote ${written.json}, ${written.markdown}`);
}

await main();
