import type { ForecastDataset } from './contracts.js';
import { UsageError } from '../../core/errors.js';
import type { Cut } from './data/windows.js';

/** When forecasts are clipped at zero: `auto` for series whose history has no negative value. */
export type NonNegativeMode = 'auto' | 'always' | 'never';
export const NON_NEGATIVE_MODES: readonly NonNegativeMode[] = ['auto', 'always', 'never'];

/**
 * How the model's forecast is combined with a classical partner (a registered baseline, ETS by
 * default): `model` alone, the `mean` of both, or the `partner` alone. `select` (an option of
 * transfer, never saved) picks one of the three by the validation windows.
 */
export type CombineMethod = 'model' | 'mean' | 'partner';
export type CombineOption = 'none' | 'mean' | 'select';
export const COMBINE_OPTIONS: readonly CombineOption[] = ['none', 'mean', 'select'];

export interface Combination {
  method: CombineMethod;
  /** Baseline id of the partner. */
  partner: string;
  /** Validation relative MASE of each candidate, when chosen by `select`. */
  validation?: Partial<Record<CombineMethod, number>>;
}

/**
 * Intermittent demand (Syntetos–Boylan: mean interval between demands above 1.32, i.e. more than
 * about a quarter of the recent steps are zero): under absolute-error metrics such as MASE the best
 * point forecast is the median, which for these series is usually 0; a model's mean-like forecast
 * loses to the all-zero forecast there. `auto` forecasts the median of the recent window for such
 * series; `model` leaves them to the model.
 */
export type IntermittentMode = 'auto' | 'model';
export const INTERMITTENT_MODES: readonly IntermittentMode[] = ['auto', 'model'];
export const INTERMITTENT_ZERO_SHARE = 1 - 1 / 1.32;

/** The recent window an intermittency decision looks at: two seasons, at least 24 steps. */
export function recentWindow(history: readonly number[], seasonalPeriod: number): number[] {
  return history.slice(-Math.max(24, 2 * seasonalPeriod));
}

/** The median of the recent window when the series is intermittent and never negative there; undefined otherwise. */
export function intermittentLevel(history: readonly number[], seasonalPeriod: number): number | undefined {
  const w = recentWindow(history, seasonalPeriod).filter(Number.isFinite);
  if (w.length < 8 || w.some((v) => v < 0)) return undefined;
  const zeros = w.filter((v) => v === 0).length;
  if (zeros / w.length <= INTERMITTENT_ZERO_SHARE) return undefined;
  const sorted = [...w].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function parseNonNegative(v: string): NonNegativeMode {
  if (!(NON_NEGATIVE_MODES as readonly string[]).includes(v)) throw new UsageError(`--non-negative ${v}: use ${NON_NEGATIVE_MODES.join(', ')}`);
  return v as NonNegativeMode;
}

/** True when forecasts after `history` should be clipped at zero under `mode`. */
export function clipsAtZero(mode: NonNegativeMode, history: readonly number[]): boolean {
  if (mode === 'never') return false;
  if (mode === 'always') return true;
  return history.length > 0 && history.every((v) => !(v < 0));
}

/** One window's combined forecast; a non-finite partner value leaves the model's. */
export function combineRow(method: CombineMethod, model: readonly number[], partner?: readonly number[]): number[] {
  if (method === 'model' || !partner) return [...model];
  if (method === 'partner') return model.map((v, h) => (Number.isFinite(partner[h]!) ? partner[h]! : v));
  return model.map((v, h) => (Number.isFinite(partner[h]!) ? (v + partner[h]!) / 2 : v));
}

/**
 * Combines model forecasts with the partner's forecasts at the same cuts (needed unless the method
 * is `model`), forecasts intermittent series by their recent median, then clips at zero where the
 * non-negativity rule says; pure.
 */
export function applyOutputPolicy(
  dataset: ForecastDataset,
  cuts: readonly Cut[],
  model: number[][],
  policy: { nonNegative: NonNegativeMode; method: CombineMethod; partner?: number[][]; intermittent?: IntermittentMode },
): number[][] {
  if (policy.method !== 'model' && !policy.partner) throw new Error(`combination '${policy.method}' needs the partner's forecasts`);
  return model.map((row, i) => {
    const c = cuts[i]!;
    const history = dataset.series[c.series]!.values.slice(0, c.cut);
    const level = (policy.intermittent ?? 'auto') === 'auto' ? intermittentLevel(history, dataset.seasonalPeriod) : undefined;
    const out = level !== undefined ? row.map(() => level) : combineRow(policy.method, row, policy.partner?.[i]);
    return clipsAtZero(policy.nonNegative, history) ? out.map((v) => Math.max(0, v)) : out;
  });
}
