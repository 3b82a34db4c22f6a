import type { ForecastBaseline } from '../contracts.js';

/**
 * A baseline that fits each history once: the same ETS forecasts then serve the mean, the selection
 * and the quantile calibration. Keyed by the whole history (two series that share a few values must not share a forecast),
 * horizon and period.
 */
export function memoisedBaseline(b: ForecastBaseline): ForecastBaseline {
  const cache = new Map<string, number[]>();
  const qcache = new Map<string, number[][]>();
  const keyOf = (history: number[], horizon: number, m: number) => `${horizon}|${m}|${history.join(',')}`;
  return {
    id: b.id, task: b.task, description: b.description,
    forecast(history, horizon, m) {
      const key = keyOf(history, horizon, m);
      let f = cache.get(key);
      if (!f) cache.set(key, (f = b.forecast(history, horizon, m)));
      return f;
    },
    ...(b.forecastQuantiles
      ? {
          forecastQuantiles(history: number[], horizon: number, m: number, levels: readonly number[]) {
            const key = `${keyOf(history, horizon, m)}|${levels.join(',')}`;
            let q = qcache.get(key);
            if (!q) qcache.set(key, (q = b.forecastQuantiles!(history, horizon, m, levels)));
            return q;
          },
        }
      : {}),
  };
}
