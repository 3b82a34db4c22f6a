import type { FutureCovariates } from '../../plugins/forecasting/data/future-covariates.js';
import { nextTimestamps } from '../../plugins/forecasting/data/frequency.js';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/backend.js';
import { createContainer, registryOf } from '../../core/container.js';
import { HeadstartError, ModelError, UsageError } from '../../core/errors.js';
import type { Backbone, Registration } from '../../core/interfaces/index.js';
import type { ForecastInput } from '../../plugins/forecasting/contracts.js';
import type { ModelFolderManifest } from '../../core/io/model-folder.js';
import { sha256 } from '../../core/io/sha256.js';
import { manifestDigest } from '../../core/io/manifest-digest.js';
import { Registry } from '../../core/registry.js';
import { CORE_VERSION, MODEL_FORMAT_VERSION } from '../../core/version.js';
import { covariateStats } from '../../plugins/forecasting/data/windows.js';
import type { Forecaster, ForecasterMeta } from '../../plugins/forecasting/forecaster.js';
import { FORECAST_SERVICE } from '../../plugins/forecasting/module.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import { builtinPlugins } from '../../plugins/index.js';
import { seasonalDataset, tempDir } from '../helpers/fixtures.js';

const H = 4;
const data = seasonalDataset({ series: 5, length: 40, covariate: true });
const dataColumns = { idColumn: 'store', valueColumn: 'sales', covariateColumns: ['price'], fill: 'forward' };
let dir: string;
let service: ForecastService;
let trained: Forecaster;
let model: string;

beforeAll(async () => {
  await useBackend('wasm');
  dir = tempDir('headstart-model-');
  service = createContainer(builtinPlugins).get<ForecastService>(FORECAST_SERVICE);
  trained = (await service.transfer(data, { backbone: 'patch-mixer-s', strategy: 'scratch', horizon: H, epochs: 1, seed: 3, dataColumns })).forecaster;
  model = join(dir, 'model');
  await service.save(trained, model);
});
afterAll(() => {
  trained?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const manifestOf = (folder: string) => JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as ModelFolderManifest<ForecasterMeta>;

/** Rewrites a folder's manifest with a matching digest: what a genuine folder with these values would hold. */
function writeManifest(folder: string, m: object): void {
  const { digest: _d, ...rest } = m as Record<string, unknown>;
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify({ ...rest, digest: manifestDigest(rest) }));
}

/** A copy of the saved model to damage. */
function copyModel(name: string): string {
  const out = join(dir, name);
  cpSync(model, out, { recursive: true });
  return out;
}

async function failure(p: Promise<unknown>): Promise<HeadstartError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HeadstartError);
  expect((err as Error).message).not.toContain('\n');
  return err as HeadstartError;
}

describe('save and load', () => {
  it('writes the networks and a manifest, and nothing else (no temp leftovers)', () => {
    expect(readdirSync(model).sort()).toEqual(['backbone.json', 'backbone.weights.bin', 'head.json', 'head.weights.bin', 'manifest.json']);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('round trip gives identical forecasts, for the test window and the future', async () => {
    const loaded = await service.load(model);
    const cuts = service.testCuts(data, H);
    const before = trained.predict(data, cuts);
    expect(loaded.predict(data, cuts)).toEqual(before);
    expect(loaded.meta).toEqual(JSON.parse(JSON.stringify(trained.meta)));
    // Future forecasting needs the covariate's next H values; the reloaded model uses them identically.
    const future: FutureCovariates = {
      source: 'future.csv',
      bySeries: new Map(data.series.map((s) => [s.id, { timestamps: nextTimestamps(s.timestamps[s.timestamps.length - 1]!, data.frequency, H), covariates: { price: [9, 11, 13, 12] } }])),
    };
    expect(loaded.forecastFuture(data, future)).toEqual(trained.forecastFuture(data, future));
    loaded.dispose();
  });

  it('the manifest carries backbone id/version, head config, strategy, covariate stats, data columns and versions', () => {
    const m = manifestOf(model);
    const info = registryOf(createContainer(builtinPlugins)).get<Backbone<ForecastInput>>('backbone', 'patch-mixer-s').describe();
    expect(m.format).toBe('headstart-model');
    expect(m.formatVersion).toBe(MODEL_FORMAT_VERSION);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(m.coreVersion).toBe(CORE_VERSION);
    expect(m.coreVersion).toBe(pkg.version);
    expect(m.task).toBe('forecast');
    expect(Number.isNaN(Date.parse(m.savedAt))).toBe(false);
    expect(m.meta.backbone).toEqual({ id: 'patch-mixer-s', version: info.version });
    expect(m.meta.head).toEqual({ head: 'linear-forecast', embeddingSize: info.embeddingSize, outputs: H, covariates: ['price'] });
    expect(m.meta.strategy).toBe('scratch');
    expect(m.meta.horizon).toBe(H);
    expect(m.meta.contextLength).toBe(info.contextLength);
    expect(m.meta.frequency).toBe('monthly');
    expect(m.meta.seasonalPeriod).toBe(12);
    // Statistics from the history before the validation window only.
    const stats = covariateStats(data, ['price'], (i) => data.series[i]!.values.length - 2 * H);
    expect(m.meta.covariates!.names).toEqual(['price']);
    expect(m.meta.covariates!.mean[0]).toBeCloseTo(stats.mean[0]!, 12);
    expect(m.meta.covariates!.std[0]).toBeCloseTo(stats.std[0]!, 12);
    expect(m.meta.data).toEqual(dataColumns);
    expect(m.meta.training).toMatchObject({ strategy: 'scratch', epochsRun: 1 });
    expect(Number.isFinite(m.meta.validation!.MASE)).toBe(true);
    // sha256 of every network file.
    expect(Object.keys(m.files).sort()).toEqual(['backbone.json', 'backbone.weights.bin', 'head.json', 'head.weights.bin']);
    for (const [f, hash] of Object.entries(m.files)) expect(hash, f).toBe(sha256(readFileSync(join(model, f))));
  });

  it('saving over an existing folder replaces it whole', async () => {
    const out = copyModel('overwrite');
    writeFileSync(join(out, 'stale.txt'), 'x');
    await service.save(trained, out);
    expect(existsSync(join(out, 'stale.txt'))).toBe(false);
    expect(manifestOf(out).files).toEqual(manifestOf(model).files);
  });
});

describe('damaged or foreign model folders', () => {
  it('a flipped byte in a weights file is a ModelError mentioning sha256 and the file', async () => {
    for (const file of ['head.weights.bin', 'backbone.weights.bin']) {
      const out = copyModel(`tampered-${file}`);
      const bytes = readFileSync(join(out, file));
      bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      writeFileSync(join(out, file), bytes);
      const err = await failure(service.load(out));
      expect(err).toBeInstanceOf(ModelError);
      expect(err.code).toBe('weights-tampered');
      expect(err.message).toContain('sha256');
      expect(err.message).toContain(file);
    }
  });

  it('a tampered network JSON is caught the same way', async () => {
    const out = copyModel('tampered-json');
    const path = join(out, 'head.json');
    const text = readFileSync(path, 'utf8');
    const edited = text.replace('"units":4', '"units":5');
    expect(edited).not.toBe(text);
    writeFileSync(path, edited);
    const err = await failure(service.load(out));
    expect(err.code).toBe('weights-tampered');
    expect(err.message).toContain('head.json');
  });

  it('another formatVersion is model-incompatible, naming both versions', async () => {
    const out = copyModel('format-999');
    const m = manifestOf(out);
    writeManifest(out, ({ ...m, formatVersion: 999 }));
    const err = await failure(service.load(out));
    expect(err).toBeInstanceOf(ModelError);
    expect(err.code).toBe('model-incompatible');
    expect(err.message).toContain('999');
    expect(err.message).toContain(String(MODEL_FORMAT_VERSION));
  });

  it('an edited manifest is refused: a changed value, a removed digest, a removed file entry', async () => {
    const edited = copyModel('edited-horizon');
    const m = manifestOf(edited);
    writeFileSync(join(edited, 'manifest.json'), JSON.stringify({ ...m, meta: { ...m.meta, horizon: 1e9 } }));
    await expect(service.load(edited)).rejects.toMatchObject({ code: 'model-tampered' });
    const bare = copyModel('no-digest');
    const { digest: _d, ...rest } = manifestOf(bare);
    writeFileSync(join(bare, 'manifest.json'), JSON.stringify(rest));
    await expect(service.load(bare)).rejects.toMatchObject({ code: 'model-tampered', message: expect.stringContaining('none recorded') });
    // Even with the digest recomputed, a file the manifest no longer lists is not loaded unverified.
    const unlisted = copyModel('unlisted');
    const u = manifestOf(unlisted);
    const { ['head.weights.bin']: _gone, ...files } = u.files;
    writeManifest(unlisted, { ...u, files });
    await expect(service.load(unlisted)).rejects.toMatchObject({ code: 'weights-unlisted', message: expect.stringContaining('head.weights.bin') });
  });

  it('absurd settings are refused before anything is allocated, even in a manifest with a valid digest', async () => {
    for (const [name, meta] of [
      ['horizon', { horizon: 1e9 }],
      ['contextLength', { contextLength: 1e9 }],
      ['seasonalPeriod', { seasonalPeriod: -3 }],
      ['quantiles', { quantiles: [0.9, 0.1] }],
      ['quantileScale', { quantileScale: { model: [1e9] } }],
    ] as const) {
      const out = copyModel(`absurd-${name}`);
      const m = manifestOf(out);
      writeManifest(out, { ...m, meta: { ...m.meta, ...meta } });
      await expect(service.load(out), name).rejects.toMatchObject({ code: 'model-out-of-range', message: expect.stringContaining(`meta.${name}`) });
    }
  });

  it('a manifest of another task or format is model-incompatible; invalid JSON is model-corrupt', async () => {
    const other = copyModel('other-task');
    writeManifest(other, ({ ...manifestOf(other), task: 'recommend' }));
    expect((await failure(service.load(other))).code).toBe('model-incompatible');
    const foreign = copyModel('foreign');
    writeManifest(foreign, ({ ...manifestOf(foreign), format: 'something-else' }));
    expect((await failure(service.load(foreign))).code).toBe('model-incompatible');
    const broken = copyModel('broken');
    writeFileSync(join(broken, 'manifest.json'), '{"format":');
    const err = await failure(service.load(broken));
    expect(err.code).toBe('model-corrupt');
    expect(err.message).toContain(join(broken, 'manifest.json'));
  });

  it('a missing folder, a folder without manifest, or a missing network file are clear errors', async () => {
    const missing = join(dir, 'nope');
    const e1 = await failure(service.load(missing));
    expect(e1).toBeInstanceOf(ModelError);
    expect(e1.code).toBe('model-missing');
    expect(e1.message).toContain(missing);
    expect(e1.message).toMatch(/not found/);

    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const e2 = await failure(service.load(empty));
    expect(e2.code).toBe('model-missing');
    expect(e2.message).toContain('manifest.json');

    const partial = copyModel('partial');
    rmSync(join(partial, 'backbone.weights.bin'));
    const e3 = await failure(service.load(partial));
    expect(e3.code).toBe('model-missing');
    expect(e3.message).toContain('backbone.weights.bin');
  });

  it('a manifest naming an uninstalled backbone lists the installed ones', async () => {
    const out = copyModel('unknown-backbone');
    const m = manifestOf(out);
    writeManifest(out, ({ ...m, meta: { ...m.meta, backbone: { id: 'giant-9000', version: '1.0.0' } } }));
    const err = await failure(service.load(out));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain('giant-9000');
    expect(err.message).toContain('patch-mixer-s');
  });
});

describe('usage errors', () => {
  it("the registry's duplicate-id error names both plugins", () => {
    const reg = (owner: string): Registration => ({ kind: 'head', id: 'same', owner, component: {} });
    let err: unknown;
    try {
      new Registry([reg('first-plugin'), reg('second-plugin')]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe('duplicate-id');
    expect((err as Error).message).toMatch(/first-plugin.*second-plugin/);
    // Same id under different kinds is fine.
    expect(() => new Registry([reg('a'), { ...reg('b'), kind: 'baseline' }])).not.toThrow();
  });

  it('an unknown backbone id is a UsageError listing the installed ids', async () => {
    const err = await failure(service.transfer(data, { backbone: 'no-such-backbone', strategy: 'scratch', horizon: H }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.code).toBe('unknown-backbone');
    expect(err.message).toContain('no-such-backbone');
    expect(err.message).toContain('patch-mixer-s');
  });

  it('an unknown head id or strategy is a UsageError too', async () => {
    const head = await failure(service.transfer(data, { backbone: 'patch-mixer-s', strategy: 'scratch', horizon: H, head: 'no-such-head', epochs: 1 }));
    expect(head.message).toContain('linear-forecast');
    const strategy = await failure(service.transfer(data, { backbone: 'patch-mixer-s', strategy: 'warp' as 'probe', horizon: H }));
    expect(strategy.code).toBe('unknown-strategy');
    expect(strategy.message).toContain('fine-tune');
  });

  it('an unknown combine option is a UsageError, not a silent selection', async () => {
    const err = await failure(service.transfer(data, { backbone: 'patch-mixer-s', strategy: 'zero-shot', horizon: H, combine: 'model' as 'none' }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain("combine 'model'");
    expect(err.message).toContain('none, mean, select');
  });

  it('a horizon beyond the backbone maximum is rejected before any training', async () => {
    const long = seasonalDataset({ series: 2, length: 400 });
    const err = await failure(service.transfer(long, { backbone: 'patch-mixer-s', strategy: 'scratch', horizon: 65 }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.code).toBe('horizon-too-long');
    expect(err.message).toContain('65');
    expect(err.message).toContain('64');
  });

  it('a series too short for the horizon is a DataError naming it', async () => {
    const short = { ...data, series: [...data.series.slice(0, 2), { ...data.series[2]!, id: 'tiny', values: data.series[2]!.values.slice(0, 5), timestamps: data.series[2]!.timestamps.slice(0, 5) }] };
    const err = await failure(service.transfer(short, { backbone: 'patch-mixer-s', strategy: 'scratch', horizon: H }));
    expect(err.message).toContain("'tiny'");
    expect(err.message).toContain('synthetic.csv');
  });
});
