import type { TaskKind } from './backbone.js';

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
}

export interface PretrainSummary {
  out: string;
  steps: number;
  wallSeconds: number;
  parameters: number;
  finalLoss: Record<string, number>;
}
