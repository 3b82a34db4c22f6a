import type { StrategyName } from '../../../core/interfaces/index.js';
import type { EventsDataset } from '../contracts.js';
import { leaveOneOut, capValidation } from '../data/splits.js';
import { sampleUsers } from '../data/catalogue.js';
import { repeatShare } from '../baselines/cooccurrence.js';
import type { RankedMethod, RecommendService } from './recommend-service.js';

/** What `assess recommend` tries, on a sample of the target. */
export interface AssessOptions {
  backbones: string[];
  strategies: StrategyName[];
  /** Users sampled from the log (seeded). */
  sampleUsers: number;
  /** Validation cases ranked per method. */
  validationUsers: number;
  epochs: number;
  stepsPerEpoch: number;
  batchSize: number;
  seed: number;
  onStart?: (label: string) => void;
}

export const ASSESS_DEFAULTS = { sampleUsers: 2000, validationUsers: 1000, epochs: 2, stepsPerEpoch: 20, batchSize: 128, seed: 42 };

/** Catalogue-level descriptors of a log: what decides whether a pretrained scorer fits it. */
export interface LogDescriptors {
  users: number;
  items: number;
  events: number;
  /** Mean events per user. */
  meanLength: number;
  /** Share of events that repeat an earlier item of the same user. */
  repeatShare: number;
  /** events / (users × items). */
  density: number;
  /** Share of events on the most popular 1% of items. */
  top1PercentShare: number;
}

export function describeLog(sequences: readonly (readonly number[])[], items: number): LogDescriptors {
  const users = sequences.filter((s) => s.length > 0).length;
  const counts = new Float64Array(items);
  let events = 0;
  for (const s of sequences) for (const i of s) (counts[i]!++, events++);
  const sorted = Array.from(counts).sort((a, b) => b - a);
  const top = sorted.slice(0, Math.max(1, Math.ceil(items / 100))).reduce((a, b) => a + b, 0);
  return { users, items, events, meanLength: users ? events / users : 0, repeatShare: repeatShare(sequences), density: users && items ? events / (users * items) : 0, top1PercentShare: events ? top / events : 0 };
}

export interface AssessRow {
  name: string;
  kind: 'transfer' | 'scratch' | 'baseline';
  backbone?: string;
  strategy?: StrategyName;
  ndcg10: number;
  hr10: number;
  trainSeconds: number;
  /** The model's share when combined with counting (1: the model alone ranked validation best). */
  modelWeight?: number;
}

export interface Assessment {
  descriptors: LogDescriptors;
  rows: AssessRow[];
  /** Best pretrained strategy, best scratch run, best baseline (by validation NDCG@10). */
  best: { transferred?: AssessRow; scratch?: AssessRow; baseline?: AssessRow };
  verdict: 'transfer-pays' | 'scratch-better' | 'baseline-better';
  advice: string;
  seconds: number;
}

const gain = (a: number, b: number) => (b > 0 ? `${a >= b ? '+' : ''}${((100 * (a - b)) / b).toFixed(1)}%` : 'n/a');

/**
 * Estimates on a sample of the target which backbone and strategy will pay: every combination is
 * trained with a small budget (the product default: combined with counting) and ranked on the
 * sample's validation cases beside the baselines, all fit on the sample's training events.
 */
export async function assessRecommend(service: RecommendService, full: EventsDataset, o: AssessOptions): Promise<Assessment> {
  const t0 = performance.now();
  const dataset = sampleUsers(full, o.sampleUsers, o.seed);
  const split = capValidation(leaveOneOut(dataset), o.validationUsers, o.seed + 1);
  const N = dataset.items.length;
  const rows: AssessRow[] = [];
  const metric = (r: RankedMethod, m: string) => r.report.aggregate[m] ?? NaN;
  for (const backbone of o.backbones) {
    for (const strategy of o.strategies) {
      o.onStart?.(`${backbone} ${strategy}`);
      const { recommender, training } = await service.transfer(N, split, { backbone, strategy, seed: o.seed, epochs: o.epochs, maxStepsPerEpoch: o.stepsPerEpoch, batchSize: o.batchSize, patience: o.epochs });
      const [row] = service.validate(N, split, [{ name: `${backbone} ${strategy}`, recommender }], []);
      recommender.model.dispose();
      rows.push({ name: row!.name, kind: strategy === 'scratch' ? 'scratch' : 'transfer', backbone, strategy, ndcg10: metric(row!, 'NDCG@10'), hr10: metric(row!, 'HR@10'), trainSeconds: training.seconds, ...(row!.blend ? { modelWeight: row!.blend.modelWeight } : {}) });
    }
  }
  for (const b of service.validate(N, split, [])) rows.push({ name: b.name, kind: 'baseline', ndcg10: metric(b, 'NDCG@10'), hr10: metric(b, 'HR@10'), trainSeconds: 0 });
  // On a tie the simpler method leads: a baseline, then a pretrained start, then scratch.
  const simplicity = { baseline: 0, transfer: 1, scratch: 2 };
  rows.sort((a, b) => b.ndcg10 - a.ndcg10 || simplicity[a.kind] - simplicity[b.kind]);
  const first = (kind: AssessRow['kind']) => rows.find((r) => r.kind === kind);
  const best = { transferred: first('transfer'), scratch: first('scratch'), baseline: first('baseline') };
  const top = rows[0]!;
  const verdict = top.kind === 'transfer' ? 'transfer-pays' : top.kind === 'scratch' ? 'scratch-better' : 'baseline-better';
  const vs = (r: AssessRow | undefined, other: AssessRow | undefined, label: string) => (r && other ? `${gain(r.ndcg10, other.ndcg10)} over ${label}` : undefined);
  const advice =
    verdict === 'transfer-pays'
      ? `transfer pays on this sample: ${top.name} ranks best (${[vs(top, best.scratch, 'scratch'), vs(top, best.baseline, `the ${best.baseline?.name} baseline`)].filter(Boolean).join(', ')}); train it with \`headstart transfer recommend --backbone ${top.backbone} --strategy ${top.strategy}\``
      : verdict === 'scratch-better'
        ? `transfer does not pay on this sample: ${top.name} (trained from scratch) ranks best (${vs(top, best.transferred, best.transferred?.name ?? 'transfer')}); the log is far from the pretraining data — use \`headstart transfer recommend --backbone ${top.backbone} --strategy scratch\``
        : `no learned model beats the ${top.name} baseline on this sample (${vs(top, best.transferred ?? best.scratch, (best.transferred ?? best.scratch)?.name ?? 'the models')}); use the baseline, or more data`;
  return { descriptors: describeLog(split.beforeTest, N), rows, best, verdict, advice, seconds: (performance.now() - t0) / 1000 };
}
