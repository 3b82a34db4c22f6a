import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, HeadstartError, UsageError } from '../../core/errors.js';
import { loadEvents, parseEventTime } from '../../plugins/recommendation/data/events-loader.js';
import { leaveOneOut, restrictTrainingUsers, temporalSplit } from '../../plugins/recommendation/data/splits.js';
import { fitCatalogueStats, fitTransitions, popularityPercentiles, transitionCount } from '../../plugins/recommendation/data/stats.js';
import { EVENT_FEATURES, EVENT_FEATURE_NAMES, EventFeaturizer } from '../../plugins/recommendation/data/features.js';
import { EventsAdapter } from '../../plugins/recommendation/data/adapter.js';
import { mergeEventLogs } from '../../plugins/recommendation/data/merge.js';

const dir = mkdtempSync(join(tmpdir(), 'headstart-rec-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** Writes a fixture file and returns its path. */
function file(text: string, ext = 'csv'): string {
  const p = join(dir, `f${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
}

/** The DataError a load raises (fails the test when it resolves). */
async function loadError(path: string, options = {}): Promise<HeadstartError> {
  const err = await loadEvents(path, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'expected the load to fail').toBeInstanceOf(HeadstartError);
  const e = err as HeadstartError;
  expect(e.message.split('\n')).toHaveLength(1);
  return e;
}

const ids = (d: { items: string[] }, seq: number[]) => seq.map((i) => d.items[i]);

describe('events loader: CSV', () => {
  it('reads user_id,item_id,timestamp, orders each user by time and keeps first-appearance catalogues', async () => {
    const p = file('user_id,item_id,timestamp\nu1,a,30\nu2,b,5\nu1,b,10\nu1,c,20\nu2,a,7\n');
    const d = await loadEvents(p);
    expect(d.order).toBe('timestamp');
    expect(d.items).toEqual(['a', 'b', 'c']);
    expect(d.users.map((u) => u.user)).toEqual(['u1', 'u2']);
    expect(ids(d, d.users[0]!.items)).toEqual(['b', 'c', 'a']);
    expect(d.users[0]!.times).toEqual([10, 20, 30]);
    expect(ids(d, d.users[1]!.items)).toEqual(['b', 'a']);
    expect(d.events).toBe(5);
    expect(d.ties).toBe(0);
    expect(d.source).toBe(p);
  });

  it('orders by a position column; ties keep file order and are counted', async () => {
    const p = file('user_id,item_id,position\n1,x,2\n1,y,0\n1,z,2\n1,w,1\n2,x,0\n2,y,0\n');
    const d = await loadEvents(p);
    expect(d.order).toBe('position');
    expect(ids(d, d.users[0]!.items)).toEqual(['y', 'w', 'x', 'z']);
    expect(ids(d, d.users[1]!.items)).toEqual(['x', 'y']);
    expect(d.ties).toBe(2);
    expect(d.notices.join(' ')).toMatch(/2 event\(s\) share their position/);
  });

  it('timestamp ties keep file order and are counted', async () => {
    const d = await loadEvents(file('user_id,item_id,timestamp\nu,b,5\nu,a,5\nu,c,1\n'));
    expect(ids(d, d.users[0]!.items)).toEqual(['c', 'b', 'a']);
    expect(d.ties).toBe(1);
  });

  it('maps column names by options (MovieLens ratings layout), reads ISO dates and milliseconds', async () => {
    const p = file('userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n2,10,4.0,835355493\n');
    const d = await loadEvents(p, { userColumn: 'userId', itemColumn: 'movieId' });
    expect(d.items).toEqual(['31', '1029', '10']);
    expect(d.users[0]!.times).toEqual([1260759144, 1260759179]);
    // The fallbacks find userId/movieId too.
    expect((await loadEvents(p)).items).toEqual(['31', '1029', '10']);
    expect(parseEventTime('2020-01-02')).toBe(Date.UTC(2020, 0, 2) / 1000);
    expect(parseEventTime('2020-01-02 03:04:05')).toBe(Date.UTC(2020, 0, 2, 3, 4, 5) / 1000);
    expect(parseEventTime('2020-01-02T03:04:05+01:00')).toBe(Date.UTC(2020, 0, 2, 2, 4, 5) / 1000);
    expect(parseEventTime('1577836800000')).toBe(1577836800);
    expect(parseEventTime('yesterday')).toBeNull();
    expect(parseEventTime('')).toBeNull();
  });

  it('without timestamp or position keeps file order and says so; quoted fields, CRLF and a BOM are read', async () => {
    const d = await loadEvents(file('\ufeffuser_id,item_id\r\n"u,1","item ""q"""\r\n"u,1",b\r\n\r\nv,b\r\n'));
    expect(d.order).toBe('file');
    expect(d.users.map((u) => u.user)).toEqual(['u,1', 'v']);
    expect(d.items).toEqual(['item "q"', 'b']);
    expect(d.notices.join(' ')).toMatch(/file order/);
  });

  it('event types: recorded, filterable', async () => {
    const p = file('user_id,item_id,timestamp,event_type\nu,a,1,view\nu,a,2,cart\nu,b,3,view\n');
    const d = await loadEvents(p);
    expect(d.eventTypes).toEqual(['view', 'cart']);
    expect(d.users[0]!.types).toEqual([0, 1, 0]);
    const carts = await loadEvents(p, { eventTypes: ['cart'] });
    expect(carts.events).toBe(1);
    expect(carts.notices.join(' ')).toMatch(/skipped 2 event/);
  });

  it('reads RecBole atomic .inter files (tab-separated name:type headers)', async () => {
    const p = file('user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t10\t5\t978300760\n1\t11\t3\t978300000\n2\t10\t4\t978301968\n', 'inter');
    const d = await loadEvents(p);
    expect(d.order).toBe('timestamp');
    expect(ids(d, d.users[0]!.items)).toEqual(['11', '10']);
    expect(d.users.length).toBe(2);
  });

  it('the adapter loads through the same code and names a missing file', async () => {
    const a = new EventsAdapter();
    expect(a.task).toBe('recommend');
    const missing = join(dir, 'nope.csv');
    await expect(a.load(missing, {})).rejects.toThrow(missing);
  });
});

describe('events loader: bad input is a one-line DataError naming file, line and column', () => {
  it('missing file, folder, empty file, header only', async () => {
    expect((await loadError(join(dir, 'absent.csv'))).message).toMatch(/absent\.csv: file not found/);
    const folder = join(dir, 'folder.csv');
    mkdirSync(folder);
    expect((await loadError(folder)).message).toMatch(/is a folder/);
    expect((await loadError(file(''))).message).toMatch(/the file is empty/);
    expect((await loadError(file('user_id,item_id\n'))).message).toMatch(/header but no events/);
  });

  it('missing columns list what was found and the flag to map them', async () => {
    const e = await loadError(file('customer,item_id\nu,a\n'));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/no user column .*columns found: 'customer', 'item_id'.*--user-column/);
    expect((await loadError(file('user_id,sku\nu,a\n'))).message).toMatch(/no item column.*--item-column/);
    expect((await loadError(file('user_id,item_id\nu,a\n'), { timestampColumn: 'when' })).message).toMatch(/no timestamp column 'when'.*--timestamp-column/);
    expect((await loadError(file('user_id,item_id\nu,a\n'), { order: 'position' })).message).toMatch(/needs a position column/);
  });

  it('empty user or item ids name the line and column', async () => {
    expect((await loadError(file('user_id,item_id\nu,a\n,b\n'))).message).toMatch(/line 3, column 'user_id': empty user id/);
    expect((await loadError(file('user_id,item_id\nu,a\nu, \n'))).message).toMatch(/line 3, column 'item_id': empty item id/);
  });

  it('duplicated rows name both lines', async () => {
    const e = await loadError(file('user_id,item_id,position\n1,a,0\n1,b,1\n2,a,0\n1,b,1\n'));
    expect(e.code).toBe('duplicate-rows');
    expect(e.message).toMatch(/line 5 duplicates line 3 \(user '1', item 'b', position 1\)/);
    const t = await loadError(file('user_id,item_id,timestamp\nu,a,2020-01-01\nu,a,2020-01-01\n'));
    expect(t.message).toMatch(/line 3 duplicates line 2 .*timestamp '2020-01-01'/);
  });

  it('non-integer or empty positions, unparseable timestamps', async () => {
    expect((await loadError(file('user_id,item_id,position\n1,a,0\n1,b,1.5\n'))).message).toMatch(/line 3, column 'position': '1\.5' is not an integer position/);
    expect((await loadError(file('user_id,item_id,position\n1,a,\n'))).message).toMatch(/line 2, column 'position': empty position/);
    expect((await loadError(file('user_id,item_id,position\n1,a,first\n'))).message).toMatch(/'first' is not an integer position/);
    expect((await loadError(file('user_id,item_id,timestamp\n1,a,noon\n'))).message).toMatch(/line 2, column 'timestamp': cannot parse timestamp 'noon'/);
  });

  it('line numbers count blank lines and multi-line quoted cells', async () => {
    expect((await loadError(file('user_id,item_id,position\n1,a,0\n\n1,"b\nc",1\n1,d,x\n'))).message).toMatch(/line 6, column 'position'/);
  });

  it('unclosed quotes, duplicated header columns, event-type filters that remove everything', async () => {
    expect((await loadError(file('user_id,item_id\nu,"a\n'))).message).toMatch(/line 2: a quoted field is never closed/);
    expect((await loadError(file('user_id,item_id,item_id\nu,a,b\n'))).message).toMatch(/column 'item_id' appears more than once/);
    expect((await loadError(file('user_id,item_id,event_type\nu,a,view\n'), { eventTypes: ['buy'] })).message).toMatch(/no events left.*'buy'.*types found: 'view'/);
    expect(await loadError(file('user_id,item_id\nu,a\n'), { eventTypes: ['buy'] })).toBeInstanceOf(UsageError);
  });
});

/** A small log: 4 users, items a..e (indices in order of first appearance). */
async function toy() {
  return loadEvents(file('user_id,item_id,timestamp\n1,a,1\n1,b,2\n1,c,3\n1,d,4\n2,a,5\n2,b,6\n2,e,7\n3,c,8\n3,d,9\n4,b,10\n'));
}

describe('splits', () => {
  it('leave-one-out: last test, second-last validation, users under 3 events only train', async () => {
    const d = await toy();
    const s = leaveOneOut(d);
    expect(s.kind).toBe('leave-one-out');
    expect(s.train).toEqual([[0, 1], [0], [2, 3], [1]]);
    expect(s.beforeTest).toEqual([[0, 1, 2], [0, 1], [2, 3], [1]]);
    expect(s.validation.map((c) => [c.user, c.history, c.target])).toEqual([
      [0, [0, 1], 2],
      [1, [0], 1],
    ]);
    expect(s.test.map((c) => [c.user, c.history, c.target])).toEqual([
      [0, [0, 1, 2], 3],
      [1, [0, 1], 4],
    ]);
    expect(s.test[0]!.times).toEqual([1, 2, 3]);
    expect(s.test[0]!.targetTime).toBe(4);
    expect(s.notices.join(' ')).toMatch(/2 user\(s\) with fewer than 3 events/);
  });

  it('leave-one-out with no user long enough is a DataError (nothing to evaluate)', async () => {
    const d = await loadEvents(file('user_id,item_id\nu,a\nu,b\nv,a\n'));
    expect(() => leaveOneOut(d)).toThrow(DataError);
    expect(() => leaveOneOut(d)).toThrow(/no user has the 3 events/);
  });

  it('temporal split: global cut times; first event after each cut is the case; cold users counted', async () => {
    const d = await toy();
    // 10 events at t = 1..10: validation from t = 7, test from t = 9.
    const s = temporalSplit(d, { validationFraction: 0.2, testFraction: 0.2 });
    expect(s.train).toEqual([[0, 1, 2, 3], [0, 1], [], []]);
    expect(s.validation.map((c) => [c.user, c.history, c.target])).toEqual([[1, [0, 1], 4]]);
    expect(s.test.map((c) => [c.user, c.history, c.target])).toEqual([[2, [2], 3]]);
    expect(s.test[0]!.times).toEqual([8]);
    expect(s.beforeTest).toEqual([[0, 1, 2, 3], [0, 1, 4], [2], []]);
    // User 3 starts inside the validation window, user 4 inside the test window: no history to rank from.
    expect(s.notices.join(' ')).toMatch(/1 validation and 1 test user\(s\) have no earlier events/);
  });

  it('temporal split needs timestamps; bad fractions are usage errors', async () => {
    const d = await loadEvents(file('user_id,item_id,position\nu,a,0\nu,b,1\n'));
    expect(() => temporalSplit(d)).toThrow(/needs timestamps/);
    expect(() => temporalSplit(d, { testFraction: 0 })).toThrow(UsageError);
  });

  it('restrictTrainingUsers keeps a seeded fraction of training users; test cases stay', async () => {
    const s = leaveOneOut(await toy());
    const r = restrictTrainingUsers(s, 0.5, 3);
    const kept = r.train.filter((t) => t.length > 0).length;
    expect(kept).toBe(2);
    expect(r.test).toEqual(s.test);
    expect(r.validation.every((c) => r.train[c.user]!.length > 0)).toBe(true);
    expect(r.beforeTest.filter((t) => t.length > 0).length).toBe(2);
    expect(restrictTrainingUsers(s, 0.5, 3).train).toEqual(r.train);
  });

  it('restrictTrainingUsers with held-out validation: those users validate and count in test statistics, never train', async () => {
    const s = leaveOneOut(await toy());
    const all = restrictTrainingUsers(s, 1, 3, 0.5);
    const validators = new Set(all.validation.map((c) => c.user));
    expect(validators.size).toBeGreaterThan(0);
    for (const u of validators) {
      expect(all.train[u]).toEqual([]);
      expect(all.beforeTest[u]!.length).toBeGreaterThan(0);
    }
    const candidates = s.train.filter((t) => t.length > 0).length;
    expect(all.train.filter((t) => t.length > 0).length).toBe(candidates - Math.round(0.5 * candidates));
    expect(() => restrictTrainingUsers(s, 1, 3, 1)).toThrow(/held-out validation share/);
  });
});

describe('statistics and event features', () => {
  const seqs = [
    [0, 1, 2],
    [0, 1, 3],
    [1, 2, 1],
  ];

  it('transition counts in sparse rows; top successors by count then popularity', () => {
    const t = fitTransitions(seqs, 4);
    expect(transitionCount(t, 0, 1)).toBe(2);
    expect(transitionCount(t, 1, 2)).toBe(2);
    expect(transitionCount(t, 1, 3)).toBe(1);
    expect(transitionCount(t, 2, 1)).toBe(1);
    expect(transitionCount(t, 3, 0)).toBe(0);
    expect(Array.from(t.outgoing)).toEqual([2, 3, 1, 0]);
    const s = fitCatalogueStats(seqs, 4, 2, t);
    expect(Array.from(s.counts)).toEqual([2, 4, 2, 1]);
    expect(Array.from(s.successors.subarray(2, 4))).toEqual([2, 3]);
    expect(Array.from(s.successorCounts.subarray(2, 4))).toEqual([2, 1]);
    expect(s.events).toBe(9);
    expect(Array.from(popularityPercentiles(s.counts))).toEqual([0.25, 0.75, 0.25, 0]);
  });

  it('per-event features: popularity, repeats, transitions, time gaps, position (hand-computed)', () => {
    const t = fitTransitions(seqs, 4);
    const f = new EventFeaturizer(fitCatalogueStats(seqs, 4, 2, t), t);
    expect(EVENT_FEATURE_NAMES).toHaveLength(EVENT_FEATURES);
    const x = f.featurize([1, 2, 1], [0, 60, 3660]);
    const row = (i: number) => Array.from(x.subarray(i * EVENT_FEATURES, (i + 1) * EVENT_FEATURES));
    const lm = Math.log1p(4);
    const year = Math.log1p(365 * 86400);
    const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v, EVENT_FEATURE_NAMES[i]).toBeCloseTo(b[i]!, 5));
    // popularity_log, percentile, repeat, repeat_recency, transition_probability, transition_rank, time_gap, has_time_gap, history_position
    close(row(0), [1, 0.75, 0, 0, 0, 0, 0, 0, 0]);
    close(row(1), [Math.log1p(2) / lm, 0.25, 0, 0, 2 / 3, 1, Math.log1p(60) / year, 1, Math.log1p(1) / Math.log1p(200)]);
    close(row(2), [1, 0.75, 1, 0.5, 1, 1, Math.log1p(3600) / year, 1, Math.log1p(2) / Math.log1p(200)]);
    // No times: no gaps.
    const y = f.featurize([3, 3]);
    expect(y[EVENT_FEATURES + 6]).toBe(0);
    expect(y[EVENT_FEATURES + 7]).toBe(0);
    expect(y[EVENT_FEATURES + 3]).toBe(1);
  });
});

describe('mergeEventLogs', () => {
  it('keeps each log\'s users and items apart (later logs prefixed), sequences intact; timestamps only when all logs have them', async () => {
    const a = await loadEvents(file('user_id,item_id,timestamp\nu1,x,1\nu1,y,2\nu2,y,5\n'));
    const b = await loadEvents(file('user_id,item_id,position\nu1,y,0\nu1,z,1\n'));
    const m = mergeEventLogs([a, b]);
    const bName = basename(b.source);
    expect(m.items).toEqual(['x', 'y', `${bName}:y`, `${bName}:z`]);
    expect(m.users.map((u) => [u.user, u.items])).toEqual([['u1', [0, 1]], ['u2', [1]], [`${bName}:u1`, [2, 3]]]);
    expect(m.users.every((u) => u.times === undefined)).toBe(true);
    expect(m.events).toBe(5);
    // No transition crosses logs: y of the first log never precedes z.
    expect(transitionCount(fitTransitions(m.users.map((u) => u.items), m.items.length), 1, 3)).toBe(0);
    const timed = mergeEventLogs([a, await loadEvents(file('user_id,item_id,timestamp\nv,q,7\nv,r,9\n'))]);
    expect(timed.users.map((u) => u.times)).toEqual([[1, 2], [5], [7, 9]]);
  });
});
