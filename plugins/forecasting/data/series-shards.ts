/**
 * Splits a long-format forecasting CSV into one file per shard of series, so that a queue worker
 * reads only its shard's rows (its memory follows --shard-size, not the input). Each shard file is
 * the input's header plus, in file order, the rows of the series the shard holds; loaded with the
 * same options (and the whole file's frequency and seasonal period, so a shard infers nothing on
 * its own) it gives those series exactly as the whole file does.
 */
import { createHash, type Hash } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ForecastDataset } from '../contracts.js';
import { isColumnarFile } from '../../../core/io/columnar.js';
import { csvQuoted } from '../../../core/io/csv-cell.js';
import { streamDelimited } from '../../../core/io/delimited-stream.js';
import type { FileRef } from '../../../core/queue/file-ref.js';
import type { ForecastLoadOptions } from './csv-loader.js';
import { CSV_FILE_ROLE, dedupeNames } from './csv-table.js';

/** Bytes a shard's pending rows may take before they are appended to its file. */
const FLUSH_BYTES = 256 * 1024;

export interface SeriesShards {
  /** Shard k's file, by path and sha256 (hashed as written): series k·shardSize … (k+1)·shardSize − 1 of the dataset, in its order. */
  files: FileRef[];
  /** The options each shard file is read with. */
  load: ForecastLoadOptions;
}

/** Thrown from the record callback to stop reading a file whose header the splitter cannot map. */
class Unsplittable extends Error {}

/** One shard file being written: rows wait in memory up to FLUSH_BYTES, and the digest follows every byte written. */
class ShardWriter {
  private pending: string[] = [];
  private size = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(readonly path: string) {}

  start(header: string): void {
    writeFileSync(this.path, header);
    this.hash.update(header);
  }

  add(line: string): void {
    this.pending.push(line);
    this.size += line.length;
    if (this.size > FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    appendFileSync(this.path, text);
    this.hash.update(text);
    this.pending = [];
    this.size = 0;
  }

  finish(): FileRef {
    this.flush();
    return { path: this.path, sha256: this.hash.digest('hex') };
  }
}

/**
 * Writes the shard files of `file` (already loaded as `dataset` with `load`) into `dir`; undefined
 * when the file cannot be split by rows (wide layout, Arrow or Parquet): workers then read it whole.
 */
export async function writeSeriesShards(file: string, dataset: ForecastDataset, load: ForecastLoadOptions, shardSize: number, dir: string): Promise<SeriesShards | undefined> {
  if (isColumnarFile(file) || dataset.columns?.id === undefined) return undefined;
  const idSpec = load.idColumn ?? dataset.columns.id;
  const idNames = idSpec.split(',').map((c) => c.trim()).filter((c) => c !== '');
  const shardOf = new Map<string, number>(dataset.series.map((s, i) => [s.id, Math.floor(i / shardSize)]));
  mkdirSync(dir, { recursive: true });
  const writers = Array.from({ length: Math.ceil(dataset.series.length / shardSize) }, (_, k) => new ShardWriter(join(resolve(dir), `shard-${String(k).padStart(5, '0')}.csv`)));
  let idAt: number[] | undefined;
  try {
    await streamDelimited(file, CSV_FILE_ROLE, ',', (fields) => {
      const line = fields.map(csvQuoted).join(',') + '\n';
      if (idAt === undefined) {
        const names = load.dedupeColumns ? dedupeNames(fields) : fields;
        idAt = idNames.map((n) => names.indexOf(n));
        if (idAt.some((i) => i < 0)) throw new Unsplittable();
        for (const w of writers) w.start(line);
        return;
      }
      // The loader's series id: each id cell trimmed, joined by '/'; rows of series it dropped go nowhere.
      const k = shardOf.get(idAt.map((i) => (fields[i] ?? '').trim()).join('/'));
      if (k !== undefined) writers[k]!.add(line);
    });
  } catch (err) {
    if (err instanceof Unsplittable) return undefined;
    throw err;
  }
  return {
    files: writers.map((w) => w.finish()),
    load: { ...load, format: 'long', idColumn: idSpec, valueColumn: dataset.columns.value, frequency: dataset.frequency, seasonalPeriod: dataset.seasonalPeriod },
  };
}
