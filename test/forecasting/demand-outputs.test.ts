import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TsbBaseline, tsbForecast } from '../../plugins/forecasting/baselines/tsb.js';
import { applyOutputPolicy, clipsAtZero, combineRow } from '../../plugins/forecasting/output-policy.js';
import { demandSynthSeries } from '../../plugins/forecasting/pretraining/demand-synth.js';
import { readCorpusSpec } from '../../plugins/forecasting/pretraining/corpus-spec.js';
import { readCorpusFile } from '../../plugins/forecasting/pretraining/corpus.js';
import { relativeScore } from '../../core/evaluation/aggregate.js';
import { DataError } from '../../core/errors.js';
import type { ForecastDataset } from '../../plugins/forecasting/contracts.js';

describe('TSB intermittent-demand baseline', () => {
  it('smooths probability every step and size on demand steps (hand-computed)', () => {
    // history [0, 4, 0, 2], alpha = beta = 0.1: first demand at index 1 -> size 4, initial prob 2/4 = 0.5
    // i=2 (zero): prob 0.5 - 0.05 = 0.45; i=3 (demand 2): prob 0.45 + 0.1*0.55 = 0.505, size 4 + 0.1*(2-4) = 3.8
    const f = tsbForecast([0, 4, 0, 2], 3);
    expect(f).toHaveLength(3);
    for (const v of f) expect(v).toBeCloseTo(0.505 * 3.8, 12);
  });

  it('forecasts zero for an all-zero history and decays through long zero runs', () => {
    expect(new TsbBaseline().forecast([0, 0, 0], 2, 12)).toEqual([0, 0]);
    const recent = tsbForecast([5, 5, 5, 5, 0, 0, 0, 0, 0, 0], 1)[0]!;
    const early = tsbForecast([5, 5, 5, 5], 1)[0]!;
    expect(recent).toBeLessThan(0.6 * early);
  });
});

const ds = (values: number[][]): ForecastDataset => ({
  source: 'mem', frequency: 'monthly', seasonalPeriod: 12, covariateNames: [], notices: [],
  series: values.map((v, i) => ({ id: `s${i}`, values: v, timestamps: v.map((_, t) => t), covariates: {} })),
});

describe('output policy: non-negative demand and combination with a partner', () => {
  it('auto clips only series whose history is never negative', () => {
    expect(clipsAtZero('auto', [0, 3, 1])).toBe(true);
    expect(clipsAtZero('auto', [2, -1, 1])).toBe(false);
    expect(clipsAtZero('always', [2, -1])).toBe(true);
    expect(clipsAtZero('never', [0, 1])).toBe(false);
    const data = ds([[0, 1, 2, 0], [-1, 2, 3, 4]]);
    const out = applyOutputPolicy(data, [{ series: 0, cut: 4 }, { series: 1, cut: 4 }], [[-0.5, 1], [-0.5, 1]], { nonNegative: 'auto', method: 'model' });
    expect(out).toEqual([[0, 1], [-0.5, 1]]);
  });

  it('mean averages with the partner; partner replaces; a non-finite partner value keeps the model', () => {
    expect(combineRow('mean', [2, 4], [4, 8])).toEqual([3, 6]);
    expect(combineRow('partner', [2, 4], [4, NaN])).toEqual([4, 4]);
    expect(combineRow('model', [2, 4], [4, 8])).toEqual([2, 4]);
    expect(() => applyOutputPolicy(ds([[1, 2]]), [{ series: 0, cut: 2 }], [[1]], { nonNegative: 'never', method: 'mean' })).toThrow(/partner/);
  });
});

describe('relative score floor', () => {
  it('an exact series counts as 0.01, not as a zero that wipes out the mean', () => {
    expect(relativeScore([0, 1], [1, 1])).toBeCloseTo(Math.sqrt(0.01), 12);
  });
});

describe('demand-shaped synthetic series', () => {
  it('are non-negative, finite, deterministic per seed, and include counts and intermittent series', () => {
    const a = demandSynthSeries(7, 320);
    expect(Array.from(demandSynthSeries(7, 320).values)).toEqual(Array.from(a.values));
    let intermittent = 0;
    let integer = 0;
    for (let seed = 0; seed < 200; seed++) {
      const s = demandSynthSeries(seed, 320);
      expect(s.values).toHaveLength(320);
      expect(s.values.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      expect(s.period).toBeGreaterThanOrEqual(1);
      if (s.values.every(Number.isInteger)) integer++;
      if (s.values.filter((v) => v === 0).length > 160) intermittent++;
    }
    expect(integer).toBeGreaterThan(80);
    expect(intermittent).toBeGreaterThan(5);
  });
});

describe('corpus spec', () => {
  it('reads files with their own columns and periods, paths relative to the spec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-spec-'));
    writeFileSync(join(dir, 'a.csv'), 'Store,Item,Sales\nx,1,3\nx,1,4\ny,2,5\n');
    writeFileSync(join(dir, 'b.csv'), 'Calls\n1\n2\n3\n');
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ files: [{ path: 'a.csv', idColumn: 'Store,Item', valueColumn: 'Sales', period: 7 }, { path: 'b.csv', valueColumn: 'Calls', period: 24 }] }));
    const files = readCorpusSpec(join(dir, 'spec.json'));
    const a = await readCorpusFile(files[0]!.path, files[0]!);
    expect(a.map((s) => [s.id, Array.from(s.values), s.period])).toEqual([['x/1', [3, 4], 7], ['y/2', [5], 7]]);
    const b = await readCorpusFile(files[1]!.path, files[1]!);
    expect(b.map((s) => [s.id, Array.from(s.values), s.period])).toEqual([['b.csv', [1, 2, 3], 24]]);
  });

  it('names the file and entry of a bad spec', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-spec-'));
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ files: [{ path: 'a.csv' }] }));
    expect(() => readCorpusSpec(join(dir, 'spec.json'))).toThrow(DataError);
    expect(() => readCorpusSpec(join(dir, 'spec.json'))).toThrow(/files\[0\].*valueColumn/);
  });
});

describe('output in the input\'s terms', () => {
  it('timestamps are written in the layout the input used', async () => {
    const { timestampStyleOf, formatTimestampAs, parseTimestamp } = await import('../../plugins/forecasting/data/timestamps.js');
    for (const raw of ['2000-01-30 04:00:00', '2000-01-30T04:00:00Z', '2000/01/30', '2000-01-30', '2000-01', '2000Q1', '2000-01-30T04:00']) {
      const style = timestampStyleOf(raw);
      expect(style, raw).toBeDefined();
      expect(formatTimestampAs(parseTimestamp(raw)!, style)).toBe(raw);
    }
    expect(timestampStyleOf('1990.0833')).toBeUndefined();
  });

  it('values keep their integer part and lose float noise', async () => {
    const { formatSignificant } = await import('../../core/io/csv-cell.js');
    expect(formatSignificant(1234567.89, 6)).toBe('1234568');
    expect(formatSignificant(12.3456789, 6)).toBe('12.3457');
    expect(formatSignificant(0.000123456789, 3)).toBe('0.000123');
    expect(formatSignificant(-5.5, 6)).toBe('-5.5');
    expect(formatSignificant(0, 6)).toBe('0');
  });
});

describe('intermittent demand rule', () => {
  it('forecasts the recent median of series with over a quarter zeros, leaves the others to the model', async () => {
    const { intermittentLevel } = await import('../../plugins/forecasting/output-policy.js');
    // 24-step window, 16 zeros (2/3): median 0
    const sparse = Array.from({ length: 30 }, (_, t) => (t % 3 === 0 ? 5 : 0));
    expect(intermittentLevel(sparse, 12)).toBe(0);
    // 8 zeros of 24 (1/3 > 0.242): median of [0 x8, 2 x8, 4 x8] sorted -> middle pair (2, 2)
    const some = Array.from({ length: 24 }, (_, t) => [0, 2, 4][t % 3]!);
    expect(intermittentLevel(some, 12)).toBe(2);
    // 5 zeros of 24 (0.21): not intermittent
    const dense = Array.from({ length: 24 }, (_, t) => (t < 5 ? 0 : 3));
    expect(intermittentLevel(dense, 12)).toBeUndefined();
    // negative values: not demand counts
    expect(intermittentLevel(sparse.map((v, t) => (t === 29 ? -1 : v)), 12)).toBeUndefined();
    const data = ds([sparse]);
    const out = applyOutputPolicy(data, [{ series: 0, cut: 30 }], [[1.7, 2.2]], { nonNegative: 'auto', method: 'model' });
    expect(out).toEqual([[0, 0]]);
    const kept = applyOutputPolicy(data, [{ series: 0, cut: 30 }], [[1.7, 2.2]], { nonNegative: 'auto', method: 'model', intermittent: 'model' });
    expect(kept).toEqual([[1.7, 2.2]]);
  });
});

describe('repeated header names', () => {
  it('are refused naming both positions, or read as name_2 with --dedupe-columns', async () => {
    const { loadForecastCsv } = await import('../../plugins/forecasting/data/csv-loader.js');
    const dir = mkdtempSync(join(tmpdir(), 'hs-dupe-'));
    const file = join(dir, 'wide.csv');
    writeFileSync(file, 'date,a,b,a\n2020-01-01,1,2,3\n2020-02-01,4,5,6\n2020-03-01,7,8,9\n');
    await expect(loadForecastCsv(file)).rejects.toThrow(/'?a'? appears more than once in the header \(columns 2 and 4\).*--dedupe-columns.*a_2/);
    const ds = await loadForecastCsv(file, { dedupeColumns: true });
    expect(ds.series.map((s) => [s.id, s.values])).toEqual([['a', [1, 4, 7]], ['a_2', [3, 6, 9]], ['b', [2, 5, 8]]]);
  });
});

describe('--fill drop', () => {
  it('leaves out series with missing values (a missing tail included) and counts them', async () => {
    const { loadForecastCsv } = await import('../../plugins/forecasting/data/csv-loader.js');
    const dir = mkdtempSync(join(tmpdir(), 'hs-drop-'));
    const file = join(dir, 'wide.csv');
    writeFileSync(file, 'date,a,b,c\n2020-01-01,1,2,3\n2020-02-01,4,,6\n2020-03-01,7,8,\n2020-04-01,1,2,\n');
    const ds = await loadForecastCsv(file, { fill: 'drop' });
    expect(ds.series.map((s) => s.id)).toEqual(['a']);
    expect(ds.notices.join(' ')).toMatch(/left out 2 series with missing values \(--fill drop\): 'b', 'c'/);
    await expect(loadForecastCsv(file)).rejects.toThrow(/--fill drop/);
  });
});

describe('layout detection', () => {
  it('reads common long layouts from their column names, and says so', async () => {
    const { loadForecastCsv } = await import('../../plugins/forecasting/data/csv-loader.js');
    const dir = mkdtempSync(join(tmpdir(), 'hs-layout-'));
    const nixtla = join(dir, 'nixtla.csv');
    writeFileSync(nixtla, 'unique_id,ds,y\nA,2020-01-01,1\nA,2020-02-01,2\nB,2020-01-01,3\nB,2020-02-01,4\n');
    const ds = await loadForecastCsv(nixtla);
    expect(ds.series.map((s) => [s.id, s.values])).toEqual([['A', [1, 2]], ['B', [3, 4]]]);
    expect(ds.columns).toEqual({ id: 'unique_id', timestamp: 'ds', value: 'y' });
    expect(ds.notices.join(' ')).toMatch(/long format with id 'unique_id' and value 'y'/);
    const kaggle = join(dir, 'kaggle.csv');
    writeFileSync(kaggle, 'date,item_id,sales\n2020-01-01,x,5\n2020-01-02,x,6\n');
    expect((await loadForecastCsv(kaggle)).series.map((s) => s.id)).toEqual(['x']);
    // Repeated timestamps with unknown names: one text and one numeric column are the id and the value.
    const odd = join(dir, 'odd.csv');
    writeFileSync(odd, 'when,store,amount\n2020-01-01,a,1\n2020-01-01,b,2\n2020-01-02,a,3\n2020-01-02,b,4\n');
    expect((await loadForecastCsv(odd, { timestampColumn: 'when' })).columns).toEqual({ id: 'store', timestamp: 'when', value: 'amount' });
    // More columns than that: long, but which? Say so.
    const wider = join(dir, 'wider.csv');
    writeFileSync(wider, 'when,store,amount,units\n2020-01-01,a,1,1\n2020-01-01,b,2,1\n2020-01-02,a,3,1\n2020-01-02,b,4,1\n');
    await expect(loadForecastCsv(wider, { timestampColumn: 'when' })).rejects.toThrow(/repeats \(lines 2 and 3\).*long format.*--id-column <column> --value-column/);
  });
});
