/**
 * What the per-user encoding is worth: a recommendation model ranked as it is, and again with every
 * user's encoding replaced by the mean encoding of the same test histories, so the head's gates become
 * constants (a fixed weighting of the catalogue statistics). The gap bounds what a transferred encoder
 * can add over learning those constants from the target alone. Same protocol as recommend-data-savings:
 * leave-one-out, statistics fit on a seeded share of the training users, every user's test item
 * ranked over the full catalogue.
 *
 *   npm run bench:encoder-ablation -- [--backbone nextitnet-s] [--fractions 0.1,1] [--seeds 1,2,3] [--strategies zero-shot,scratch]
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../core/backend.js';
import { createContainer } from '../../core/container.js';
import { renderMarkdown } from '../../core/report/table.js';
import { TaskModel } from '../../core/task/task-model.js';
import { encodeAll } from '../../core/training/encoding-cache.js';
import type { BackboneModel, StrategyName } from '../../core/interfaces/index.js';
import type { RankingCase, RecommendInput } from '../../plugins/recommendation/contracts.js';
import { builtinPlugins } from '../../plugins/index.js';
import { RECOMMEND_SERVICE } from '../../plugins/recommendation/module.js';
import type { Recommender, RecommendService } from '../../plugins/recommendation/services/recommend-service.js';
import { loadEvents } from '../../plugins/recommendation/data/events-loader.js';
import { leaveOneOut, restrictTrainingUsers } from '../../plugins/recommendation/data/splits.js';
import { NextItemExamples } from '../../plugins/recommendation/data/examples.js';
import { parseArgs } from '../harness/args.js';
import { useWeightsFolder } from '../harness/weights.js';
import { mean } from '../harness/timing.js';
import { machineInfo, machineSummary } from '../harness/machine.js';
import { writeResults } from '../harness/results.js';

const args = parseArgs(
  process.argv.slice(2),
  {
    events: { type: 'string', default: '../shared/data/recsys/amazon_beauty.csv', description: 'target events (user_id,item_id[,timestamp|position])' },
    backbone: { type: 'string', default: 'nextitnet-s' },
    weights: { type: 'string', description: "read the backbone's pretrained weights from this folder instead of the shipped ones" },
    fractions: { type: 'list', default: ['0.1', '1'], description: 'shares of the training users' },
    seeds: { type: 'list', default: ['1', '2', '3'], description: 'one user draw per seed' },
    strategies: { type: 'list', default: ['zero-shot'], choices: ['zero-shot', 'probe', 'fine-tune', 'scratch'], description: 'models to ablate (trained ones use --epochs × --steps, as the savings benchmark at 10%)' },
    epochs: { type: 'number', default: 4, integer: true, min: 1 },
    steps: { type: 'number', default: 60, integer: true, min: 1, description: 'max steps per epoch' },
    patience: { type: 'number', default: 2, integer: true, min: 1 },
  },
  { usage: 'npm run bench:encoder-ablation -- [flags]' },
);

/** Mean encoding of these cases' histories, [1, width] (encodeAll: the frozen-backbone batch encoder the probe uses). */
function meanEncoding(recommender: Recommender, cases: readonly RankingCase[]): tf.Tensor2D {
  const { model, featurizer, contextLength } = recommender;
  const width = model.backbone.info.embeddingSize;
  const all = encodeAll(model.backbone, NextItemExamples.fromCases(cases, featurizer, { contextLength, holdOutTargets: false }));
  const mean = new Float32Array(width);
  for (let r = 0; r < cases.length; r++) for (let c = 0; c < width; c++) mean[c]! += all[r * width + c]! / cases.length;
  return tf.tensor2d(mean, [1, width]);
}

/** The same backbone, answering every input with one fixed encoding. */
function constantEncoder(backbone: BackboneModel<RecommendInput>, encoding: tf.Tensor2D): BackboneModel<RecommendInput> {
  return { info: backbone.info, network: backbone.network, encode: (input) => ({ hidden: tf.tile(encoding, [input.items.shape[0], 1]) as tf.Tensor2D }) };
}

async function main(): Promise<void> {
  const backend = await useBackend('auto');
  const service = createContainer(builtinPlugins).get<RecommendService>(RECOMMEND_SERVICE);
  const backboneId = String(args.backbone);
  if (args.weights !== undefined) useWeightsFolder(service.backbone(backboneId), backboneId, String(args.weights));
  const ds = await loadEvents(String(args.events));
  const base = leaveOneOut(ds);
  const C = ds.items.length;
  const runs: { strategy: string; fraction: number; seed: number; own: number; constant: number; ownHR: number; constantHR: number }[] = [];
  for (const fraction of args.fractions.map(Number)) {
    for (const seed of args.seeds.map(Number)) {
      const split = restrictTrainingUsers(base, fraction, seed);
      for (const strategy of args.strategies as StrategyName[]) {
        const { recommender } = await service.transfer(C, split, { backbone: backboneId, strategy, seed, epochs: args.epochs, maxStepsPerEpoch: args.steps, patience: args.patience, items: ds.items, itemTransfer: 'never' });
        // evaluate() refits the statistics on the chosen users' events before the test; the mean is taken with those.
        const [own] = service.evaluate(C, split, [{ name: strategy, recommender }], {}, []);
        const encoding = meanEncoding(recommender, split.test);
        const constant = recommender.with({ model: new TaskModel(constantEncoder(recommender.model.backbone, encoding), recommender.model.head) });
        const [fixed] = service.evaluate(C, split, [{ name: `${strategy}, mean encoding`, recommender: constant }], {}, []);
        encoding.dispose();
        recommender.model.dispose();
        const at = (r: typeof own, m: string) => r!.report.aggregate[m]!;
        runs.push({ strategy, fraction, seed, own: at(own, 'NDCG@10'), constant: at(fixed, 'NDCG@10'), ownHR: at(own, 'HR@10'), constantHR: at(fixed, 'HR@10') });
        const r = runs.at(-1)!;
        console.log(`${strategy} ${(100 * fraction).toFixed(0)}% seed ${seed}: NDCG@10 ${r.own.toFixed(4)} with each user's encoding, ${r.constant.toFixed(4)} with the mean encoding`);
      }
    }
  }
  const groups = [...new Set(runs.map((r) => `${r.strategy}|${r.fraction}`))];
  const rows = groups.map((g) => {
    const of = runs.filter((r) => `${r.strategy}|${r.fraction}` === g);
    const own = mean(of.map((r) => r.own));
    const constant = mean(of.map((r) => r.constant));
    return [of[0]!.strategy, `${(100 * of[0]!.fraction).toFixed(0)}%`, own.toFixed(4), constant.toFixed(4), `${((100 * (own - constant)) / constant).toFixed(1)}%`, mean(of.map((r) => r.ownHR)).toFixed(4), mean(of.map((r) => r.constantHR)).toFixed(4), String(of.length)];
  });
  const name = String(args.events).split('/').pop() ?? String(args.events);
  const md = [
    `# What the per-user encoding is worth (${backboneId} on ${name}, ${base.test.length} test cases, backend ${backend.active})`,
    '',
    "NDCG@10 with each user's own encoding, and with every encoding replaced by the mean encoding of the same test histories (the gates become constants).",
    '',
    renderMarkdown(['strategy', 'users', 'NDCG@10 own', 'NDCG@10 mean encoding', 'own vs mean', 'HR@10 own', 'HR@10 mean encoding', 'seeds'], rows),
    '',
    `Machine: ${machineSummary(machineInfo())}.`,
    '',
  ].join('\n');
  console.log('\n' + md);
  const written = await writeResults(`recommend-encoder-ablation-${backboneId}-${args.strategies.join('-')}`, { machine: machineInfo(), dataset: name, backbone: backboneId, runs }, md);
  console.log(`wrote ${written.json}, ${written.markdown}`);
}

await main();
