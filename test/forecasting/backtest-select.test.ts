import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { createContainer } from '../../core/container.js';
import { builtinPlugins } from '../../plugins/index.js';
import { FORECAST_SERVICE } from '../../plugins/forecasting/module.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import { BACKTEST_WINDOWS, selectByBacktest, type RawForecast } from '../../plugins/forecasting/backtest-select.js';
import { seasonalDataset, tempDir } from '../helpers/fixtures.js';
import type { ForecastDataset } from '../../plugins/forecasting/contracts.js';
import type { Cut } from '../../plugins/forecasting/data/windows.js';

const H = 4;
const setting = { horizon: H, contextLength: 32, windows: 3, median: (row: number[]) => row };

const dataset = (values: number[][], seasonalPeriod = 12): ForecastDataset => ({
  source: 'mem', frequency: 'monthly', seasonalPeriod, covariateNames: [], notices: [],
  series: values.map((v, i) => ({ id: `s${i}`, values: v, timestamps: v.map((_, t) => t), covariates: {} })),
});

/**
 * A stand-in network that reads only the history before each cut: seasonal naive at the dataset's
 * period (period 1 is the last value repeated); the recent view is recognisable by its short series.
 */
function fakeNetwork(calls: { period: number; cuts: number }[]): RawForecast {
  return (d, cuts) => {
    calls.push({ period: d.seasonalPeriod, cuts: cuts.length });
    return cuts.map(({ series, cut }) => {
      const y = d.series[series]!.values;
      const p = Math.max(1, d.seasonalPeriod);
      return Array.from({ length: H }, (_, h) => y[cut - p + (h % p)]!);
    });
  };
}

const seasonal = Array.from({ length: 60 }, (_, t) => 10 + 5 * Math.sin((2 * Math.PI * t) / 12));
const trend = Array.from({ length: 60 }, (_, t) => t);
const testCuts = (d: ForecastDataset): Cut[] => d.series.map((s, i) => ({ series: i, cut: s.values.length - H }));

describe('backtest selection', () => {
  it('keeps the plain forecast for a seasonal series and averages in the no-season view for a trend', () => {
    const d = dataset([seasonal, trend]);
    const { rows, choices } = selectByBacktest(d, testCuts(d), setting, fakeNetwork([]));
    expect(choices[0]).toBe('plain');
    expect(choices[1]).toBe('plain + no-season');
    // Trend: seasonal naive repeats 12 steps back, the no-season view the last value; their mean.
    const cut = 56;
    expect(rows[1]).toEqual([0, 1, 2, 3].map((h) => ((cut - 12 + h) + (cut - 1)) / 2));
    expect(rows[0]).toEqual([0, 1, 2, 3].map((h) => seasonal[cut - 12 + h]!));
  });

  it('reads nothing at or after the cut', () => {
    const d = dataset([seasonal, trend]);
    const before = selectByBacktest(d, testCuts(d), setting, fakeNetwork([]));
    const changed = dataset([seasonal.map((v, t) => (t >= 56 ? -1e6 : v)), trend.map((v, t) => (t >= 56 ? 1e6 : v))]);
    expect(selectByBacktest(changed, testCuts(changed), setting, fakeNetwork([]))).toEqual(before);
  });

  it('gives the plain forecast where the history is too short to backtest', () => {
    const d = dataset([trend.slice(0, 10)]);
    const { choices } = selectByBacktest(d, [{ series: 0, cut: 6 }], setting, fakeNetwork([]));
    expect(choices).toEqual(['plain']);
  });

  it('asks the network once per view, and skips the no-season view when the data has no season', () => {
    const calls: { period: number; cuts: number }[] = [];
    const d = dataset([trend, trend], 1);
    selectByBacktest(d, testCuts(d), setting, fakeNetwork(calls));
    // Two test cuts and three backtests each, for the plain and the recent view.
    expect(calls).toEqual([{ period: 1, cuts: 8 }, { period: 1, cuts: 8 }]);
    const seasonalData = dataset([seasonal]);
    calls.length = 0;
    selectByBacktest(seasonalData, testCuts(seasonalData), setting, fakeNetwork(calls));
    expect(calls.map((c) => c.period)).toEqual([12, 1, 12]);
  });
});

describe('transfer --backtest-select', () => {
  let service: ForecastService;
  beforeAll(async () => {
    await useBackend('wasm');
    service = createContainer(builtinPlugins).get<ForecastService>(FORECAST_SERVICE);
  });

  it('forecasts what the selection over the plain network makes, and a saved model keeps it', async () => {
    // Half the series seasonal, half a trend whose "season" is noise: the views should split them.
    const base = seasonalDataset({ series: 4, length: 72 });
    const ds = { ...base, series: [...base.series, ...base.series.map((s, i) => ({ ...s, id: `t${i}`, values: s.values.map((_, t) => 50 + (i + 1) * t + Math.sin(t * 7.1 + i)) }))] };
    const cuts = service.testCuts(ds, 6);
    const plain = (await service.transfer(ds, { backbone: 'patch-mixer-s', strategy: 'zero-shot', horizon: 6, combine: 'none' })).forecaster;
    const selected = (await service.transfer(ds, { backbone: 'patch-mixer-s', strategy: 'zero-shot', horizon: 6, combine: 'none', backtestSelect: true })).forecaster;
    try {
      expect(plain.meta.backtestSelection).toBeUndefined();
      expect(selected.meta.backtestSelection).toEqual({ windows: BACKTEST_WINDOWS });
      const expected = selectByBacktest(ds, cuts, { horizon: 6, contextLength: plain.meta.contextLength, windows: BACKTEST_WINDOWS, median: (r) => r }, (d, c) => plain.predictModel(d, c));
      expect(new Set(expected.choices).size).toBeGreaterThan(1);
      expect(selected.predictModel(ds, cuts)).toEqual(expected.rows);
      const dir = join(tempDir(), 'selected');
      await service.save(selected, dir);
      const loaded = await service.load(dir);
      expect(loaded.meta.backtestSelection).toEqual({ windows: BACKTEST_WINDOWS });
      expect(loaded.predict(ds, cuts)).toEqual(selected.predict(ds, cuts));
      loaded.dispose();
    } finally {
      plain.dispose();
      selected.dispose();
    }
  });

  it('warns when a strategy that trains is asked to select, and not for zero-shot', async () => {
    const ds = seasonalDataset({ series: 4, length: 72 });
    const probe = await service.transfer(ds, { backbone: 'patch-mixer-s', strategy: 'probe', horizon: 6, combine: 'none', backtestSelect: true, epochs: 1, maxStepsPerEpoch: 2 });
    const zero = await service.transfer(ds, { backbone: 'patch-mixer-s', strategy: 'zero-shot', horizon: 6, combine: 'none', backtestSelect: true });
    try {
      expect(probe.warnings.filter((w) => w.includes('--backtest-select'))).toHaveLength(1);
      expect(zero.warnings.filter((w) => w.includes('--backtest-select'))).toEqual([]);
    } finally {
      probe.forecaster.dispose();
      zero.forecaster.dispose();
    }
  });
});
