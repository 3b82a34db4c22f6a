/**
 * Data savings of transfer for recommendation: Sports → Beauty. The sasrec-s backbone's shipped
 * weights (pretrained on Amazon Sports, see its manifest) are transferred to Amazon Beauty with
 * zero-shot, probe and fine-tune, beside scratch (same architecture, random init) and the
 * most-popular and Markov baselines, each fit on a seeded share of Beauty's training users
 * (head statistics and baselines on those users' events only) and ranked over the full catalogue on
 * the test item of ALL users, with each user's own history as input.
 *
 *   npm run bench:recsys -- [--events ../shared/data/recsys/amazon_beauty.csv] [--seeds 1,2,3]
 *                           [--fractions 0.05,0.1,0.25,0.5,1] [--strategies zero-shot,probe,fine-tune,scratch]
 *                           [--skip-reference] [--quick] [--report-only] [--fresh]
 *
 * Each (method, fraction, seed) result is appended to benchmarks/results/recsys-savings-runs.jsonl as
 * it finishes, so two processes can run disjoint parts (e.g. split by --fractions, one with
 * --skip-reference) and a crash loses one run; finished runs are skipped unless --fresh.
 * "Reference" = zero-shot and the baselines, one evaluation per (fraction, seed).
 * The flags over benchmarks/services/recommend-savings.ts (also `headstart bench recommend-savings`).
 */
import type { StrategyName } from '../../core/interfaces/index.js';
import { parseArgs } from '../harness/args.js';
import { resultsDir, scriptCommand } from '../harness/results.js';
import { runRecommendSavings } from '../services/recommend-savings.js';
import { RECOMMEND_DEFAULTS } from '../../plugins/recommendation/services/recommend-service.js';

const args = parseArgs(
  process.argv.slice(2),
  {
    events: { type: 'string', default: '../shared/data/recsys/amazon_beauty.csv', description: 'target events (user_id,item_id[,timestamp|position])' },
    seeds: { type: 'list', description: 'default 1,2,3 (--quick: 1)' },
    fractions: { type: 'list', description: 'shares of the training users; default 0.05,0.1,0.25,0.5,1 (--quick: 0.05,0.1)' },
    strategies: { type: 'list', default: ['zero-shot', 'probe', 'fine-tune', 'scratch'], choices: ['zero-shot', 'probe', 'fine-tune', 'scratch'], description: 'strategies (the baselines always run)' },
    backbone: { type: 'string', default: 'sasrec-s' },
    weights: { type: 'string', description: 'read the backbone\'s pretrained weights from this folder (a `pretrain recommend --out`) instead of the shipped ones; use with --tag' },
    'item-transfer': { type: 'string', default: 'never', choices: ['never', 'same-catalogue'], description: 'same-catalogue: the target uses the pretraining catalogue (e.g. --events amazon_sports.csv); items start from their pretrained embeddings' },
    epochs: { type: 'number', integer: true, min: 1, description: 'override the per-fraction epochs' },
    steps: { type: 'number', integer: true, min: 1, description: 'override the per-fraction max steps per epoch' },
    patience: { type: 'number', integer: true, min: 1, description: 'override the per-fraction patience' },
    batch: { type: 'number', default: 128, integer: true, min: 1 },
    'counting-share': { type: 'number', default: 0, min: 0, description: 'train through a mixture with counting at this share (0: the model alone)' },
    'select-by': { type: 'string', default: 'ndcg', choices: ['loss', 'ndcg'], description: 'what keeps an epoch: validation loss, or validation NDCG@10 (full ranking of the validation cases)' },
    'held-out-validation': { type: 'number', default: 0.2, min: 0, description: 'below 100% of the users, this share of the chosen users validates only (never trained on), as most test users are unseen then; 0: validate on the trained users' },
    'val-cases': { type: 'number', default: RECOMMEND_DEFAULTS.validationUsers, integer: true, min: 1, description: 'validation cases kept (seeded) for early stopping and the counting combination; default transfer recommend\'s --validation-users' },
    'test-cases': { type: 'number', integer: true, min: 1, description: 'rank only this many test cases (seeded; default all users; --quick 2000)' },
    quick: { type: 'boolean', default: false, description: 'pipeline check: 1 seed, 2 fractions, a few steps, 2000 test cases; results tagged "quick"' },
    tag: { type: 'string', description: 'keep these runs apart: results and runs files get this suffix (e.g. for other budgets)' },
    out: { type: 'string', description: 'results folder (default benchmarks/results)' },
    'report-only': { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false, description: 'discard earlier runs of this benchmark' },
    'skip-reference': { type: 'boolean', default: false, description: 'leave zero-shot and the baselines to another process' },
  },
  { usage: 'npm run bench:recsys -- [flags]' },
);

const result = await runRecommendSavings({
  out: args.out ?? resultsDir(),
  events: args.events,
  ...(args.seeds.length ? { seeds: args.seeds.map(Number) } : {}),
  ...(args.fractions.length ? { fractions: args.fractions.map(Number) } : {}),
  strategies: args.strategies as StrategyName[],
  backbone: args.backbone,
  weights: args.weights,
  itemTransfer: args['item-transfer'] as 'never' | 'same-catalogue',
  budget: { epochs: args.epochs, maxStepsPerEpoch: args.steps, patience: args.patience },
  batch: args.batch,
  selectBy: args['select-by'] as 'loss' | 'ndcg',
  countingShare: args['counting-share'],
  heldOutValidation: args['held-out-validation'],
  valCases: args['val-cases'],
  testCases: args['test-cases'],
  quick: args.quick,
  tag: args.tag,
  reportOnly: args['report-only'],
  fresh: args.fresh,
  skipReference: args['skip-reference'],
  command: scriptCommand('bench:recsys'),
});
console.log('\n' + result.markdown);
console.log(`wrote ${[result.files.json, result.files.markdown, result.files.html, result.files.svg].filter(Boolean).join(', ')}`);
