import { parse } from 'shell-quote';
import { manifestDigest } from '../../core/io/manifest-digest.js';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { createContainer, registryOf } from '../../core/container.js';
import { sha256 } from '../../core/io/sha256.js';
import { readWeightsManifest, WEIGHTS_MANIFEST } from '../../core/io/weights-manifest.js';
import { ModelError } from '../../core/errors.js';
import type { Pretrainer } from '../../core/interfaces/index.js';
import { builtinPlugins } from '../../plugins/index.js';
import { SASREC_CONFIG, SASREC_VERSION, SasrecBackbone, SasrecPretrainer } from '../../plugins/recommendation/backbones/sasrec.js';
import { type RecommendPretrainOptions } from '../../plugins/recommendation/pretraining/pretrain-next-item.js';
import type { NextItemHeadModel } from '../../plugins/recommendation/heads/next-item-head.js';
import { Rng } from '../../core/random.js';
import { tempDir } from '../helpers/fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ITEMS = 15;

let dir: string;
let events: string;
beforeAll(async () => {
  await useBackend('wasm');
  dir = tempDir('headstart-rec-pretrain-');
  // 30 users; the next item is usually (last + 1) mod ITEMS; timestamps one hour apart.
  const rng = new Rng(9);
  const lines = ['user_id,item_id,timestamp'];
  for (let u = 0; u < 30; u++) {
    const n = 4 + rng.int(5);
    let item = rng.int(ITEMS);
    for (let t = 0; t < n; t++) {
      lines.push(`u${u},i${item},${1_600_000_000 + u * 100_000 + t * 3600}`);
      item = rng.next() < 0.8 ? (item + 1) % ITEMS : rng.int(ITEMS);
    }
  }
  events = join(dir, 'events.csv');
  writeFileSync(events, lines.join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = (out: string): RecommendPretrainOptions & { out: string; command: string } => ({
  events,
  steps: 4,
  batchSize: 8,
  learningRate: 1e-3,
  seed: 5,
  checkpointEvery: 2,
  head: { itemDim: 8, successors: 4 },
  out,
  command: 'headstart pretrain recommend --steps 4',
});

/** Edits a weights manifest and, unless `keepDigest`, re-digests it (as a genuine manifest with those values would be). */
function editManifest(path: string, edit: (m: Record<string, unknown> & { config: Record<string, unknown> }) => void, keepDigest = false): void {
  const file = join(path, WEIGHTS_MANIFEST);
  const m = JSON.parse(readFileSync(file, 'utf8'));
  edit(m);
  if (!keepDigest) m.digest = manifestDigest(m);
  writeFileSync(file, JSON.stringify(m));
}

describe('sasrec-s pretrainer', () => {
  it('is registered under the backbone it pretrains', () => {
    const registry = registryOf(createContainer(builtinPlugins));
    const p = registry.get<Pretrainer<RecommendPretrainOptions>>('pretrainer', 'sasrec-s');
    expect(p).toBeInstanceOf(SasrecPretrainer);
    expect(p.task).toBe('recommend');
  });

  it('writes weights + a manifest (version, config, sha256) that SasrecBackbone.at(dir) loads; same seed is bit-identical', async () => {
    const out = join(dir, 'weights');
    const progress: number[] = [];
    const summary = await new SasrecPretrainer().run({ ...base(out), onProgress: (p) => progress.push(p.step) });
    expect(summary.steps).toBe(4);
    expect(progress).toEqual([1, 2, 3, 4]);
    const m = readWeightsManifest(out);
    expect(m).toMatchObject({ backbone: 'sasrec-s', version: SASREC_VERSION, seed: 5, steps: 4, batchSize: 8, command: 'headstart pretrain recommend --steps 4' });
    expect(m.config).toMatchObject({ ...SASREC_CONFIG });
    expect(JSON.parse(m.config.head as string)).toMatchObject({ itemDim: 8, successors: 4, loss: 'full' });
    expect(m.corpus.sources).toEqual(['events.csv']);
    expect(m.parameters).toBe(new SasrecBackbone().describe().parameters);
    expect(Number.isFinite(m.finalLoss.trainEma)).toBe(true);
    expect(Number.isFinite(m.finalLoss.heldOut)).toBe(true);
    expect(Object.keys(m.files).sort()).toEqual(['backbone.json', 'backbone.weights.bin', 'catalogue.json', 'head.json', 'head.weights.bin']);
    for (const [file, hash] of Object.entries(m.files)) expect(sha256(readFileSync(join(out, file)))).toBe(hash);

    const backbone = SasrecBackbone.at(out);
    expect(backbone.describe()).toMatchObject({ hasWeights: true, version: SASREC_VERSION });
    const model = await backbone.build({ init: 'pretrained', seed: 1 });
    const head = model.pretrainedHead as NextItemHeadModel;
    expect(head).toBeDefined();
    expect(head.config.outputs).toBe(ITEMS);
    expect(head.config.options).toMatchObject({ itemDim: 8, successors: 4 });
    const random = await backbone.build({ init: 'random', seed: 1 });
    expect(model.network.getWeights()[0]!.dataSync()).not.toEqual(random.network.getWeights()[0]!.dataSync());
    model.network.dispose();
    head.network.dispose();
    random.network.dispose();

    // stopAfter re-runs a capped run exactly: weight bytes match (model.json layer names differ in-process).
    const a = join(dir, 'again-a');
    const b = join(dir, 'again-b');
    expect((await new SasrecPretrainer().run({ ...base(a), steps: 6, stopAfter: 3, checkpointEvery: 100 })).steps).toBe(3);
    await new SasrecPretrainer().run({ ...base(b), steps: 6, stopAfter: 3, checkpointEvery: 100 });
    const bins = (p: string) => Object.entries(readWeightsManifest(p).files).filter(([f]) => f.endsWith('.bin'));
    expect(bins(a)).toEqual(bins(b));
  });

  it('pretrains on several logs at once: one catalogue with each log\'s items kept apart, every source in the manifest', async () => {
    // A second domain whose ids collide with the first's (u0…, i0…) and whose items step backwards.
    const other = join(dir, 'other.csv');
    const lines = ['user_id,item_id,position'];
    for (let u = 0; u < 12; u++) for (let t = 0; t < 5; t++) lines.push(`u${u},i${(3 * u - t + ITEMS) % ITEMS},${t}`);
    writeFileSync(other, lines.join('\n') + '\n');
    const out = join(dir, 'weights-two');
    await new SasrecPretrainer().run({ ...base(out), events: [events, other] });
    const m = readWeightsManifest(out);
    expect(m.corpus.sources).toEqual(['events.csv', 'other.csv']);
    expect(m.corpus.description).toMatch(/^events\.csv: 30 users, 15 items, \d+ events; other\.csv: 12 users, 15 items, 60 events/);
    const catalogue = JSON.parse(readFileSync(join(out, 'catalogue.json'), 'utf8')) as string[];
    expect(catalogue).toHaveLength(30);
    expect(catalogue.filter((id) => id.startsWith('other.csv:'))).toHaveLength(15);
    expect(catalogue).toContain('i0');
  });

  it('--init starts from an earlier run\'s weights (new head weights fresh) and refuses another backbone or corpus', async () => {
    const from = join(dir, 'weights');
    const out = join(dir, 'weights-init');
    // A learning rate too small to move anything: the run's weights are the ones it started from.
    await new SasrecPretrainer().run({ ...base(out), steps: 1, learningRate: 1e-12, init: from, head: { itemDim: 8, successors: 4, countingGate: true } });
    const m = readWeightsManifest(out);
    expect(m.corpus.description).toMatch(/; started from weights \(4 steps, seed 5, head\.weights\.bin sha256 [0-9a-f]{12}…\)$/);
    expect(JSON.parse(m.config.head as string)).toMatchObject({ countingGate: true });
    const load = async (p: string) => (await SasrecBackbone.at(p).build({ init: 'pretrained', seed: 1 }));
    const [a, b] = await Promise.all([load(from), load(out)]);
    const gap = (x: Float32Array | Int32Array | Uint8Array, y: Float32Array | Int32Array | Uint8Array) => Math.max(...Array.from(x, (v, i) => Math.abs(v - (y[i] as number))));
    a.network.getWeights().forEach((w, i) => expect(gap(w.dataSync(), b.network.getWeights()[i]!.dataSync())).toBeLessThan(1e-6));
    const [ha, hb] = [a.pretrainedHead as NextItemHeadModel, b.pretrainedHead as NextItemHeadModel];
    const named = (h: NextItemHeadModel) => new Map(h.scorer.weights.map((v, i) => [v.originalName.replace(/^.*\//, '').replace(/_\d+$/, ''), h.scorer.getWeights()[i]!]));
    const [wa, wb] = [named(ha), named(hb)];
    for (const [name, w] of wa) expect(gap(w.dataSync(), wb.get(name)!.dataSync()), name).toBeLessThan(1e-6);
    expect([...wb.keys()].filter((k) => !wa.has(k)).sort()).toEqual(['counting_gate_bias', 'counting_gate_feature_kernel', 'counting_gate_kernel']);
    for (const model of [a, b]) {
      model.network.dispose();
      (model.pretrainedHead as NextItemHeadModel).network.dispose();
    }

    await expect(new SasrecPretrainer().run({ ...base(join(dir, 'init-none')), init: join(dir, 'no-such') })).rejects.toThrow(/no-such\/manifest\.json: missing; --init needs a weights folder/);
    await expect(new SasrecPretrainer().run({ ...base(join(dir, 'init-other')), init: join(dir, 'weights-two') })).rejects.toThrow(/its head ranks 30 items, this corpus has 15; --init needs a run on the same --events files/);
    const wrong = join(dir, 'weights-wrong');
    await new SasrecPretrainer().run({ ...base(wrong), steps: 1 });
    editManifest(wrong, (x) => (x.backbone = 'nextitnet-s'));
    await expect(new SasrecPretrainer().run({ ...base(join(dir, 'init-wrong')), init: wrong })).rejects.toThrow(/weights of nextitnet-s, not sasrec-s; pass --backbone nextitnet-s/);
  });

  it('pretrained build refuses weights of another version or config, and tampered files, with one-line ModelErrors', async () => {
    const out = join(dir, 'checks');
    await new SasrecPretrainer().run({ ...base(out), steps: 1, checkpointEvery: 1 });
    const refuse = async (pattern: RegExp) => {
      const err = await SasrecBackbone.at(out).build({ init: 'pretrained', seed: 1 }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ModelError);
      expect((err as Error).message).toMatch(pattern);
      expect((err as Error).message).not.toContain('\n');
    };
    const original = readFileSync(join(out, WEIGHTS_MANIFEST), 'utf8');
    editManifest(out, (m) => (m.version = '0.0.1'));
    await refuse(/weights are for sasrec-s v0\.0\.1, but this code is v1\.0\.0; re-run the pretraining command/);
    writeFileSync(join(out, WEIGHTS_MANIFEST), original);
    editManifest(out, (m) => (m.config.width = 32));
    await refuse(/\(width=32, expected 64\)/);
    writeFileSync(join(out, WEIGHTS_MANIFEST), original);
    // Hand-edited (digest not recomputed), or a file's digest dropped from the list: refused, never loaded unverified.
    editManifest(out, (m) => (m.steps = 999), true);
    await refuse(/does not match its digest/);
    writeFileSync(join(out, WEIGHTS_MANIFEST), original);
    editManifest(out, (m) => delete (m.files as Record<string, string>)['head.weights.bin']);
    await refuse(/head\.weights\.bin: not listed in the manifest's file digests/);
    writeFileSync(join(out, WEIGHTS_MANIFEST), original);
    const bytes = readFileSync(join(out, 'head.weights.bin'));
    bytes[3] = bytes[3]! ^ 0xff;
    writeFileSync(join(out, 'head.weights.bin'), bytes);
    await refuse(/does not match the manifest/);
  });

  it('bad options and inputs are clear errors', async () => {
    await expect(new SasrecPretrainer().run({ ...base(join(dir, 'bad')), steps: 0 })).rejects.toThrow(/steps must be a positive integer/);
    await expect(new SasrecPretrainer().run({ ...base(join(dir, 'bad')), events: join(dir, 'missing.csv') })).rejects.toThrow(/missing\.csv/);
    await expect(new SasrecPretrainer().run({ ...base(join(dir, 'bad')), head: { idDropout: 1.5 } })).rejects.toThrow(/id dropout must be in \[0, 1\], got 1\.5/);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });

});

describe('headstart pretrain recommend (compiled CLI)', () => {
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['cli/bin/run.js', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
      });
    });

  it('writes a verified, loadable weights folder and prints the summary as JSON', async () => {
    const out = join(dir, 'cli-weights');
    // A path with a space: the manifest's command must re-run exactly when pasted into a shell.
    const spaced = join(dir, 'my events.csv');
    copyFileSync(events, spaced);
    const args = ['pretrain', 'recommend', '--events', spaced, '--out', out, '--steps', '3', '--batch-size', '8', '--checkpoint-every', '2', '--seed', '3', '--json'];
    const r = await cli(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ out, steps: 3 });
    const m = readWeightsManifest(out);
    expect(m.command).toContain('headstart pretrain recommend --events');
    expect(parse(m.command)).toEqual(['headstart', ...args]);
    expect(m.seed).toBe(3);
    for (const [file, hash] of Object.entries(m.files)) expect(sha256(readFileSync(join(out, file)))).toBe(hash);
    const model = await SasrecBackbone.at(out).build({ init: 'pretrained', seed: 1 });
    expect(model.pretrainedHead).toBeDefined();
    model.network.dispose();
    model.pretrainedHead!.network.dispose();
  }, 120_000);

  it('a missing events file is a one-line error with a non-zero exit and no output folder', async () => {
    const out = join(dir, 'cli-missing');
    const r = await cli(['pretrain', 'recommend', '--events', join(dir, 'nope.csv'), '--out', out, '--steps', '2']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('nope.csv');
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});

describe('compact weights (pretrain compact)', () => {
  it('keeps the backbone bytes and every transferable head weight, drops the catalogue rows; a new catalogue\'s head starts identical', async () => {
    const { compactWeights } = await import('../../plugins/recommendation/pretraining/compact-weights.js');
    const { NextItemHead } = await import('../../plugins/recommendation/heads/next-item-head.js');
    const full = join(dir, 'compact-src');
    await new SasrecPretrainer().run(base(full));
    const out = join(dir, 'compact-out');
    const r = await compactWeights(full, out, 'headstart pretrain compact --weights x --out y');
    expect(r.items).toBe(ITEMS);
    expect(r.parametersAfter).toBeLessThan(r.parametersBefore);
    const m = readWeightsManifest(out) as ReturnType<typeof readWeightsManifest> & { compactedFrom?: { head: { items: number; sha256: string } } };
    expect(Object.keys(m.files).sort()).toEqual(['backbone.json', 'backbone.weights.bin', 'head.json', 'head.weights.bin']);
    expect(m.files['backbone.weights.bin']).toBe(readWeightsManifest(full).files['backbone.weights.bin']);
    expect(m.compactedFrom!.head).toEqual({ items: ITEMS, sha256: readWeightsManifest(full).files['head.weights.bin'] });
    for (const [file, hash] of Object.entries(m.files)) expect(sha256(readFileSync(join(out, file)))).toBe(hash);
    // A transfer to another catalogue (40 items) starts from the same head, full or compact.
    const headFor = async (weights: string) => {
      const model = await SasrecBackbone.at(weights).build({ init: 'pretrained', seed: 1 });
      const head = new NextItemHead().create({ ...model.pretrainedHead!.config, outputs: 40 }, { seed: 2, warmStart: model.pretrainedHead });
      const values = head.network.getWeights().map((w) => Array.from(w.dataSync()));
      model.network.dispose();
      model.pretrainedHead!.network.dispose();
      head.network.dispose();
      return values;
    };
    expect(await headFor(out)).toEqual(await headFor(full));
    await expect(compactWeights(out, join(dir, 'twice'), 'x')).rejects.toThrow(/already compact/);
  });
});
