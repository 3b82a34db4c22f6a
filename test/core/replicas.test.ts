/**
 * Data-parallel pretraining (`--replicas`): the gradient all-reduce between real worker threads,
 * and the compiled CLI running both pretrainers as two replicas. `--replicas 1` is the plain loop,
 * which the pretraining tests cover.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { saveNetwork } from '../../core/io/layers-io.js';
import { meanOfSlots } from '../../core/training/replica-exchange.js';
import { PatchMixerBackbone } from '../../plugins/forecasting/backbones/patch-mixer.js';
import { tempDir } from '../helpers/fixtures.js';
import { cli, ensureBuilt, expectOneLineError, ROOT } from '../helpers/cli.js';
import { exampleCorpusCsv } from '../../plugins/forecasting/pretraining/example-corpus.js';

let dir: string;
let corpus: string;
let events: string;

beforeAll(() => {
  ensureBuilt();
  dir = tempDir('hs-replicas-');
  corpus = join(dir, 'corpus.csv');
  writeFileSync(corpus, exampleCorpusCsv());
  const ev = ['user_id,item_id,timestamp'];
  for (let u = 0; u < 30; u++) for (let t = 0; t < 8; t++) ev.push(`u${u},i${(u + t) % 15},${1_600_000_000 + u * 100_000 + t * 3600}`);
  events = join(dir, 'events.csv');
  writeFileSync(events, `${ev.join('\n')}\n`);
});

/** Ranks 0 and 1 in two threads, each all-reducing its own vectors for three rounds (or aborting). */
function exchangeInWorkers(rounds: number[][][], abortRank?: number): Promise<{ rank: number; results?: number[][]; error?: string }[]> {
  const module = pathToFileURL(join(ROOT, 'dist/core/training/replica-exchange.js')).href;
  const code = `
    const { parentPort, workerData: d } = require('node:worker_threads');
    import(${JSON.stringify(module)}).then(({ ReplicaExchange, abortExchange }) => {
      try {
        if (d.rank === d.abortRank) { abortExchange(d.shared); throw new Error('stopped on purpose'); }
        const x = new ReplicaExchange({ rank: d.rank, world: 2, shared: d.shared }, 20000);
        x.prepare(d.rounds[0].length);
        parentPort.postMessage({ rank: d.rank, results: d.rounds.map((v) => Array.from(x.allReduceMean(Float32Array.from(v)))) });
      } catch (e) { parentPort.postMessage({ rank: d.rank, error: e.message }); }
    });`;
  return import(pathToFileURL(join(ROOT, 'dist/core/training/replica-exchange.js')).href).then(({ createExchangeBuffer }) => {
    const shared = createExchangeBuffer();
    return Promise.all([0, 1].map((rank) => new Promise<{ rank: number; results?: number[][]; error?: string }>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { rank, rounds: rounds[rank], shared, abortRank } });
      w.once('message', (m) => void w.terminate().then(() => resolve(m)));
      w.once('error', reject);
    })));
  });
}

describe('gradient all-reduce', () => {
  it('gives both replicas the same bits, the float32 mean in rank order, every round', async () => {
    const vector = (rank: number, round: number) => Array.from({ length: 1000 }, (_, i) => Math.sin(i * 0.37 + rank * 11 + round) * 10 ** ((i % 7) - 3));
    const rounds = [0, 1].map((rank) => [0, 1, 2].map((round) => vector(rank, round)));
    const [a, b] = await exchangeInWorkers(rounds);
    expect(a!.error).toBeUndefined();
    expect(b!.error).toBeUndefined();
    for (let round = 0; round < 3; round++) {
      const bank = Float32Array.from([...rounds[0]![round]!, ...rounds[1]![round]!]);
      const want = Array.from(meanOfSlots(bank, 2, 1000));
      expect(a!.results![round]).toEqual(b!.results![round]);
      expect(a!.results![round]).toEqual(want);
      // The mean of the float32 inputs, correctly rounded to float32 (halving is exact).
      want.forEach((m, i) => expect(m).toBe(Math.fround((Math.fround(rounds[0]![round]![i]!) + Math.fround(rounds[1]![round]![i]!)) / 2)));
    }
  });

  it('stops a waiting replica at once when another fails', async () => {
    const started = Date.now();
    const results = await exchangeInWorkers([[[1, 2]], [[3, 4]]], 1);
    expect(results[0]!.error).toMatch(/another replica failed/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('pretrain --replicas 2 (compiled CLI)', () => {
  it('writes a complete forecast weights folder recording two replicas and the effective batch, trained away from the init', async () => {
    const out = join(dir, 'forecast');
    const r = await cli(['pretrain', 'forecast', '--corpus', corpus, '--order-column', 't', '--time-column', 'time', '--synthetic', '20', '--steps', '3', '--batch-size', '8', '--seed', '5', '--backend', 'wasm', '--replicas', '2', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ backbone: 'patch-mixer-s', steps: 3, batchSize: 8, replicas: 2 });
    expect(manifest.command).toMatch(/--replicas 2/);
    expect(Number.isFinite(manifest.finalLoss.heldOut)).toBe(true);
    const trained = new Float32Array(readFileSync(join(out, 'backbone.weights.bin')).buffer.slice(0));
    expect(trained.every(Number.isFinite)).toBe(true);
    // The init every replica started from: the same network built from the same seed, saved alike.
    await useBackend('wasm');
    const initDir = tempDir('hs-replicas-init-');
    await saveNetwork(new PatchMixerBackbone().buildNetwork(5), initDir, 'backbone');
    const init = new Float32Array(readFileSync(join(initDir, 'backbone.weights.bin')).buffer.slice(0));
    expect(init.length).toBe(trained.length);
    expect(init.some((v, i) => v !== trained[i])).toBe(true);
  });

  it('pretrains a recommend backbone as two replicas', async () => {
    const out = join(dir, 'recommend');
    const r = await cli(['pretrain', 'recommend', '--events', events, '--steps', '3', '--batch-size', '8', '--backend', 'wasm', '--replicas', '2', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toMatchObject({ backbone: 'sasrec-s', steps: 3, batchSize: 8, replicas: 2 });
  });

  it('--resume continues a replicated run exactly (every replica\'s sampler position is kept)', async () => {
    const run = (out: string, ...more: string[]) => cli(['pretrain', 'forecast', '--corpus', corpus, '--order-column', 't', '--time-column', 'time', '--synthetic', '20', '--steps', '6', '--checkpoint-every', '3', '--batch-size', '8', '--backend', 'wasm', '--replicas', '2', '--out', join(dir, out), ...more]);
    expect((await run('straight')).code).toBe(0);
    expect((await run('split', '--stop-after', '3')).code).toBe(0);
    const resumed = await run('split', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(join(dir, 'split', 'backbone.weights.bin'))).toEqual(readFileSync(join(dir, 'straight', 'backbone.weights.bin')));
  });

  it('rejects a batch size the replicas cannot split, in one line', async () => {
    const r = await cli(['pretrain', 'forecast', '--synthetic', '20', '--steps', '3', '--batch-size', '9', '--backend', 'wasm', '--replicas', '2', '--out', join(dir, 'odd')]);
    expect(expectOneLineError(r)).toMatch(/--batch-size 9 is not divisible by --replicas 2/);
  });

  it('fails with the replica\'s own one-line error when the replicas cannot read the corpus', async () => {
    const r = await cli(['pretrain', 'forecast', '--corpus', join(dir, 'missing.csv'), '--synthetic', '20', '--steps', '3', '--batch-size', '8', '--backend', 'wasm', '--replicas', '2', '--out', join(dir, 'missing')]);
    expect(expectOneLineError(r)).toMatch(/missing\.csv/);
  });
});
