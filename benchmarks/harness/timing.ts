/** Timing and summary statistics for benchmark loops. */

/** Median of `xs` (NaN when empty); does not modify `xs`. */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Linear-interpolated quantile, q in [0, 1] (NaN when empty). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = Math.min(Math.max(q, 0), 1) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export interface StepTimingOptions {
  /** Untimed steps first (kernel compilation, allocation); default 2. */
  warmup?: number;
  /** Keep measuring until this many seconds of measured steps have run… */
  seconds: number;
  /** …and at least this many measured steps (default 3), whatever the time… */
  minSteps?: number;
  /** …but never more than this many (default 100 000). */
  maxSteps?: number;
}

export interface StepTiming {
  /** Measured steps. */
  steps: number;
  /** Wall seconds of each warm-up step. */
  warmupSeconds: number[];
  /** Wall seconds of each measured step. */
  stepSeconds: number[];
  medianSeconds: number;
  /** Sum of measured step times. */
  totalSeconds: number;
}

/**
 * Runs `step` `warmup` times untimed, then repeatedly, timing each call, until both `seconds` of
 * measured time and `minSteps` steps are reached (or `maxSteps`). The step must finish its work
 * before returning (read a result back), or the time of asynchronous backends is not counted.
 */
export async function timeSteps(step: () => unknown, o: StepTimingOptions): Promise<StepTiming> {
  const warmupSeconds: number[] = [];
  for (let i = 0; i < (o.warmup ?? 2); i++) {
    const t0 = performance.now();
    await step();
    warmupSeconds.push((performance.now() - t0) / 1000);
  }
  const minSteps = o.minSteps ?? 3;
  const maxSteps = o.maxSteps ?? 100_000;
  const stepSeconds: number[] = [];
  let total = 0;
  while (stepSeconds.length < maxSteps && (total < o.seconds || stepSeconds.length < minSteps)) {
    const t0 = performance.now();
    await step();
    const dt = (performance.now() - t0) / 1000;
    stepSeconds.push(dt);
    total += dt;
  }
  return { steps: stepSeconds.length, warmupSeconds, stepSeconds, medianSeconds: median(stepSeconds), totalSeconds: total };
}

/** Items per second at the median step time (e.g. samples/s for a batch of `itemsPerStep`). */
export function ratePerSecond(itemsPerStep: number, timing: Pick<StepTiming, 'medianSeconds'>): number {
  return timing.medianSeconds > 0 ? itemsPerStep / timing.medianSeconds : NaN;
}
