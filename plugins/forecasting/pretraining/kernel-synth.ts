import { Rng } from '../../../core/random.js';

/**
 * KernelSynth-style synthetic series (Chronos): random sums and products of periodic, trend, RBF,
 * rational-quadratic, constant and noise components. Instead of an O(n³) GP draw per series, the
 * stationary kernels are sampled with random Fourier features (same covariance in expectation),
 * which keeps 200k series cheap enough to generate on the fly.
 */
type Component = (t: Float64Array, rng: Rng, info: { period: number }) => Float64Array;

const PERIODS = [4, 7, 12, 24, 52, 14, 30, 6, 48, 96, 168];

const periodic: Component = (t, rng, info) => {
  const p = rng.next() < 0.8 ? rng.pick(PERIODS) : rng.uniform(3, 64);
  if (info.period === 1) info.period = p;
  const harmonics = 1 + rng.int(5);
  const smooth = rng.uniform(0.2, 1.5);
  const out = new Float64Array(t.length);
  for (let k = 1; k <= harmonics; k++) {
    const a = rng.normal() * Math.exp(-smooth * (k - 1));
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let i = 0; i < t.length; i++) out[i]! += a * Math.cos((2 * Math.PI * k * t[i]!) / p + phase);
  }
  return out;
};

function randomFeatures(t: Float64Array, rng: Rng, freqScale: () => number): Float64Array {
  const features = 24;
  const out = new Float64Array(t.length);
  for (let j = 0; j < features; j++) {
    const w = rng.normal() * freqScale();
    const b = rng.uniform(0, 2 * Math.PI);
    const a = rng.normal() * Math.sqrt(2 / features);
    for (let i = 0; i < t.length; i++) out[i]! += a * Math.cos(w * t[i]! + b);
  }
  return out;
}

const rbf: Component = (t, rng) => {
  const lengthScale = t.length * rng.uniform(0.02, 0.5);
  return randomFeatures(t, rng, () => 1 / lengthScale);
};

const rationalQuadratic: Component = (t, rng) => {
  // A scale mixture of RBFs: each feature draws its own length scale.
  const base = t.length * rng.uniform(0.02, 0.3);
  return randomFeatures(t, rng, () => 1 / (base * Math.exp(rng.normal())));
};

const trend: Component = (t, rng) => {
  const slope = rng.normal() * 2;
  const curve = rng.next() < 0.3 ? rng.normal() : 0;
  const n = t.length;
  return t.map((x) => slope * (x / n) + curve * (x / n) ** 2);
};

const noise: Component = (t, rng) => {
  const sd = rng.uniform(0.05, 0.5);
  return t.map(() => sd * rng.normal());
};

const constant: Component = (t, rng) => {
  const c = rng.normal();
  return t.map(() => c);
};

const BANK: Component[] = [periodic, periodic, rbf, rationalQuadratic, trend, trend, noise, constant];

/** A synthetic series and the seasonal period of its first periodic component (1 if none). */
export interface SyntheticSeries {
  values: Float64Array;
  period: number;
}

/** One synthetic series of `length` steps, fully determined by `seed`. */
export function kernelSynthSeries(seed: number, length: number): SyntheticSeries {
  const rng = new Rng(seed);
  const info = { period: 1 };
  const t = Float64Array.from({ length }, (_, i) => i);
  const parts = 1 + rng.int(5);
  let y = rng.pick(BANK)(t, rng, info);
  for (let k = 1; k < parts; k++) {
    const z = rng.pick(BANK)(t, rng, info);
    const multiply = rng.next() < 0.3;
    y = y.map((v, i) => (multiply ? v * (1 + z[i]!) : v + z[i]!));
  }
  // Demand is often positive with multiplicative seasonality: sometimes exponentiate, sometimes
  // make it intermittent (zeros between sales).
  const r = rng.next();
  if (r < 0.2) {
    const sd = Math.sqrt(y.reduce((s, v) => s + v * v, 0) / length) || 1;
    y = y.map((v) => Math.exp((0.7 * v) / sd));
  } else if (r < 0.27) {
    const p = rng.uniform(0.2, 0.7);
    y = y.map((v) => (rng.next() < p ? Math.abs(v) + 0.1 : 0));
  }
  const offset = rng.normal() * 3;
  return { values: y.map((v) => v + offset), period: info.period };
}
