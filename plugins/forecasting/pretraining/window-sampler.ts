import { Rng } from '../../../core/random.js';
import { fillContext, maseWeight, seasonalDiffScale } from '../data/scaling.js';
import { kernelSynthSeries } from './kernel-synth.js';
import { demandSynthSeries } from './demand-synth.js';
import { PERIOD_BUCKETS, fillPeriod } from '../data/period.js';

/** A pretraining batch as flat arrays (row-major). */
export interface PretrainBatch {
  context: Float32Array;
  mask: Float32Array;
  target: Float32Array;
  targetMask: Float32Array;
  period: Float32Array;
  /** Per-row loss weight: 1 / the context's seasonal-naive error (floored), so the loss tracks MASE. */
  weight: Float32Array;
  size: number;
}


export interface SamplerOptions {
  contextLength: number;
  horizon: number;
  /** Real series with their seasonal periods. */
  real: { values: Float64Array; period: number }[];
  /** Number of synthetic series in the corpus; series i is generated from (seed, i) on demand. */
  synthetic: number;
  /** Probability that a batch row comes from the synthetic part. */
  syntheticRatio: number;
  /** 'kernel-synth' (default) or 'demand': half KernelSynth, half demand-shaped series (see demand-synth.ts). */
  recipe?: SyntheticRecipe;
  /** Seed of the synthetic corpus, and of the draws unless `drawSeed` is given. */
  seed: number;
  /** Seed of the random draws alone: data-parallel replicas share the corpus but draw apart. */
  drawSeed?: number;
}

export type SyntheticRecipe = 'kernel-synth' | 'demand';
export const SYNTHETIC_RECIPES: readonly SyntheticRecipe[] = ['kernel-synth', 'demand'];

/**
 * Draws windows: a random series, a random cut, up to contextLength steps before it (sometimes fewer,
 * so the model learns padded histories) and up to horizon steps after it (masked where absent).
 */
export class WindowSampler {
  private readonly rng: Rng;
  private readonly synthLength: number;

  constructor(private readonly opts: SamplerOptions) {
    this.rng = new Rng(opts.drawSeed ?? opts.seed);
    this.synthLength = opts.contextLength + opts.horizon;
  }

  /** Synthetic series i is generated from (seed, i) on demand; the demand recipe gives odd i to demand-synth. */
  private synthetic() {
    const i = this.rng.int(this.opts.synthetic);
    const seed = this.opts.seed * 1_000_003 + i;
    return this.opts.recipe === 'demand' && i % 2 === 1 ? demandSynthSeries(seed, this.synthLength) : kernelSynthSeries(seed, this.synthLength);
  }

  /** The random stream's position (see Rng.snapshot), for resumable pretraining. */
  get random(): Rng {
    return this.rng;
  }

  sample(size: number): PretrainBatch {
    const { contextLength: L, horizon: H } = this.opts;
    const b: PretrainBatch = {
      context: new Float32Array(size * L),
      mask: new Float32Array(size * L),
      target: new Float32Array(size * H),
      targetMask: new Float32Array(size * H),
      period: new Float32Array(size * PERIOD_BUCKETS),
      weight: new Float32Array(size),
      size,
    };
    for (let r = 0; r < size; r++) {
      const useSynth = this.opts.real.length === 0 || (this.opts.synthetic > 0 && this.rng.next() < this.opts.syntheticRatio);
      const { values, period } = useSynth ? this.synthetic() : this.rng.pick(this.opts.real);
      fillPeriod(b.period, r, period);
      const n = values.length;
      // Cut so that at least a few history points and one target point exist.
      const minCut = Math.min(n - 1, Math.max(3, useSynth ? L : Math.floor(n / 3)));
      const cut = minCut + this.rng.int(n - minCut);
      const history = this.rng.next() < 0.25 ? 3 + this.rng.int(L - 3) : L;
      const s = fillContext(values, cut, L, b.context, b.mask, r * L, history);
      b.weight[r] = maseWeight(seasonalDiffScale(b.context, b.mask, r * L, L, period));
      for (let h = 0; h < H; h++) {
        const i = cut + h;
        if (i < n) {
          // Clip extreme normalised targets (level shifts after a flat history) so one window cannot dominate.
          b.target[r * H + h] = Math.max(-30, Math.min(30, (values[i]! - s.loc) / s.scale));
          b.targetMask[r * H + h] = 1;
        }
      }
    }
    return b;
  }
}
