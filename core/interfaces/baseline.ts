import type { TaskKind } from './backbone.js';

/** A training-free (or classical) method a task compares transfer against; each task plugin extends it with its own fit/forecast contract. */
export interface Baseline {
  readonly id: string;
  readonly task: TaskKind;
  readonly description: string;
}
