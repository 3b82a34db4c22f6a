/**
 * Splits a long-format forecasting CSV into one file per shard of series, so that a queue worker
 * reads only its shard's rows (its memory follows --shard-size, not the input). Each shard file is
 * the input's header plus, in file order, the rows of the series the shard holds; loaded with the
 * same options (and the whole file's frequency and seasonal period, so a shard infers nothing on
 * its own) it gives those series exactly as the whole file does.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ForecastDataset } from '../../../core/interfaces/index.js';
import { isColumnarFile } from '../../../core/io/columnar.js';
import { streamDelimited } from '../../../core/io/delimited-stream.js';
import type { ForecastLoadOptions } from './csv-loader.js';
import { dedupeNames } from './csv-table.js';

/** Bytes a shard's pending rows may take before they are appended to its file. */
const FLUSH_BYTES = 256 * 1024;

export interface SeriesShards {
  /** Shard k's file: series k·shardSize … (k+1)·shardSize − 1 of the dataset, in its order. */
  files: string[];
  /** The options each shard file is read with. */
  load: ForecastLoadOptions;
}

/** One CSV field as written back: quoted only where the tokenizer would otherwise read it differently. */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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
  const shards = Math.ceil(dataset.series.length / shardSize);
  mkdirSync(dir, { recursive: true });
  const files = Array.from({ length: shards }, (_, k) => join(dir, `shard-${String(k).padStart(5, '0')}.csv`));
  const pending: string[][] = files.map(() => []);
  const size = new Array<number>(shards).fill(0);
  const flush = (k: number) => {
    if (pending[k]!.length === 0) return;
    appendFileSync(files[k]!, pending[k]!.join(''));
    pending[k] = [];
    size[k] = 0;
  };
  let idAt: number[] | undefined;
  let splittable = true;
  await streamDelimited(file, { kind: 'CSV file', path: 'the .csv file', content: 'data rows' }, ',', (fields) => {
    if (!splittable) return;
    const line = fields.map(csvField).join(',') + '\n';
    if (idAt === undefined) {
      const names = load.dedupeColumns ? dedupeNames(fields) : fields;
      idAt = idNames.map((n) => names.indexOf(n));
      if (idAt.some((i) => i < 0)) {
        splittable = false;
        return;
      }
      files.forEach((f) => writeFileSync(f, line));
      return;
    }
    // The loader's series id: each id cell trimmed, joined by '/'; rows of series it dropped go nowhere.
    const k = shardOf.get(idAt.map((i) => (fields[i] ?? '').trim()).join('/'));
    if (k === undefined) return;
    pending[k]!.push(line);
    size[k]! += line.length;
    if (size[k]! > FLUSH_BYTES) flush(k);
  });
  if (!splittable) return undefined;
  files.forEach((_, k) => flush(k));
  return {
    files,
    load: { ...load, format: 'long', idColumn: idSpec, valueColumn: dataset.columns.value, frequency: dataset.frequency, seasonalPeriod: dataset.seasonalPeriod },
  };
}
