import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ForecastDataset } from '../contracts.js';
import { runJobs, type JobSpec } from '../../../core/queue/submit.js';
import { fileRef, modelFolderRef } from '../../../core/queue/file-ref.js';
import type { QueueConnection } from '../../../core/queue/connection.js';
import type { ForecastLoadOptions } from '../data/csv-loader.js';
import { writeSeriesShards } from '../data/series-shards.js';
import { ForecastShardJob, type ForecastShardPayload, type ForecastShardResult } from '../jobs/forecast-shard.js';

/** Series per job unless --shard-size says otherwise: a multiple of the predict batch (see forecast-shard.ts), seconds of work per job. */
export const DEFAULT_FORECAST_SHARD = 1024;

export interface QueuedForecastOptions {
  model: string;
  data: string;
  future?: string;
  load: ForecastLoadOptions;
  /** The data file as the submitting command loaded it with `load`. */
  dataset: ForecastDataset;
  shardSize: number;
  /**
   * A folder every worker can read, where a long-format CSV is split into one file per shard (in a
   * fresh subfolder, removed after the run); absent: every worker reads the whole data file.
   */
  shardDir?: string;
  precision: number;
  onProgress?(done: number, total: number): void;
  /** Told when jobs Redis lost were queued again (see runJobs). */
  onRequeued?(jobs: number): void;
}

export interface QueuedForecast {
  /** The whole forecast CSV, byte for byte what a local `headstart forecast` writes. */
  csv: string;
  shards: number;
  /** The tfjs backends the workers ran on. */
  backends: string[];
  /** Whether each job read a file of its own shard's series (else the whole data file). */
  splitInput: boolean;
}

/**
 * `headstart forecast --queue`: one job per range of series, results joined in the file's order.
 * Workers read the model folder and their data (the shard's file when the input was split, else the
 * whole data file) by path, and check their sha256 first.
 */
export async function forecastOnQueue(queue: QueueConnection, o: QueuedForecastOptions): Promise<QueuedForecast> {
  const series = o.dataset.series.length;
  const scratch = o.shardDir !== undefined ? mkdtempSync(join(resolve(o.shardDir), '.headstart-shards-')) : undefined;
  try {
    const split = scratch !== undefined ? await writeSeriesShards(o.data, o.dataset, o.load, o.shardSize, scratch) : undefined;
    const [model, data, future] = await Promise.all([modelFolderRef(o.model), split ? undefined : fileRef(o.data), o.future ? fileRef(o.future) : undefined]);
    const jobs: JobSpec[] = [];
    for (let first = 0, k = 0; first < series; first += o.shardSize, k++) {
      const count = Math.min(o.shardSize, series - first);
      // A shard file was hashed as it was written: no second read here.
      const input = split ? { data: split.files[k]!, load: split.load, first: 0, offset: first } : { data: data!, load: o.load, first };
      const payload: ForecastShardPayload = { model, ...input, ...(future ? { future } : {}), count, precision: o.precision };
      jobs.push({ kind: ForecastShardJob.id, payload });
    }
    const parts = await runJobs<ForecastShardResult>(queue, jobs, { onProgress: o.onProgress, onRequeued: o.onRequeued });
    const lines = [parts[0]!.header, ...parts.map((p) => p.rows).filter((r) => r.length > 0)];
    return { csv: lines.join('\n') + '\n', shards: parts.length, backends: [...new Set(parts.map((p) => p.backend))].sort(), splitInput: split !== undefined };
  } finally {
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
}
