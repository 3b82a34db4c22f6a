/**
 * Interval calibration on the validation windows. A pretrained quantile head spreads its quantiles
 * as the pretraining corpus's noise did; a target's noise differs (on aus_retail the zero-shot 80%
 * interval covered 91% of test values). One spread scale per level, shared by every series and
 * step and fit on the validation windows before the test window, moves each level toward its
 * nominal coverage without training: q'ₖ = point + sₖ·(qₖ − point), sₖ minimising the pinball loss
 * of level k (the quantity WQL sums) over a grid. The median keeps scale 1; the scaled quantiles are
 * sorted per step, so they still never cross.
 */
import { pinball } from '../../core/evaluation/quantile-metrics.js';

/** Scales tried: 49 points, log-spaced from 1/4 to 4 (an interval a quarter to four times as wide). */
export const SPREAD_GRID: readonly number[] = Array.from({ length: 49 }, (_, i) => Math.exp(Math.log(0.25) + (i / 48) * Math.log(16)));

/** Fewer validation values than this leave the head's spread as it is (scale 1): too few to fit on. */
export const MIN_CALIBRATION_VALUES = 48;

/** One window: the actual values, the point forecast, and quantiles [level][step] before scaling. */
export interface CalibrationWindow {
  actual: readonly number[];
  point: readonly number[];
  quantiles: readonly (readonly number[])[];
  /** Whether this window's forecasts are clipped at zero. */
  clip: boolean;
}

/** Quantiles [level][step] of one window with the spread scales applied: scaled, sorted per step, clipped. */
export function applySpread(point: readonly number[], quantiles: readonly (readonly number[])[], scales: readonly number[], clip: boolean): number[][] {
  const out = quantiles.map((row, k) => row.map((v, h) => point[h]! + scales[k]! * (v - point[h]!)));
  for (let h = 0; h < point.length; h++) {
    const column = out.map((row) => row[h]!).sort((a, b) => a - b);
    column.forEach((v, k) => (out[k]![h] = clip ? Math.max(0, v) : v));
  }
  return out;
}

/** The pinball-optimal spread scale of every level over `windows` (1 for the median, and for all when data are too few). */
export function fitSpreadScales(windows: readonly CalibrationWindow[], levels: readonly number[]): number[] {
  const values = windows.reduce((n, w) => n + w.actual.filter(Number.isFinite).length, 0);
  if (values < MIN_CALIBRATION_VALUES) return levels.map(() => 1);
  return levels.map((level, k) => {
    if (Math.abs(level - 0.5) < 1e-9) return 1;
    let best = 1;
    let bestLoss = Infinity;
    for (const s of SPREAD_GRID) {
      let loss = 0;
      for (const w of windows) {
        for (let h = 0; h < w.actual.length; h++) {
          const y = w.actual[h]!;
          if (!Number.isFinite(y)) continue;
          const q = w.point[h]! + s * (w.quantiles[k]![h]! - w.point[h]!);
          loss += pinball(y, w.clip ? Math.max(0, q) : q, level);
        }
      }
      // Ties (a level whose spread is zero on every window) keep the scale closest to 1.
      if (loss < bestLoss - 1e-12 || (Math.abs(loss - bestLoss) <= 1e-12 && Math.abs(Math.log(s)) < Math.abs(Math.log(best)))) {
        best = s;
        bestLoss = loss;
      }
    }
    return best;
  });
}
