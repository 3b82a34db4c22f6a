import type { TaskKind } from './backbone.js';

/** Reads a user's file into a task dataset; throws a DataError naming the file/row/column on bad input. */
export interface DataAdapter<TOptions, TDataset> {
  readonly id: string;
  readonly task: TaskKind;
  readonly description: string;
  load(path: string, options: TOptions): Promise<TDataset>;
}
