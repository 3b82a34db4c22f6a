import { Rng } from '../../../core/random.js';
import type { SyntheticSeries } from './kernel-synth.js';

/**
 * Demand-shaped synthetic series, the shapes KernelSynth rarely draws and real demand often has:
 * several seasonalities at once (a day inside a week of hourly data, a week inside a year of daily
 * data), level shifts, and observations that are counts (Poisson, over-dispersed negative binomial)
 * or intermittent (mostly zeros with occasional orders, Croston's setting). Every series is
 * non-negative, as demand is.
 */

/** Calendar profiles: seasonal periods present together; the first is the one the period token names. */
const PROFILES: readonly (readonly number[])[] = [
  [24, 168], // hourly: day and week
  [24],
  [7, 365.25], // daily: week and year
  [7],
  [52.18], // weekly: year
  [12], // monthly
  [4], // quarterly
  [1], // yearly / none
  [48, 336], // half-hourly
];

function seasonal(t: Float64Array, rng: Rng, period: number): Float64Array {
  const out = new Float64Array(t.length);
  if (period <= 1) return out;
  const harmonics = Math.max(1, Math.min(Math.floor(period / 2), 1 + rng.int(period >= 24 ? 6 : 3)));
  const decay = rng.uniform(0.3, 1.2);
  for (let k = 1; k <= harmonics; k++) {
    const a = rng.normal() * Math.exp(-decay * (k - 1));
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let i = 0; i < t.length; i++) out[i]! += a * Math.cos((2 * Math.PI * k * t[i]!) / period + phase);
  }
  const sd = Math.sqrt(out.reduce((s, v) => s + v * v, 0) / t.length) || 1;
  return out.map((v) => v / sd);
}

/** A smooth log-level: a random walk in the slope, plus occasional level shifts. */
function logLevel(n: number, rng: Rng): Float64Array {
  const out = new Float64Array(n);
  const drift = rng.next() < 0.5 ? rng.normal() * 0.5 / n : 0;
  const wiggle = rng.uniform(0, 0.03);
  let level = 0;
  let slope = drift;
  const shifts = rng.next() < 0.35 ? 1 + rng.int(3) : 0;
  const shiftAt = new Set(Array.from({ length: shifts }, () => rng.int(n)));
  for (let i = 0; i < n; i++) {
    slope = 0.98 * slope + 0.02 * drift + (wiggle * rng.normal()) / Math.sqrt(n);
    level += slope + (wiggle / 3) * rng.normal();
    if (shiftAt.has(i)) level += rng.normal() * 0.5;
    out[i] = level;
  }
  return out;
}

function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 boosted by U^(1/shape)). */
function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(rng.next() || 1e-12, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = rng.next();
    if (Math.log(u || 1e-12) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** One demand-shaped series of `length` steps, fully determined by `seed`. */
export function demandSynthSeries(seed: number, length: number): SyntheticSeries {
  const rng = new Rng(seed);
  const profile = rng.pick(PROFILES);
  // Start anywhere in the calendar so the seasonal phase is not always the same at the cut.
  const t = Float64Array.from({ length }, (_, i) => i + rng.int(10_000));
  const level = logLevel(length, rng);
  const amplitudes = profile.map(() => rng.uniform(0.05, 0.8));
  const seasons = profile.map((p) => seasonal(t, rng, p));
  const mean = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    let s = 0;
    for (let k = 0; k < seasons.length; k++) s += amplitudes[k]! * seasons[k]![i]!;
    mean[i] = Math.exp(level[i]! + s);
  }
  const kind = rng.next();
  const out = new Float64Array(length);
  if (kind < 0.3) {
    // Continuous demand (revenue, load): multiplicative noise around the mean.
    const scale = Math.exp(rng.uniform(0, 8));
    const sd = rng.uniform(0.02, 0.3);
    for (let i = 0; i < length; i++) out[i] = scale * mean[i]! * Math.exp(sd * rng.normal());
  } else if (kind < 0.6) {
    // Counts: Poisson around the mean, from a few per step to hundreds.
    const scale = Math.exp(rng.uniform(Math.log(0.5), Math.log(300)));
    for (let i = 0; i < length; i++) out[i] = poisson(rng, scale * mean[i]!);
  } else if (kind < 0.8) {
    // Over-dispersed counts: negative binomial as a gamma–Poisson mixture.
    const scale = Math.exp(rng.uniform(Math.log(0.3), Math.log(100)));
    const shape = rng.uniform(0.5, 5);
    for (let i = 0; i < length; i++) out[i] = poisson(rng, (scale * mean[i]! * gamma(rng, shape)) / shape);
  } else {
    // Intermittent: an order occurs with a (seasonally modulated) probability, its size a count.
    const rate = rng.uniform(0.03, 0.5);
    const size = rng.uniform(0.5, 8);
    const m0 = mean.reduce((a, b) => a + b, 0) / length;
    for (let i = 0; i < length; i++) {
      const p = Math.min(0.95, (rate * mean[i]!) / m0);
      out[i] = rng.next() < p ? 1 + poisson(rng, size) : 0;
    }
  }
  return { values: out, period: Math.round(profile[0]!) };
}
