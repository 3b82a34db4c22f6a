/**
 * End to end for recommendation: transfer recommend → evaluate → recommend with the compiled CLI on a
 * tiny synthetic events log, and the bad-input cases (one stderr line, non-zero exit, nothing written).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeEventsCsv } from '../helpers/fixtures.js';
import { cli, ensureBuilt, expectOneLineError } from '../helpers/cli.js';
import { Rng } from '../../core/random.js';
import { createContainer, registryOf } from '../../core/container.js';
import { builtinPlugins } from '../../plugins/index.js';

/** The recommend baselines the built-in plugins register: every one is ranked beside the model. */
const RECOMMEND_BASELINES = registryOf(createContainer(builtinPlugins))
  .all<{ task: string }>('baseline')
  .filter((r) => r.component.task === 'recommend')
  .map((r) => r.id);

let dir: string;
let events: string;
let model: string;
const QUICK = ['--strategy', 'scratch', '--epochs', '2', '--steps-per-epoch', '4', '--batch-size', '16'];

function outDir(name: string): string {
  const d = join(dir, 'out', name);
  mkdirSync(d, { recursive: true });
  return d;
}

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir('headstart-e2e-rec-');
  events = join(dir, 'clicks.csv');
  writeEventsCsv(events, 50, 15, 3);
  model = join(dir, 'model');
  const r = await cli(['transfer', 'recommend', '--events', events, ...QUICK, '--out', model, '--json']);
  expect(r.code, r.stderr).toBe(0);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('transfer recommend → evaluate → recommend', () => {
  it('transfer wrote a model folder with networks, catalogue statistics and the item ids', () => {
    const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')) as { task: string; files: Record<string, string>; meta: { catalogue: { items: string[] }; strategy: string } };
    expect(manifest.task).toBe('recommend');
    expect(manifest.meta.strategy).toBe('scratch');
    expect(manifest.meta.catalogue.items).toHaveLength(15);
    expect(new Set(manifest.meta.catalogue.items)).toEqual(new Set(Array.from({ length: 15 }, (_, i) => `i${i}`)));
    expect(Object.keys(manifest.files)).toEqual(expect.arrayContaining(['backbone.json', 'backbone.weights.bin', 'head.json', 'head.weights.bin', 'statistics.bin']));
  });

  it('evaluate --json ranks the model beside most-popular, markov and co-occurrence on every user with 3 events', async () => {
    const r = await cli(['evaluate', '--model', model, '--events', events, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { users: number; results: { name: string; kind: string; metrics: Record<string, number> }[] };
    expect(out.users).toBe(50);
    expect(out.results[0]!.name).toBe('scratch (sasrec-s)');
    expect(out.results.map((x) => x.name).sort()).toEqual([...RECOMMEND_BASELINES, 'scratch (sasrec-s)'].sort());
    const markov = out.results.find((x) => x.name === 'markov')!;
    for (const x of out.results) {
      for (const m of ['HR@10', 'NDCG@10', 'MRR@10', 'coverage@10']) {
        expect(x.metrics[m]).toBeGreaterThanOrEqual(0);
        expect(x.metrics[m]).toBeLessThanOrEqual(1);
      }
      expect(x.metrics['HR@10']).toBeGreaterThanOrEqual(x.metrics['HR@5']!);
    }
    // The fixture's next item is (last + 1) mod 15 four times in five: Markov must find it.
    expect(markov.metrics['HR@10']).toBeGreaterThan(0.5);
  });

  it('a temporal model is evaluated under the temporal split; the counting combination and --train-share are reported', async () => {
    const temporal = join(dir, 'model-temporal');
    const t = await cli(['transfer', 'recommend', '--events', events, ...QUICK, '--split', 'temporal', '--train-share', '0.5', '--validation-users', '10', '--out', temporal, '--json']);
    expect(t.code, t.stderr).toBe(0);
    const trained = JSON.parse(t.stdout) as { combine: { with: string; modelWeight: number; ndcgByWeight: { modelWeight: number; ndcg: number }[] }; notices: string[]; validation: { name: string; metrics: { cases: number } }[] };
    expect(trained.combine.with).toBe('counting');
    expect(trained.combine.ndcgByWeight.map((c) => c.modelWeight)).toContain(trained.combine.modelWeight);
    expect(trained.notices.join(' ')).toMatch(/training on \d+ of \d+ users \(50%/);
    expect(trained.validation[0]!.metrics.cases).toBeLessThanOrEqual(10);
    const manifest = JSON.parse(readFileSync(join(temporal, 'manifest.json'), 'utf8')) as { meta: { split: string; blend?: { modelWeight: number } } };
    expect(manifest.meta.split).toBe('temporal');
    expect(manifest.meta.blend?.modelWeight).toBe(trained.combine.modelWeight);
    const e = await cli(['evaluate', '--model', temporal, '--events', events, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect((JSON.parse(e.stdout) as { split: string }).split).toBe('temporal');
  });

  it('recommend scores users never seen in training, skips their items, and counts unknown items', async () => {
    const recent = join(dir, 'recent.csv');
    writeFileSync(recent, ['user_id,item_id,timestamp', 'new1,i3,1', 'new1,i4,2', 'new1,zzz,3', 'new2,i9,5', 'new3,unknown-only,1'].join('\n') + '\n');
    const out = join(dir, 'recs.csv');
    const r = await cli(['recommend', '--model', model, '--events', recent, '--k', '5', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { users: number; unknownEvents: number; unknownItems: number; skippedUsers: number; notices: string[] };
    expect(summary).toMatchObject({ users: 2, unknownEvents: 2, unknownItems: 2, skippedUsers: 1 });
    expect(summary.notices.join(' ')).toMatch(/1 user\(s\) with no event of a catalogue item got no recommendations/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('user_id,rank,item_id,probability');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(10);
    const new1 = rows.filter((x) => x[0] === 'new1');
    expect(new1.map((x) => x[1])).toEqual(['1', '2', '3', '4', '5']);
    expect(new1.map((x) => x[2])).not.toContain('i3');
    expect(new1.map((x) => x[2])).not.toContain('i4');
    const scores = new1.map((x) => Number(x[3]));
    expect(scores.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(scores.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-3);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    // --include-seen lets history items back in; --strict rejects the unknown item.
    const seen = await cli(['recommend', '--model', model, '--events', recent, '--k', '15', '--include-seen', '--out', join(dir, 'recs-seen.csv')]);
    expect(seen.code, seen.stderr).toBe(0);
    expect(seen.stderr).toMatch(/2 event\(s\) of 2 item\(s\) not in the model's catalogue were ignored/);
    expect(readFileSync(join(dir, 'recs-seen.csv'), 'utf8')).toMatch(/^new1,\d+,i3,/m);
  });
});

describe('the shipped sasrec-s weights', () => {
  it('transfer recommend --strategy probe on a new catalogue loads them (sha256-checked) and trains only the head', async () => {
    const out = join(dir, 'probe-model');
    const r = await cli(['transfer', 'recommend', '--events', events, '--strategy', 'probe', '--epochs', '1', '--steps-per-epoch', '3', '--batch-size', '16', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { strategy: string; itemsTransferred: number; training: { trainableParameters: number }; validation: { name: string }[] };
    expect(res.strategy).toBe('probe');
    // The fixture's item ids (i0..i14) are not Sports ids: a new catalogue, nothing to carry over.
    expect(res.itemsTransferred).toBe(0);
    expect(res.validation.map((v) => v.name)).toContain('markov');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { meta: { backbone: { id: string } } };
    expect(manifest.meta.backbone.id).toBe('sasrec-s');
  });
});

describe('assess recommend', () => {
  it('ranks every backbone × strategy and the baselines on a sample, and says whether transfer pays', async () => {
    const r = await cli(['assess', 'recommend', '--events', events, '--backbones', 'sasrec-s', '--strategies', 'zero-shot,scratch', '--sample-users', '40', '--epochs', '1', '--steps-per-epoch', '3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { descriptors: { users: number; repeatShare: number }; rows: { name: string; kind: string; ndcg10: number }[]; verdict: string; advice: string };
    expect(out.descriptors.users).toBe(40);
    expect(out.rows.map((x) => x.name).sort()).toEqual([...RECOMMEND_BASELINES, 'sasrec-s scratch', 'sasrec-s zero-shot'].sort());
    for (let i = 1; i < out.rows.length; i++) expect(out.rows[i - 1]!.ndcg10).toBeGreaterThanOrEqual(out.rows[i]!.ndcg10);
    const top = out.rows[0]!;
    expect(out.verdict).toBe(top.kind === 'transfer' ? 'transfer-pays' : top.kind === 'scratch' ? 'scratch-better' : 'baseline-better');
    expect(out.advice).toContain(top.name);
  });
});

describe('negative transfer', () => {
  it('on a log whose signal sits ten events back (beyond every pretrained feature), transfer warns that scratch ranks better', async () => {
    // Every event after a user's first ten is a fixed function of the one ten events earlier, beyond
    // the eight recent steps any pretrained feature (transitions, co-occurrence) reads; the validation
    // and test targets carry that signal, so scratch can learn what transfer cannot see.
    const rows = ['user_id,item_id,timestamp'];
    const rng = new Rng(7);
    for (let u = 0; u < 300; u++) {
      const seq = Array.from({ length: 10 }, () => rng.int(30));
      while (seq.length < 24) seq.push((7 * seq[seq.length - 10]! + 3) % 30);
      seq.forEach((item, t) => rows.push(`u${u},i${item},${1000 + 100 * u + t}`));
    }
    const far = join(dir, 'far.csv');
    writeFileSync(far, rows.join('\n') + '\n');
    const r = await cli(['transfer', 'recommend', '--events', far, '--strategy', 'zero-shot', '--combine', 'none', '--epochs', '10', '--steps-per-epoch', '20', '--batch-size', '32', '--out', join(dir, 'far-model'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { negativeTransfer: boolean; warnings: string[]; validation: { name: string; metrics: Record<string, number> }[] };
    const ndcg = (name: string) => out.validation.find((v) => v.name === name)!.metrics['NDCG@10']!;
    expect(ndcg('scratch (comparison)')).toBeGreaterThan(ndcg('zero-shot'));
    expect(out.negativeTransfer).toBe(true);
    expect(out.warnings[0]).toMatch(/^negative transfer: zero-shot ranks validation worse than the same model trained from scratch.*saved the scratch model instead/);
    // The better model is the one saved, and the folder says so.
    expect(out).toMatchObject({ strategy: 'scratch', asked: 'zero-shot' });
    expect(JSON.parse(readFileSync(join(dir, 'far-model', 'manifest.json'), 'utf8')).meta.strategy).toBe('scratch');
  });
});

describe.concurrent('bad input: non-zero exit, one stderr line naming the problem, nothing written', () => {
  it('recommend --strict with an unknown item names the item and the user', async () => {
    const recent = join(dir, 'strict.csv');
    writeFileSync(recent, 'user_id,item_id,timestamp\nnew1,i3,1\nnew1,zzz,2\n');
    const out = outDir('strict');
    const line = expectOneLineError(await cli(['recommend', '--model', model, '--events', recent, '--strict', '--out', join(out, 'recs.csv')]));
    expect(line).toContain("'zzz'");
    expect(line).toContain("'new1'");
    expect(line).toContain('--strict');
    expect(readdirSync(out)).toEqual([]);
  });

  it('a model folder from another catalogue', async () => {
    const other = join(dir, 'other.csv');
    writeEventsCsv(other, 20, 15, 5, { user: 'v', item: 'sku-' });
    const line = expectOneLineError(await cli(['evaluate', '--model', model, '--events', other]));
    expect(line).toContain(other);
    expect(line).toMatch(/another catalogue/);
  });

  it('missing item column', async () => {
    const bad = join(dir, 'no-item.csv');
    writeFileSync(bad, 'user_id,product,timestamp\nu1,a,1\nu1,b,2\nu1,c,3\n');
    const out = outDir('no-item');
    const line = expectOneLineError(await cli(['transfer', 'recommend', '--events', bad, ...QUICK, '--out', join(out, 'model')]));
    expect(line).toContain(bad);
    expect(line).toContain('--item-column');
    expect(readdirSync(out)).toEqual([]);
  });

  it('duplicated rows and non-integer positions', async () => {
    const dup = join(dir, 'dup.csv');
    writeFileSync(dup, 'user_id,item_id,position\nu1,a,0\nu1,b,1\nu1,b,1\nu1,c,2\n');
    expect(expectOneLineError(await cli(['transfer', 'recommend', '--events', dup, ...QUICK, '--out', join(outDir('dup'), 'model')]))).toMatch(/dup\.csv.*duplicate/i);
    const pos = join(dir, 'pos.csv');
    writeFileSync(pos, 'user_id,item_id,position\nu1,a,0\nu1,b,1.5\nu1,c,2\n');
    expect(expectOneLineError(await cli(['transfer', 'recommend', '--events', pos, ...QUICK, '--out', join(outDir('pos'), 'model')]))).toMatch(/pos\.csv.*position/);
  });

  it('an empty events file', async () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, 'user_id,item_id\n');
    const out = outDir('empty');
    const line = expectOneLineError(await cli(['transfer', 'recommend', '--events', empty, ...QUICK, '--out', join(out, 'model')]));
    expect(line).toContain(empty);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a tampered statistics file', async () => {
    const copy = join(dir, 'tampered');
    mkdirSync(copy);
    for (const f of readdirSync(model)) writeFileSync(join(copy, f), readFileSync(join(model, f)));
    const bytes = readFileSync(join(copy, 'statistics.bin'));
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(join(copy, 'statistics.bin'), bytes);
    const out = join(dir, 'tampered-recs.csv');
    const line = expectOneLineError(await cli(['recommend', '--model', copy, '--events', events, '--out', out]));
    expect(line).toMatch(/statistics\.bin: sha256/);
    expect(existsSync(out)).toBe(false);
  });

  it('evaluate of a recommend model without --events says what to pass', async () => {
    expect(expectOneLineError(await cli(['evaluate', '--model', model]))).toMatch(/--events/);
  });
});
