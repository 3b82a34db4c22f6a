import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AutoETS, initSync as initEts } from '@bsull/augurs/ets';
import { MSTL, initSync as initMstl } from '@bsull/augurs/mstl';
import { injectable } from 'inversify';
import type { ForecastBaseline } from '../../../core/interfaces/forecast.js';
import { seasonalNaiveForecast } from './seasonal-naive.js';

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
    const m = Math.floor(seasonalPeriod);
    ensureAugurs(); // outside the try: a broken install is a bug, not a fallback
    try {
      const point = m > 1 && history.length >= 2 * m + 1 ? fitMstl(history, horizon, m) : fitAutoEts(history, horizon);
      if (point.length === horizon && point.every(Number.isFinite)) return point;
    } catch {
      // Fall through: augurs rejects e.g. very short series; a baseline must still produce a forecast.
    }
    this.fallbacks++;
    return seasonalNaiveForecast(history, horizon, m);
  }
}

function fitMstl(y: number[], horizon: number, m: number): number[] {
  const model = MSTL.ets([m]);
  try {
    model.fit(y);
    return model.predict(horizon).point;
  } finally {
    model.free(); // wasm memory is not garbage-collected
  }
}

function fitAutoEts(y: number[], horizon: number): number[] {
  const model = new AutoETS(1, 'ZZN');
  try {
    model.fit(y);
    return model.predict(horizon).point;
  } finally {
    model.free();
  }
}
