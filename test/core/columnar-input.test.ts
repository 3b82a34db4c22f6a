import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { table, toArrowIPC } from 'arquero';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { loadForecastCsv } from '../../plugins/forecasting/data/csv-loader.js';
import { loadEvents } from '../../plugins/recommendation/data/events-loader.js';
import { tempDir } from '../helpers/fixtures.js';

const dir = tempDir('headstart-arrow-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Arrow IPC and Parquet input', () => {
  it('a forecast table written as Arrow loads as its CSV does, dates included', async () => {
    const months = Array.from({ length: 24 }, (_, t) => `${2020 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01`);
    const cols = { series_id: [...months.map(() => 'a'), ...months.map(() => 'b')], ds: [...months, ...months].map((m) => new Date(`${m}T00:00:00Z`)), y: [...months.map((_, t) => 10 + t), ...months.map((_, t) => 50 - t)] };
    const arrow = join(dir, 'sales.arrow');
    writeFileSync(arrow, toArrowIPC(table(cols)));
    const csv = join(dir, 'sales.csv');
    writeFileSync(csv, ['series_id,ds,y', ...cols.series_id.map((s, i) => `${s},${months[i % 24]},${cols.y[i]}`)].join('\n') + '\n');
    const a = await loadForecastCsv(arrow, {});
    const c = await loadForecastCsv(csv, {});
    expect(a.series.map((s) => s.id)).toEqual(['a', 'b']);
    expect(a.series.map((s) => s.values)).toEqual(c.series.map((s) => s.values));
    expect(a.frequency).toBe('monthly');
  });

  it('an events log written as Arrow loads as its CSV does', async () => {
    const cols = { user_id: ['u1', 'u1', 'u1', 'u2', 'u2'], item_id: ['a', 'b', 'c', 'b', 'c'], timestamp: [1, 2, 3, 4, 5] };
    const arrow = join(dir, 'events.feather');
    writeFileSync(arrow, toArrowIPC(table(cols)));
    const csv = join(dir, 'events.csv');
    writeFileSync(csv, ['user_id,item_id,timestamp', ...cols.user_id.map((u, i) => `${u},${cols.item_id[i]},${cols.timestamp[i]}`)].join('\n') + '\n');
    const a = await loadEvents(arrow);
    const c = await loadEvents(csv);
    expect(a.items).toEqual(c.items);
    expect(a.users.map((u) => u.items)).toEqual(c.users.map((u) => u.items));
  });

  it('Parquet files load as their CSVs do, for both tasks (timestamps and 64-bit integers included)', async () => {
    const months = Array.from({ length: 24 }, (_, t) => new Date(Date.UTC(2020, t, 1)));
    const sales = join(dir, 'sales.parquet');
    writeFileSync(sales, new Uint8Array(parquetWriteBuffer({ columnData: [
      { name: 'unique_id', data: [...months.map(() => 'a'), ...months.map(() => 'b')] },
      { name: 'ds', data: [...months, ...months], type: 'TIMESTAMP' },
      { name: 'y', data: [...months.map((_, t) => 10 + t), ...months.map((_, t) => 50 - t)], type: 'DOUBLE' },
    ] })));
    const f = await loadForecastCsv(sales, {});
    expect(f.series.map((s) => s.id)).toEqual(['a', 'b']);
    expect(f.series[1]!.values.slice(0, 3)).toEqual([50, 49, 48]);
    expect(f.frequency).toBe('monthly');
    const events = join(dir, 'events.parquet');
    writeFileSync(events, new Uint8Array(parquetWriteBuffer({ columnData: [
      { name: 'user_id', data: ['u1', 'u1', 'u1', 'u2', 'u2'] },
      { name: 'item_id', data: ['a', 'b', 'c', 'b', 'c'] },
      { name: 'timestamp', data: [1n, 2n, 3n, 4n, 5n], type: 'INT64' },
    ] })));
    const e = await loadEvents(events);
    expect(e.items).toEqual(['a', 'b', 'c']);
    expect(e.users.map((u) => u.items)).toEqual([[0, 1, 2], [1, 2]]);
  });

  it('a file that is not Arrow says so in one line', async () => {
    const bad = join(dir, 'bad.arrow');
    writeFileSync(bad, 'not arrow at all');
    await expect(loadEvents(bad)).rejects.toThrow(/bad\.arrow: cannot be read as Arrow IPC/);
  });
});

it('a file that is not Parquet says so in one line', async () => {
  const bad = join(dir, 'bad.parquet');
  writeFileSync(bad, 'not parquet');
  await expect(loadEvents(bad)).rejects.toThrow(/bad\.parquet: cannot be read as Parquet/);
});
