import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Rng } from '../../core/random.js';
import { exampleEventsCsv } from '../../plugins/recommendation/pretraining/example-events.js';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { sha256 } from '../../core/io/sha256.js';
import type { ForecastDataset, Series } from '../../plugins/forecasting/contracts.js';
import { PATCH_MIXER_WEIGHTS } from '../../plugins/forecasting/backbones/patch-mixer.js';

/** A fresh temp folder; the caller removes it. */
/** Deterministic values in [-scale/2, scale/2) from the project's seeded RNG (tf.random's stream is not what a test is about). */
export function seededValues(seed: number, n: number, scale = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-0.5, 0.5) * scale);
}

export function tempDir(prefix = 'headstart-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** True when the copy at `dir` is a complete weights folder whose files match its manifest's sha256. */
function consistent(dir: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
    const files = Object.entries(manifest.files);
    return files.length > 0 && files.every(([f, hash]) => sha256(readFileSync(join(dir, f))) === hash);
  } catch {
    return false;
  }
}

/**
 * Copies a weights folder that a background process may swap at any time (atomic folder rename) into
 * a temp folder, retrying when the copy caught the swap half-way. Undefined when there are no weights.
 */
export function copyWeights(src: string = PATCH_MIXER_WEIGHTS): string | undefined {
  let seen = false;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (attempt > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    if (!existsSync(join(src, 'manifest.json'))) continue;
    seen = true;
    const dst = tempDir('headstart-weights-');
    try {
      for (const f of readdirSync(src)) cpSync(join(src, f), join(dst, f), { recursive: true });
      if (consistent(dst)) return dst;
    } catch {
      // the folder was swapped mid-copy; retry
    }
    rmSync(dst, { recursive: true, force: true });
  }
  if (!seen) return undefined;
  throw new Error(`could not take a consistent copy of ${src}`);
}

/** Whether pretrained weights exist at all (checked without copying). */
export function weightsShipped(src: string = PATCH_MIXER_WEIGHTS): boolean {
  // Mid-swap the folder is briefly absent while its replacement still has a temp name.
  return existsSync(src) || readdirSync(dirname(src)).some((n) => n.startsWith(`.${basename(src)}.`));
}

/** Monthly UTC timestamps starting at `year`-`month`. */
export function monthly(n: number, year = 2015, month = 1): number[] {
  return Array.from({ length: n }, (_, t) => Date.UTC(year, month - 1 + t, 1));
}

/** A small deterministic seasonal dataset: level + trend + yearly season + a little noise. */
export function seasonalDataset(opts: { series?: number; length?: number; covariate?: boolean } = {}): ForecastDataset {
  const nSeries = opts.series ?? 6;
  const length = opts.length ?? 48;
  const series: Series[] = [];
  for (let i = 0; i < nSeries; i++) {
    const values: number[] = [];
    const price: number[] = [];
    for (let t = 0; t < length; t++) {
      const noise = Math.sin(t * 12.9898 + i * 78.233) * 0.5;
      values.push(20 + 5 * i + 0.2 * t + (3 + i) * Math.sin((2 * Math.PI * (t + i)) / 12) + noise);
      price.push(10 + ((t * 7 + i * 3) % 5));
    }
    series.push({ id: `s${i}`, timestamps: monthly(length), values, covariates: opts.covariate ? { price } : {} });
  }
  return { source: 'synthetic.csv', frequency: 'monthly', seasonalPeriod: 12, series, covariateNames: opts.covariate ? ['price'] : [], notices: [] };
}

/** Events CSV: users whose next item is usually the last one + 1 (the pretrainers' example log). */
export function writeEventsCsv(path: string, users: number, items: number, seed: number, prefix = { user: 'u', item: 'i' }): void {
  writeFileSync(path, exampleEventsCsv(users, items, seed, prefix));
}
