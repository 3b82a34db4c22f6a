import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AutoETS, initSync as initEts } from '@bsull/augurs/ets';
import { MSTL, initSync as initMstl } from '@bsull/augurs/mstl';
import { injectable } from 'inversify';
import type { ForecastBaseline } from '../contracts.js';
import { seasonalNaiveQuantiles } from './seasonal-naive.js';

let initialised = false;

/**
 * The augurs modules are wasm-bindgen builds whose default init fetch()es the .wasm,
 * which Node cannot do for file URLs; load the bytes ourselves, once, on first use.
 * require.resolve honours the package's `exports` ("./ets" -> ./ets.js), giving us its folder.
 */
function ensureAugurs(): void {
  if (initialised) return;
  const dir = dirname(createRequire(import.meta.url).resolve('@bsull/augurs/ets'));
  initEts({ module: readFileSync(join(dir, 'ets_bg.wasm')) });
  initMstl({ module: readFileSync(join(dir, 'mstl_bg.wasm')) });
  initialised = true;
}

/** Library-fitted ETS. augurs' AutoETS only fits non-seasonal models, so seasonality goes through MSTL. */
@injectable()
export class EtsBaseline implements ForecastBaseline {
  readonly id = 'ets';
  readonly task = 'forecast' as const;
  readonly description = 'ETS via augurs (MSTL + AutoETS for seasonal series)';
  /** Series where augurs failed or returned non-finite values and seasonal naive was used instead. */
  fallbacks = 0;

  forecast(history: number[], horizon: number, seasonalPeriod: number): number[] {
    return this.forecastQuantiles(history, horizon, seasonalPeriod, [0.5])[0]!;
  }

  /**
   * ETS's own prediction intervals: level q < 0.5 is the lower bound of the central 1 − 2q interval,
   * q > 0.5 the upper bound of the 2q − 1 interval, 0.5 the point forecast. Falls back to seasonal
   * naive with empirical-residual quantiles where augurs fails.
   */
  forecastQuantiles(history: number[], horizon: number, seasonalPeriod: number, levels: readonly number[]): number[][] {
    const m = Math.floor(seasonalPeriod);
    ensureAugurs(); // outside the try: a broken install is a bug, not a fallback
    try {
      const rows = withFitted(history, m, (predict) => levels.map((q) => {
        if (q === 0.5) return predict(horizon, null).point;
        const iv = predict(horizon, Math.abs(2 * q - 1)).intervals;
        if (!iv) throw new Error('no intervals');
        return q < 0.5 ? iv.lower : iv.upper;
      }));
      if (rows.every((r) => r.length === horizon && r.every(Number.isFinite))) return nonCrossing(rows, levels);
    } catch {
      // Fall through: augurs rejects e.g. very short series; a baseline must still produce a forecast.
    }
    this.fallbacks++;
    return seasonalNaiveQuantiles(history, horizon, m, levels);
  }
}

type Predict = (horizon: number, level: number | null) => { point: number[]; intervals?: { lower: number[]; upper: number[] } };

/** Fits MSTL + ETS (seasonal) or AutoETS once and hands its predict to `use`; frees the wasm model after. */
function withFitted<T>(y: number[], m: number, use: (predict: Predict) => T): T {
  const model = m > 1 && y.length >= 2 * m + 1 ? MSTL.ets([m]) : new AutoETS(1, 'ZZN');
  try {
    model.fit(y);
    return use((h, level) => model.predict(h, level));
  } finally {
    model.free(); // wasm memory is not garbage-collected
  }
}

/** Sorts each step's values across levels so quantiles never cross (levels given ascending or not). */
function nonCrossing(rows: number[][], levels: readonly number[]): number[][] {
  const order = levels.map((_, k) => k).sort((a, b) => levels[a]! - levels[b]!);
  const out = rows.map((r) => [...r]);
  for (let t = 0; t < (rows[0]?.length ?? 0); t++) {
    const sorted = order.map((k) => rows[k]![t]!).sort((a, b) => a - b);
    order.forEach((k, j) => (out[k]![t] = sorted[j]!));
  }
  return out;
}
