import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { createContainer } from '../../core/container.js';
import { Rng } from '../../core/random.js';
import { builtinPlugins } from '../../plugins/index.js';
import { FORECAST_SERVICE } from '../../plugins/forecasting/module.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import { applySpread, fitSpreadScales, MIN_CALIBRATION_VALUES, type CalibrationWindow } from '../../plugins/forecasting/quantile-calibration.js';
import { seasonalDataset, tempDir } from '../helpers/fixtures.js';

const Z90 = 1.2815515655446004; // standard normal quantile at 0.9

/** Windows whose actual values are point + N(0, 1) noise and whose quantiles are `width` times too wide. */
function noisyWindows(width: number, windows: number, steps: number, seed = 3): CalibrationWindow[] {
  const rng = new Rng(seed);
  return Array.from({ length: windows }, () => {
    const point = Array.from({ length: steps }, () => 10 + rng.normal());
    return {
      actual: point.map((p) => p + rng.normal()),
      point,
      quantiles: [point.map((p) => p - width * Z90), point, point.map((p) => p + width * Z90)],
      clip: false,
    };
  });
}

describe('spread calibration on validation windows', () => {
  it('finds the scale that undoes a too wide or too narrow spread; the median keeps 1', () => {
    for (const width of [1.7, 0.6]) {
      const [lo, mid, hi] = fitSpreadScales(noisyWindows(width, 200, 12), [0.1, 0.5, 0.9]);
      expect(mid).toBe(1);
      expect(lo! * width).toBeGreaterThan(0.85);
      expect(lo! * width).toBeLessThan(1.15);
      expect(hi! * width).toBeGreaterThan(0.85);
      expect(hi! * width).toBeLessThan(1.15);
    }
  });

  it('leaves the spread alone with fewer validation values than it can fit on', () => {
    const few = noisyWindows(1.7, 1, MIN_CALIBRATION_VALUES - 1);
    expect(fitSpreadScales(few, [0.1, 0.5, 0.9])).toEqual([1, 1, 1]);
  });

  it('never crosses and clips at zero, whatever the scales', () => {
    const point = [1, 5, 0.2];
    const q = [[0.5, 4, 0.1], [0.8, 4.5, 0.15], [1, 5, 0.2], [1.5, 6, 0.3]];
    const out = applySpread(point, q, [0.2, 4, 1, 3], true);
    for (let h = 0; h < 3; h++) {
      for (let k = 1; k < 4; k++) expect(out[k]![h]!).toBeGreaterThanOrEqual(out[k - 1]![h]!);
      expect(out[0]![h]!).toBeGreaterThanOrEqual(0);
    }
    // Scales of 1 change nothing in ordered quantiles.
    expect(applySpread(point, q, [1, 1, 1, 1], false)).toEqual(q);
  });
});

let service: ForecastService;
beforeAll(async () => {
  await useBackend('wasm');
  service = createContainer(builtinPlugins).get<ForecastService>(FORECAST_SERVICE);
});

describe('transfer with calibrated quantiles', () => {
  it('zero-shot fits one scale per level on validation, saves it, and --no-calibrate-quantiles keeps the head\'s spread', async () => {
    const ds = seasonalDataset({ series: 12, length: 72 });
    const cuts = service.testCuts(ds, 6);
    const plain = await service.transfer(ds, { backbone: 'patch-mixer-s', strategy: 'zero-shot', horizon: 6, quantiles: [0.1, 0.5, 0.9], combine: 'none', calibrateQuantiles: false });
    expect(plain.forecaster.meta.quantileScale).toBeUndefined();
    const o = await service.transfer(ds, { backbone: 'patch-mixer-s', strategy: 'zero-shot', horizon: 6, quantiles: [0.1, 0.5, 0.9], combine: 'mean' });
    const scales = o.forecaster.meta.quantileScale!;
    expect(Object.keys(scales).sort()).toEqual(['mean', 'model', 'partner']);
    for (const s of Object.values(scales)) {
      expect(s).toHaveLength(3);
      expect(s![1]).toBe(1);
    }
    // The fitted spread is not the head's: this data is far less noisy than the pretraining corpus.
    expect(scales.model!.some((s) => Math.abs(s - 1) > 0.05)).toBe(true);
    const q = o.forecaster.predictQuantiles(ds, cuts);
    const point = o.forecaster.predict(ds, cuts);
    q.forEach((levels, i) => {
      for (let h = 0; h < 6; h++) {
        expect(levels[1]![h]!).toBeCloseTo(point[i]![h]!, 6);
        expect(levels[0]![h]!).toBeLessThanOrEqual(levels[1]![h]!);
        expect(levels[1]![h]!).toBeLessThanOrEqual(levels[2]![h]!);
      }
    });
    const dir = tempDir('hs-calibrated-');
    await service.save(o.forecaster, dir);
    const again = await service.load(dir);
    expect(again.meta.quantileScale).toEqual(scales);
    expect(again.predictQuantiles(ds, cuts)).toEqual(q);
    plain.forecaster.dispose();
    o.forecaster.dispose();
    again.dispose();
  });
});

describe('no crossing on random inputs through every shipped quantile head', () => {
  it.each(['patch-mixer-s', 'patch-mixer-m'])('%s: random walks, spikes, zeros, negatives and constants: every level ordered, every combination', async (backbone) => {
    const rng = new Rng(11);
    const { series: base, ...rest } = seasonalDataset({ series: 1, length: 80 });
    const shapes = [
      (t: number, s: number[]) => (s[t - 1] ?? 0) + rng.normal() * 5,
      () => (rng.next() < 0.1 ? 1000 * rng.next() : 0),
      () => 0,
      () => -50 + rng.normal() * 20,
      () => 7,
      () => Math.exp(rng.normal() * 3),
    ];
    const series = shapes.flatMap((shape, i) =>
      [0, 1].map((j) => {
        const values: number[] = [];
        for (let t = 0; t < 80; t++) values.push(shape(t, values));
        return { ...base[0]!, id: `r${i}-${j}`, values };
      }),
    );
    const ds = { ...rest, series };
    const cuts = service.testCuts(ds, 6);
    for (const combine of ['none', 'mean'] as const) {
      const o = await service.transfer(ds, { backbone, strategy: 'zero-shot', horizon: 6, quantiles: [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95], combine });
      for (const method of combine === 'mean' ? (['model', 'mean', 'partner'] as const) : (['model'] as const)) {
        if (combine === 'mean') o.forecaster.meta.combination = { ...o.forecaster.meta.combination!, method };
        for (const levels of o.forecaster.predictQuantiles(ds, cuts)) {
          for (let h = 0; h < 6; h++) {
            for (let k = 1; k < levels.length; k++) expect(levels[k]![h]!, `${combine}/${method}`).toBeGreaterThanOrEqual(levels[k - 1]![h]!);
          }
        }
      }
      o.forecaster.dispose();
    }
  });
});
