import { inject, injectable } from 'inversify';
import type { JobKind } from '../../core/interfaces/index.js';
import type { EventsDataset, EventsSplit } from '../../plugins/recommendation/contracts.js';
import { ModelError } from '../../core/errors.js';
import { currentBackend } from '../../core/backend.js';
import { STRATEGY_NAMES } from '../../core/training/strategies.js';
import { shippedWeights } from '../../core/io/weights-manifest.js';
import { PayloadReader } from '../../core/queue/payload.js';
import { verifyFileRef, type FileRef } from '../../core/queue/file-ref.js';
import { LastLoaded } from '../../core/queue/last-loaded.js';
import { RECOMMEND_SERVICE } from '../../plugins/recommendation/module.js';
import type { RecommendService } from '../../plugins/recommendation/services/recommend-service.js';
import { loadEvents } from '../../plugins/recommendation/data/events-loader.js';
import type { SuiteBudget } from '../suites/forecast-multi-data.js';
import type { RecsysRun } from '../suites/recommend-data-savings-report.js';
import { baseSplit, runRecsysCell, type RecsysCell, type RecsysCellSettings } from '../services/recommend-savings-cell.js';

/** A recommend-savings cell: the events file by reference, the cell's coordinates and the run's settings. */
export interface RecsysCellPayload {
  events: FileRef;
  cell: RecsysCell;
  settings: RecsysCellSettings;
  /** Methods of this (share, seed) the submitter's runs file holds already (not computed again). */
  done: string[];
}

export interface RecommendBenchCellResult {
  runs: RecsysRun[];
  backend: string;
}

/**
 * One cell of `headstart bench recommend-savings --queue`. The payload holds only coordinates and
 * the events file by reference; the work is the suite's own cell function, the one its local run
 * calls.
 */
@injectable()
export class RecommendBenchCellJob implements JobKind<RecsysCellPayload, RecommendBenchCellResult> {
  static readonly id = 'recommend-bench-cell';
  readonly id = RecommendBenchCellJob.id;
  readonly description = 'one cell of the recommendation data-savings sweep (headstart bench recommend-savings --queue)';
  private readonly inputs = new LastLoaded<{ ds: EventsDataset; base: EventsSplit }>();

  constructor(
    // Lazy: module.ts, which defines the token, imports this file.
    @inject(RECOMMEND_SERVICE) private readonly service: RecommendService,
  ) {}

  parse(payload: unknown): RecsysCellPayload {
    const p = new PayloadReader(this.id, payload);
    const c = p.nested('cell');
    const kind = c.oneOf('kind', ['reference', 'trained'] as const);
    const at = { fraction: c.number('fraction', Number.MIN_VALUE, 1), seed: c.int('seed', 0) };
    const cell: RecsysCell = kind === 'reference' ? { kind, ...at, zeroShot: c.boolean('zeroShot') } : { kind, ...at, strategy: c.oneOf('strategy', STRATEGY_NAMES) };
    const s = p.nested('settings');
    let budget: SuiteBudget | undefined;
    if (s.has('budget')) {
      const b = s.nested('budget');
      budget = {};
      for (const k of ['epochs', 'maxStepsPerEpoch', 'patience'] as const) {
        const v = b.optionalInt(k, 1);
        if (v !== undefined) budget[k] = v;
      }
    }
    const countingShare = s.has('countingShare') ? s.number('countingShare', 0, 1) : undefined;
    return {
      events: p.fileRef('events'),
      cell,
      settings: {
        backbone: s.string('backbone'),
        weightsSteps: s.optionalInt('weightsSteps', 0),
        quick: s.boolean('quick'),
        ...(budget ? { budget } : {}),
        batch: s.int('batch', 1),
        valCases: s.int('valCases', 1),
        heldOutValidation: s.number('heldOutValidation', 0, 1),
        testCases: s.optionalInt('testCases', 1),
        itemTransfer: s.oneOf('itemTransfer', ['never', 'same-catalogue'] as const),
        selectBy: s.oneOf('selectBy', ['loss', 'ndcg'] as const),
        ...(countingShare !== undefined ? { countingShare } : {}),
      },
      done: p.strings('done'),
    };
  }

  async run(p: RecsysCellPayload): Promise<RecommendBenchCellResult> {
    // The pretrained strategies must start from the weights the submitter's runs did.
    const dir = (this.service.backbone(p.settings.backbone) as { weightsDir?: string }).weightsDir;
    const steps = dir ? shippedWeights(dir).manifest?.steps : undefined;
    if (steps !== p.settings.weightsSteps) {
      throw new ModelError(`${p.settings.backbone}: this worker's weights are of ${steps ?? 'no'} pretraining steps, the submitted run's of ${p.settings.weightsSteps ?? 'none'}; every worker must run the same headstart and weights`, 'weights-differ');
    }
    await verifyFileRef(p.events, 'events file');
    const { ds, base } = await this.inputs.get(`${p.events.sha256}:${p.settings.testCases ?? 'all'}`, async () => {
      const ds = await loadEvents(p.events.path);
      return { ds, base: baseSplit(ds, p.settings.testCases) };
    });
    const backend = currentBackend()?.active ?? 'unknown';
    return { runs: await runRecsysCell(this.service, ds, base, p.cell, p.settings, backend, new Set(p.done)), backend };
  }
}
