import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, UsageError } from '../../core/errors.js';
import type { Frequency } from '../../plugins/forecasting/contracts.js';
import {
  formatTimestamp,
  inferFrequency,
  loadForecastCsv,
  nextTimestamps,
  parseFrequency,
  parseTimestamp,
  seasonalPeriodOf,
  validateHorizon,
  type ForecastLoadOptions,
} from '../../plugins/forecasting/data/index.js';

const utc = (y: number, m: number, d = 1, h = 0): number => Date.UTC(y, m - 1, d, h);
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'headstart-data-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Loads and expects a DataError; returns its message for content checks. */
async function failure(path: string, options: ForecastLoadOptions = {}): Promise<string> {
  const err = await loadForecastCsv(path, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  const message = (err as DataError).message;
  expect(message).toContain(path);
  expect(message).not.toContain('\n');
  return message;
}

const LONG = [
  'series_id,timestamp,value,promo',
  'B,2020-01-01,10,0',
  'B,2020-02-01,11,1',
  'B,2020-03-01,12,0',
  'A,2020-01-01,1,1',
  'A,2020-02-01,2,0',
  'A,2020-03-01,3,1',
].join('\n');

describe('loadForecastCsv: long format', () => {
  it('loads series sorted by id with covariates, frequency and period', async () => {
    const ds = await loadForecastCsv(csv('long.csv', LONG), { covariateColumns: ['promo'] });
    expect(ds.series.map((s) => s.id)).toEqual(['A', 'B']);
    expect(ds.series[0]!.values).toEqual([1, 2, 3]);
    expect(ds.series[1]!.values).toEqual([10, 11, 12]);
    expect(ds.series[0]!.timestamps.map(iso)).toEqual(['2020-01-01', '2020-02-01', '2020-03-01']);
    expect(ds.series[0]!.covariates).toEqual({ promo: [1, 0, 1] });
    expect(ds.covariateNames).toEqual(['promo']);
    expect(ds.frequency).toBe('monthly');
    expect(ds.seasonalPeriod).toBe(12);
    expect(ds.notices).toEqual([]);
    expect(ds.source).toContain('long.csv');
  });

  it('maps columns and honours a given frequency and seasonal period', async () => {
    const path = csv('mapped.csv', 'store,day,sales\ns1,2021-03-01,5\ns1,2021-03-02,6\ns1,2021-03-03,7\n');
    const ds = await loadForecastCsv(path, {
      idColumn: 'store',
      timestampColumn: 'day',
      valueColumn: 'sales',
      frequency: 'daily',
      seasonalPeriod: 14,
    });
    expect(ds.series).toHaveLength(1);
    expect(ds.series[0]).toMatchObject({ id: 's1', values: [5, 6, 7] });
    expect(ds.frequency).toBe('daily');
    expect(ds.seasonalPeriod).toBe(14);
  });

  it('joins several id columns with "/"', async () => {
    const path = csv(
      'multi-id.csv',
      '"State","Industry","Month","Turnover"\n' +
        '"NSW","Cafes, restaurants","1982-04",1\n"NSW","Cafes, restaurants","1982-05",2\n' +
        '"VIC","Food","1982-04",3\n"VIC","Food","1982-05",4\n',
    );
    const ds = await loadForecastCsv(path, { idColumn: 'State, Industry', valueColumn: 'Turnover' });
    expect(ds.series.map((s) => s.id)).toEqual(['NSW/Cafes, restaurants', 'VIC/Food']);
    expect(ds.series[1]!.values).toEqual([3, 4]);
    expect(ds.frequency).toBe('monthly');
  });

  it('sorts unsorted timestamps and says so in a notice', async () => {
    const path = csv('unsorted.csv', 'series_id,date,value\nA,2020-01-03,3\nA,2020-01-01,1\nA,2020-01-02,2\n');
    const ds = await loadForecastCsv(path);
    expect(ds.series[0]!.values).toEqual([1, 2, 3]);
    expect(ds.series[0]!.timestamps.map(iso)).toEqual(['2020-01-01', '2020-01-02', '2020-01-03']);
    expect(ds.notices).toHaveLength(1);
    expect(ds.notices[0]).toMatch(/sorted.*1 series.*'A'/);
  });

  it('skips blank lines without shifting the reported line numbers', async () => {
    const path = csv('blank.csv', 'series_id,timestamp,value\nA,2020,1\n\nA,2021,2\nA,2022,oops\n');
    expect(await failure(path)).toContain('line 5');
  });
});

describe('loadForecastCsv: wide format', () => {
  const WIDE = [
    'north,south,station,temp,date',
    '1,10,x,20,2016-01-01',
    '2,20,x,21,2016-01-02',
    '3,30,x,22,2016-01-03',
  ].join('\n');

  it('makes one series per numeric column with shared covariates', async () => {
    const ds = await loadForecastCsv(csv('wide.csv', WIDE), { covariateColumns: ['temp'] });
    expect(ds.series.map((s) => s.id)).toEqual(['north', 'south']);
    expect(ds.series[1]!.values).toEqual([10, 20, 30]);
    expect(ds.series[0]!.covariates).toEqual({ temp: [20, 21, 22] });
    expect(ds.series[1]!.covariates).toEqual({ temp: [20, 21, 22] });
    expect(ds.frequency).toBe('daily');
    expect(ds.seasonalPeriod).toBe(7);
    expect(ds.notices.join(' ')).toContain("'station'");
  });

  it('uses only the given series columns', async () => {
    const ds = await loadForecastCsv(csv('wide2.csv', WIDE), { format: 'wide', seriesColumns: ['south'] });
    expect(ds.series.map((s) => s.id)).toEqual(['south']);
    expect(ds.covariateNames).toEqual([]);
  });

  it('sorts rows once for all series, keeping covariates aligned', async () => {
    const path = csv('wide-unsorted.csv', 'ds,a,b,c\n2020-01-03,3,30,300\n2020-01-01,1,10,100\n2020-01-02,2,20,200\n');
    const ds = await loadForecastCsv(path, { covariateColumns: ['c'] });
    expect(ds.series[0]!.values).toEqual([1, 2, 3]);
    expect(ds.series[1]!.values).toEqual([10, 20, 30]);
    expect(ds.series[1]!.covariates['c']).toEqual([100, 200, 300]);
    expect(ds.notices.join(' ')).toMatch(/not in order; sorted/);
  });

  it('names the timestamp and a series on duplicate rows, hinting at long format', async () => {
    const path = csv('wide-dup.csv', 'date,a\n2020-01-01,1\n2020-01-02,2\n2020-01-02,3\n');
    const msg = await failure(path);
    expect(msg).toContain("series 'a'");
    expect(msg).toContain('2020-01-02');
    expect(msg).toContain('lines 3 and 4');
    expect(msg).toContain('--format long');
  });
});

describe('loadForecastCsv: bad input', () => {
  it('missing file', async () => {
    expect(await failure(join(dir, 'nope.csv'))).toMatch(/not found/);
  });

  it('empty file and header-only file', async () => {
    expect(await failure(csv('empty.csv', ''))).toMatch(/empty/);
    expect(await failure(csv('blank-only.csv', '\n\n'))).toMatch(/empty/);
    expect(await failure(csv('header.csv', 'series_id,timestamp,value\n'))).toMatch(/no data rows/);
  });

  it('missing or misnamed columns list the columns found and the flag', async () => {
    const path = csv('cols.csv', 'series_id,timestamp,amount\nA,2020,1\nA,2021,2\n');
    const msg = await failure(path);
    expect(msg).toContain("no value column 'value'");
    expect(msg).toContain("'series_id', 'timestamp', 'amount'");
    expect(msg).toContain('--value-column');
    expect(await failure(path, { idColumn: 'store', valueColumn: 'amount' })).toMatch(/series id column 'store'.*--id-column/);
    expect(await failure(path, { timestampColumn: 'when' })).toMatch(/timestamp column 'when'.*--timestamp-column/);
    expect(await failure(path, { covariateColumns: ['promo'] })).toMatch(/covariate column 'promo'.*--covariate-columns/);
    const noTs = csv('no-ts.csv', 'series_id,t,value\nA,1,1\n');
    expect(await failure(noTs)).toMatch(/no timestamp column.*'t'.*--timestamp-column/);
  });

  it('non-numeric values name the line, column, series and text', async () => {
    const path = csv('text.csv', 'series_id,timestamp,value\nA,2020-01-01,1\nA,2020-01-02,12abc\n');
    const msg = await failure(path);
    expect(msg).toContain('line 3');
    expect(msg).toContain("column 'value'");
    expect(msg).toContain("series 'A'");
    expect(msg).toContain("'12abc' is not a number");
  });

  it('non-numeric covariates are rejected the same way', async () => {
    const path = csv('cov-text.csv', 'series_id,timestamp,value,promo\nA,2020,1,yes\nA,2021,2,0\n');
    expect(await failure(path, { covariateColumns: ['promo'] })).toMatch(/line 2, column 'promo'.*'yes' is not a number/);
  });

  it('empty and NaN values are errors by default, suggesting --fill', async () => {
    const empty = csv('gap.csv', 'series_id,timestamp,value\nA,2020-01-01,1\nA,2020-01-02,\nA,2020-01-03,3\n');
    const msg = await failure(empty);
    expect(msg).toMatch(/line 3, column 'value' \(series 'A'\): empty value/);
    expect(msg).toContain('--fill forward|zero|interpolate');
    const nan = csv('nan.csv', 'date,a\n2020-01-01,1\n2020-01-02,NaN\n');
    expect(await failure(nan)).toMatch(/line 3, column 'a': missing value 'NaN'.*--fill/);
  });

  it('duplicate timestamps within a series name the series and timestamp', async () => {
    const path = csv('dup.csv', 'series_id,timestamp,value\nA,2020-01-01,1\nB,2020-01-01,5\nA,2020-01-01,2\n');
    const msg = await failure(path);
    expect(msg).toContain("series 'A'");
    expect(msg).toContain('2020-01-01 twice');
    expect(msg).toContain('lines 2 and 4');
  });

  it('unparseable timestamps name the line, column and text', async () => {
    const path = csv('badts.csv', 'series_id,timestamp,value\nA,2020-01-01,1\nA,01/02/2020,2\n');
    const msg = await failure(path);
    expect(msg).toMatch(/line 3, column 'timestamp' \(series 'A'\): cannot parse timestamp '01\/02\/2020'/);
    expect(await failure(csv('feb30.csv', 'date,a\n2020-02-30,1\n2020-03-01,2\n'))).toMatch(/line 2.*'2020-02-30'/);
  });

  it('a series with fewer than 2 points', async () => {
    const path = csv('short.csv', 'series_id,timestamp,value\nA,2020,1\nA,2021,2\nB,2020,7\n');
    expect(await failure(path)).toMatch(/series 'B' has only 1 point \(line 4\).*at least 2/);
  });

  it('series of different frequencies, and irregular series', async () => {
    const mixed = csv('mixed.csv', 'series_id,timestamp,value\nA,2020-01-01,1\nA,2020-02-01,2\nB,2020,1\nB,2021,2\n');
    expect(await failure(mixed)).toMatch(/series 'B' looks yearly but 'A' is monthly.*--frequency/);
    const odd = csv('odd.csv', 'date,a\n2020-01-01,1\n2020-01-04,2\n2020-01-07,3\n');
    expect(await failure(odd)).toMatch(/series 'a'.*irregular.*--frequency/);
    // Read as daily, the missing days are gaps: named by default, inserted and filled under --fill.
    await expect(loadForecastCsv(odd, { frequency: 'daily' })).rejects.toThrow(/series 'a' has no row for 2020-01-02 and 3 other daily step\(s\).*--fill forward\|zero\|interpolate/);
    const filled = await loadForecastCsv(odd, { frequency: 'daily', fill: 'interpolate' });
    [1, 4 / 3, 5 / 3, 2, 7 / 3, 8 / 3, 3].forEach((v, i) => expect(filled.series[0]!.values[i]).toBeCloseTo(v, 9));
    expect(filled.notices.join(' ')).toMatch(/inserted and filled \(--fill interpolate\) 4 missing daily timestamp\(s\) in 1 series/);
  });

  it('repeated timestamps with one text and one numeric column: read as long with those as id and value', async () => {
    const f = csv('stores.csv', 'store,month,sales\nnorth,2020-01-01,1\nsouth,2020-01-01,5\nnorth,2020-02-01,2\nsouth,2020-02-01,6\n');
    const d = await loadForecastCsv(f, {});
    expect(d.series.map((s) => [s.id, s.values])).toEqual([['north', [1, 2]], ['south', [5, 6]]]);
    expect(d.notices.join(' ')).toMatch(/id 'store' and value 'sales' \(timestamps repeat/);
    const two = csv('two-text.csv', 'store,month,region\nnorth,2020-01-01,x\nsouth,2020-01-01,y\nnorth,2020-02-01,x\nsouth,2020-02-01,y\n');
    expect(await failure(two)).toMatch(/no column is named like a series id/);
  });

  it('a month missing inside a monthly series is named, not read as contiguous', async () => {
    const gap = csv('gap.csv', 'series_id,timestamp,value\nA,2020-01-01,1\nA,2020-02-01,2\nA,2020-04-01,4\nA,2020-05-01,5\n');
    expect(await failure(gap)).toMatch(/series 'A' has no row for 2020-03-01 between its first and last timestamps/);
    const fwd = await loadForecastCsv(gap, { fill: 'forward' });
    expect(fwd.series[0]!.values).toEqual([1, 2, 2, 4, 5]);
    expect((await loadForecastCsv(gap, { fill: 'drop' }).catch((e: Error) => e.message))).toMatch(/every series has missing timestamps/);
  });

  it('validateHorizon names the first short series and its length', async () => {
    const ds = await loadForecastCsv(csv('hz.csv', LONG));
    expect(() => validateHorizon(ds, 1, 2)).not.toThrow();
    expect(() => validateHorizon(ds, 2, 2)).toThrow(DataError);
    expect(() => validateHorizon(ds, 2, 2)).toThrow(/series 'A' has 3 points but needs at least 4/);
    expect(() => validateHorizon(ds, 0, 2)).toThrow(UsageError);
  });
});

describe('loadForecastCsv: fill modes', () => {
  const GAPS = 'series_id,timestamp,value,promo\nA,2020-01,,1\nA,2020-02,2,\nA,2020-03,,0\nA,2020-04,,1\nA,2020-05,8,1\nA,2020-06,NaN,1\n';
  const load = async (fill: ForecastLoadOptions['fill']) =>
    loadForecastCsv(csv(`fill-${fill}.csv`, GAPS), { fill, covariateColumns: ['promo'] });

  it('zero', async () => {
    const ds = await load('zero');
    expect(ds.series[0]!.values).toEqual([0, 2, 0, 0, 8, 0]);
    expect(ds.series[0]!.covariates['promo']).toEqual([1, 0, 0, 1, 1, 1]);
    expect(ds.notices).toEqual(["filled 5 missing value(s) with --fill zero in 1 series ('A')"]);
  });

  it('forward (leading gaps take the first observed value)', async () => {
    const ds = await load('forward');
    expect(ds.series[0]!.values).toEqual([2, 2, 2, 2, 8, 8]);
    expect(ds.series[0]!.covariates['promo']).toEqual([1, 1, 0, 1, 1, 1]);
  });

  it('interpolate (linear inside, nearest at the edges)', async () => {
    const ds = await load('interpolate');
    expect(ds.series[0]!.values).toEqual([2, 2, 4, 6, 8, 8]);
    expect(ds.series[0]!.covariates['promo']).toEqual([1, 0.5, 0, 1, 1, 1]);
    expect(ds.notices[0]).toMatch(/filled 5 missing/);
  });

  it('fills after sorting, and fails when a series has no values at all', async () => {
    const path = csv('fill-sorted.csv', 'date,a\n2020-01-03,3\n2020-01-01,1\n2020-01-02,\n');
    expect((await loadForecastCsv(path, { fill: 'interpolate' })).series[0]!.values).toEqual([1, 2, 3]);
    const none = csv('fill-none.csv', 'series_id,timestamp,value\nA,2020,\nA,2021,NA\n');
    expect(await failure(none, { fill: 'forward' })).toMatch(/series 'A', column 'value': every value is missing/);
  });
});

describe('frequency helpers', () => {
  const axes: [Frequency, number[]][] = [
    ['hourly', [0, 1, 2, 3].map((h) => utc(2020, 1, 1, h))],
    ['daily', [1, 2, 3, 5].map((d) => utc(2020, 1, d))],
    ['weekly', [1, 8, 15, 22].map((d) => utc(2020, 1, d))],
    ['monthly', [1, 2, 3, 4, 5].map((m) => utc(2021, m))],
    ['quarterly', [1, 4, 7, 10, 13].map((m) => utc(2020, m))],
    ['yearly', [2019, 2020, 2021, 2022].map((y) => utc(y, 1))],
  ];

  it.each(axes)('infers %s', (freq, ts) => {
    expect(inferFrequency(ts, 'ctx')).toBe(freq);
  });

  it('rejects irregular spacing naming the context', () => {
    expect(() => inferFrequency([0, 5, 13, 40].map((d) => utc(2020, 1, 1 + d)), "f.csv, series 'X'")).toThrow(
      /f\.csv, series 'X'.*--frequency/,
    );
    expect(() => inferFrequency([0, 1000, 2000], 'ctx')).toThrow(DataError);
    expect(() => inferFrequency([0], 'ctx')).toThrow(/fewer than 2/);
  });

  it('seasonal periods', () => {
    const periods = ['hourly', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly'].map((f) =>
      seasonalPeriodOf(f as Frequency),
    );
    expect(periods).toEqual([24, 7, 52, 12, 4, 1]);
  });

  it('parses names and short codes', () => {
    expect(['H', 'd', 'W', 'm', 'Q', 'Y', 'A', 'Monthly'].map(parseFrequency)).toEqual([
      'hourly', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'yearly', 'monthly',
    ]);
    expect(() => parseFrequency('fortnightly')).toThrow(UsageError);
  });

  it('steps months, quarters and years on the calendar', () => {
    expect(nextTimestamps(utc(2020, 1, 31), 'monthly', 4).map(iso)).toEqual([
      '2020-02-29', '2020-03-31', '2020-04-30', '2020-05-31',
    ]);
    expect(nextTimestamps(utc(2019, 11, 15), 'monthly', 3).map(iso)).toEqual(['2019-12-15', '2020-01-15', '2020-02-15']);
    expect(nextTimestamps(utc(2020, 10), 'quarterly', 2).map(iso)).toEqual(['2021-01-01', '2021-04-01']);
    expect(nextTimestamps(utc(2020, 2, 29), 'yearly', 1).map(iso)).toEqual(['2021-02-28']);
    expect(nextTimestamps(utc(2020, 3, 1), 'weekly', 1).map(iso)).toEqual(['2020-03-08']);
    expect(nextTimestamps(utc(2020, 1, 1, 23), 'hourly', 2)).toEqual([utc(2020, 1, 2, 0), utc(2020, 1, 2, 1)]);
  });
});

describe('timestamps', () => {
  it('parses ISO dates and datetimes, year-months, years and decimal years', () => {
    expect(parseTimestamp('2001-01-22')).toBe(utc(2001, 1, 22));
    expect(parseTimestamp('2016-07-01 00:00:00')).toBe(utc(2016, 7, 1));
    expect(parseTimestamp('2016-07-01T05:00:00Z')).toBe(utc(2016, 7, 1, 5));
    expect(parseTimestamp('2016-07-01T05:00:00+02:00')).toBe(utc(2016, 7, 1, 3));
    expect(parseTimestamp('1982-04')).toBe(utc(1982, 4));
    expect(parseTimestamp('1982Q2')).toBe(utc(1982, 4));
    expect(parseTimestamp('1975')).toBe(utc(1975, 1));
    expect(parseTimestamp('1990.08333333333')).toBe(utc(1990, 2));
    expect(parseTimestamp('1984.25')).toBe(utc(1984, 4));
    expect(parseTimestamp('1467331200')).toBe(utc(2016, 7, 1));
    expect(parseTimestamp('1467331200000')).toBe(utc(2016, 7, 1));
  });

  it('rejects what is not a timestamp', () => {
    for (const s of ['', 'soon', '2020-13-01', '2021-02-29', '2020-01-01 25:00', '01/02/2020']) {
      expect(parseTimestamp(s)).toBeNull();
    }
  });

  it('formats dates and hours', () => {
    expect(formatTimestamp(utc(2020, 3, 5, 7), 'hourly')).toBe('2020-03-05T07:00:00Z');
    expect(formatTimestamp(utc(2020, 3, 5), 'daily')).toBe('2020-03-05');
    expect(formatTimestamp(utc(2020, 3, 5, 7))).toBe('2020-03-05T07:00:00Z');
  });
});

const AUS = fileURLToPath(new URL('../../../shared/data/forecasting/aus_retail.csv', import.meta.url));

describe('real data', () => {
  it.skipIf(!existsSync(AUS))('loads aus_retail.csv (152 monthly series)', async () => {
    const ds = await loadForecastCsv(AUS, { idColumn: 'Series ID', timestampColumn: 'Month', valueColumn: 'Turnover' });
    expect(ds.series).toHaveLength(152);
    expect(ds.frequency).toBe('monthly');
    expect(ds.seasonalPeriod).toBe(12);
    expect(ds.series[0]!.values.every(Number.isFinite)).toBe(true);
  });
});
