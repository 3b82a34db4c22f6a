import type { TaskKind } from './backbone.js';

/** Settings every pretraining run has, whatever its task (the loop in core/training/pretrain-loop.ts). */
export interface PretrainRunOptions {
  /** Length of the learning-rate schedule. */
  steps: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Stop early (recording the steps reached) after this many minutes. */
  maxMinutes?: number;
  /** Stop after this many steps while keeping the learning-rate schedule of `steps`: re-runs a time-capped run exactly. */
  stopAfter?: number;
  /** Save a complete, loadable weights folder every this many steps. */
  checkpointEvery: number;
  /**
   * Decay of an exponential moving average of the weights (e.g. 0.999); when set, checkpoints and
   * the held-out loss use the averaged weights, which are steadier than the last step's. 0/absent: off.
   */
  emaDecay?: number;
  /** Continue from the full training state the last checkpoint kept beside the output folder (`<out>.resume/`). */
  resume?: boolean;
  /** Replace an existing output folder even if headstart did not write it. */
  force?: boolean;
  /**
   * Set when this run is one of `world` data-parallel replicas (worker threads): it draws
   * `batchSize / world` examples per step from its own sampler stream (see replicaBatch,
   * replicaSeed), averages gradients with the others through `shared`, and writes only as rank 0.
   */
  replica?: ReplicaContext;
}

/** Where a data-parallel replica stands among the others. */
export interface ReplicaContext {
  rank: number;
  world: number;
  /** The gradient exchange every replica shares (core/training/replica-exchange.ts). */
  shared: SharedArrayBuffer;
}

/** Progress of a long pretraining run. */
export interface PretrainProgress {
  step: number;
  steps: number;
  loss: number;
  elapsedSeconds: number;
}

/** Produces shipped weights for one backbone from a corpus; `TOptions` is task-specific. */
export interface Pretrainer<TOptions> {
  /** The backbone id whose weights this produces. */
  readonly backboneId: string;
  readonly task: TaskKind;
  run(options: TOptions & { out: string; command: string; onProgress?: (p: PretrainProgress) => void }): Promise<PretrainSummary>;
  /**
   * Options of a two-step run on a tiny fixture corpus this writes under `workDir`: what the contract
   * suite pretrains every registered pretrainer with, so a new one is checked end to end.
   */
  exampleOptions(workDir: string): Promise<TOptions>;
}

export interface PretrainSummary {
  out: string;
  steps: number;
  wallSeconds: number;
  parameters: number;
  finalLoss: Record<string, number>;
}
