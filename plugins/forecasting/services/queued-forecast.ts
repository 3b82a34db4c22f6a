import { runJobs, type JobSpec } from '../../../core/queue/submit.js';
import { fileRef, modelFolderRef } from '../../../core/queue/file-ref.js';
import type { QueueConnection } from '../../../core/queue/connection.js';
import type { ForecastLoadOptions } from '../data/csv-loader.js';
import { ForecastShardJob, type ForecastShardPayload, type ForecastShardResult } from '../jobs/forecast-shard.js';

/** Series per job unless --shard-size says otherwise: a multiple of the predict batch (see forecast-shard.ts), seconds of work per job. */
export const DEFAULT_FORECAST_SHARD = 1024;

export interface QueuedForecastOptions {
  model: string;
  data: string;
  future?: string;
  load: ForecastLoadOptions;
  /** How many series the data file holds (read by the submitting command). */
  series: number;
  shardSize: number;
  precision: number;
  onProgress?(done: number, total: number): void;
}

export interface QueuedForecast {
  /** The whole forecast CSV, byte for byte what a local `headstart forecast` writes. */
  csv: string;
  shards: number;
  /** The tfjs backends the workers ran on. */
  backends: string[];
}

/**
 * `headstart forecast --queue`: one job per range of series, results joined in the file's order.
 * Workers read the model folder and the data file by path and check their sha256 first.
 */
export async function forecastOnQueue(queue: QueueConnection, o: QueuedForecastOptions): Promise<QueuedForecast> {
  const [model, data, future] = await Promise.all([modelFolderRef(o.model), fileRef(o.data), o.future ? fileRef(o.future) : undefined]);
  const jobs: JobSpec[] = [];
  for (let first = 0; first < o.series; first += o.shardSize) {
    const payload: ForecastShardPayload = { model, data, ...(future ? { future } : {}), load: o.load, first, count: Math.min(o.shardSize, o.series - first), precision: o.precision };
    jobs.push({ kind: ForecastShardJob.id, payload });
  }
  const parts = await runJobs<ForecastShardResult>(queue, jobs, { onProgress: o.onProgress });
  const lines = [parts[0]!.header, ...parts.map((p) => p.rows).filter((r) => r.length > 0)];
  return { csv: lines.join('\n') + '\n', shards: parts.length, backends: [...new Set(parts.map((p) => p.backend))].sort() };
}
