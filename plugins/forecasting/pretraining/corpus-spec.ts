import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataError } from '../../../core/errors.js';
import type { CorpusFileOptions } from './corpus.js';

/**
 * A pretraining corpus written down once: `{ "files": [{ "path", "idColumn"?, "valueColumn",
 * "orderColumn"?, "timeColumn"?, "period"? }] }`, paths relative to the spec file. Files of
 * different layouts (one id column here, two there, a single series elsewhere) need one spec
 * rather than one set of column flags.
 */
export function readCorpusSpec(specPath: string): (CorpusFileOptions & { path: string })[] {
  if (!existsSync(specPath)) throw new DataError(`${specPath}: corpus spec not found`, 'file-missing');
  let spec: unknown;
  try {
    spec = JSON.parse(readFileSync(specPath, 'utf8'));
  } catch (e) {
    throw new DataError(`${specPath}: not valid JSON (${(e as Error).message})`, 'bad-spec');
  }
  const files = (spec as { files?: unknown }).files;
  if (!Array.isArray(files) || files.length === 0) throw new DataError(`${specPath}: needs a non-empty "files" list`, 'bad-spec');
  return files.map((f: Record<string, unknown>, i) => {
    const where = `${specPath}: files[${i}]`;
    if (typeof f.path !== 'string' || typeof f.valueColumn !== 'string') throw new DataError(`${where} needs "path" and "valueColumn" strings`, 'bad-spec');
    if (f.period !== undefined && !(Number.isInteger(f.period) && (f.period as number) >= 1)) throw new DataError(`${where}: "period" must be a whole number >= 1`, 'bad-spec');
    for (const k of ['idColumn', 'orderColumn', 'timeColumn'] as const) {
      if (f[k] !== undefined && typeof f[k] !== 'string') throw new DataError(`${where}: "${k}" must be a string`, 'bad-spec');
    }
    return {
      path: resolve(dirname(specPath), f.path),
      idColumn: f.idColumn as string | undefined,
      valueColumn: f.valueColumn,
      orderColumn: f.orderColumn as string | undefined,
      timeColumn: f.timeColumn as string | undefined,
      period: f.period as number | undefined,
    };
  });
}
