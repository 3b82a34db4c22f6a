import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../core/backend.js';
import { createContainer } from '../../core/container.js';
import { exportModelFolder } from '../../core/export/model-export.js';
import { decodeSafetensors, encodeSafetensors } from '../../core/io/safetensors.js';
import { builtinPlugins } from '../../plugins/index.js';
import { FORECAST_SERVICE } from '../../plugins/forecasting/module.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import { seasonalDataset, tempDir } from '../helpers/fixtures.js';
import { SasrecPretrainer } from '../../plugins/recommendation/index.js';

let service: ForecastService;
beforeAll(async () => {
  await useBackend('wasm');
  service = createContainer(builtinPlugins).get<ForecastService>(FORECAST_SERVICE);
});

describe('safetensors', () => {
  it('lays out the header as the format says: 8-byte length, JSON, aligned data in name order', () => {
    const bytes = encodeSafetensors(
      { b: { dtype: 'F32', shape: [2], data: new Uint8Array(new Float32Array([1.5, -2]).buffer) }, a: { dtype: 'I32', shape: [1, 1], data: new Uint8Array(new Int32Array([7]).buffer) } },
      { note: 'x' },
    );
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + length) % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + length)).toString('utf8'));
    expect(header.__metadata__).toEqual({ note: 'x' });
    expect(header.a).toEqual({ dtype: 'I32', shape: [1, 1], data_offsets: [0, 4] });
    expect(header.b).toEqual({ dtype: 'F32', shape: [2], data_offsets: [4, 12] });
    expect(bytes.byteLength).toBe(8 + length + 12);
    const back = decodeSafetensors(bytes);
    expect(Array.from(new Float32Array(back.tensors.b!.data.buffer))).toEqual([1.5, -2]);
    expect(() => encodeSafetensors({ c: { dtype: 'F32', shape: [3], data: new Uint8Array(8) } })).toThrow(/needs 12/);
  });
});

describe('export of a model folder', () => {
  it('writes every weight of backbone and head with its values, the manifest and topologies; a tampered folder is refused', async () => {
    const o = await service.transfer(seasonalDataset({ series: 4, length: 60 }), { backbone: 'patch-mixer-s', strategy: 'zero-shot', horizon: 4, combine: 'none' });
    const dir = tempDir('hs-export-');
    await service.save(o.forecaster, dir);
    const e = exportModelFolder(dir);
    expect(e.networks.sort()).toEqual(['backbone', 'head']);
    const { tensors, metadata } = decodeSafetensors(e.bytes);
    expect(JSON.parse(metadata.manifest!).meta.horizon).toBe(4);
    expect(JSON.parse(metadata['topology/backbone']!)).toHaveProperty('config');
    let count = 0;
    for (const [net, model] of [['backbone', o.forecaster.model.backbone.network], ['head', o.forecaster.model.head.network]] as const) {
      for (const w of model.weights) {
        const t = tensors[`${net}/${w.originalName}`] ?? tensors[`${net}/${w.name}`];
        expect(t, `${net}/${w.name}`).toBeDefined();
        expect(t!.shape).toEqual(w.shape);
        expect(Array.from(new Float32Array(t!.data.slice().buffer))).toEqual(Array.from(w.read().dataSync()));
        count += w.shape.reduce((a, b) => a! * b!, 1)!;
      }
    }
    expect(e.parameters).toBe(count);
    const bin = join(dir, 'head.weights.bin');
    const bytes = readFileSync(bin);
    bytes[0] = bytes[0]! ^ 1;
    writeFileSync(bin, bytes);
    expect(() => exportModelFolder(dir)).toThrow(/sha256/);
    o.forecaster.dispose();
  });
});

describe('export of a pretrain weights folder', () => {
  it('reads the shipped (compact) weights manifest: no catalogue file, where the head was cut from', () => {
    const e = exportModelFolder('plugins/recommendation/weights/sasrec-s');
    expect(e.task).toBe('weights of sasrec-s');
    expect(e.files).not.toContain('catalogue.json');
    const { metadata } = decodeSafetensors(e.bytes);
    expect(metadata.format).toBe('headstart-weights');
    const manifest = JSON.parse(metadata.manifest!);
    expect(manifest.backbone).toBe('sasrec-s');
    expect(manifest.compactedFrom.head.items).toBeGreaterThan(1);
  });

  it('carries the catalogue file of a full folder, as `pretrain recommend` writes it', async () => {
    const work = tempDir('hs-export-full-');
    const pretrainer = new SasrecPretrainer();
    const out = join(work, 'weights');
    await pretrainer.run({ ...(await pretrainer.exampleOptions(work)), out, command: 'test' });
    const e = exportModelFolder(out);
    expect(e.files).toContain('catalogue.json');
    const { tensors } = decodeSafetensors(e.bytes);
    expect(tensors['files/catalogue.json']!.dtype).toBe('U8');
  }, 60_000);
});

describe('a hostile manifest', () => {
  it('naming a file outside its folder is refused, even with a valid digest', async () => {
    const { manifestDigest } = await import('../../core/io/manifest-digest.js');
    const { cpSync, readFileSync: read, writeFileSync: write } = await import('node:fs');
    const dir = join(tempDir('hs-traversal-'), 'model');
    cpSync('plugins/forecasting/weights/patch-mixer-s', dir, { recursive: true });
    write(join(dir, '..', 'secret.txt'), 'not yours');
    const path = join(dir, 'manifest.json');
    const m = JSON.parse(read(path, 'utf8'));
    m.files['../secret.txt'] = (await import('../../core/io/sha256.js')).sha256(read(join(dir, '..', 'secret.txt')));
    m.digest = manifestDigest(m);
    write(path, JSON.stringify(m));
    expect(() => exportModelFolder(dir)).toThrow(/not a plain file name inside the folder/);
  });
});
