/**
 * `bench throughput --twin torch` without needing torch: the catalogue option builds a 12,101-item
 * next-item head, weight counts split trainable from statistics, a run whose interpreter cannot import
 * torch says "not installed" in the twin columns and still exits 0. Where torch imports, the PyTorch
 * twins' parameter counts must equal headstart's for every shipped backbone family.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backbone, Head } from '../../core/interfaces/index.js';
import { createContainer, registryOf } from '../../core/container.js';
import { builtinPlugins } from '../../plugins/index.js';
import { benchHeadConfig, DEFAULT_HEAD_OUTPUTS, prepareCell, weightCounts } from '../../benchmarks/services/throughput-measure.js';
import { TWIN_CATALOGUE, throughputSettings } from '../../benchmarks/services/throughput.js';
import { DEFAULT_TWIN_PYTHON, TorchTwinProcess, torchAvailability } from '../../benchmarks/services/throughput-twin-process.js';
import { twinCostTable, twinRateTable } from '../../benchmarks/services/throughput-twin-table.js';
import { twinBuildRequest, type TwinBuild } from '../../benchmarks/services/throughput-twin.js';
import { cli, ensureBuilt } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const registry = registryOf(createContainer(builtinPlugins));
const backbone = (id: string) => registry.all<Backbone<unknown>>('backbone').find((r) => r.component.id === id)!.component;
const head = (id: string) => registry.all<Head<unknown>>('head').find((r) => r.component.id === id)!.component;

let dir: string;
beforeAll(() => {
  dir = tempDir('headstart-twin-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('throughput head sizes', () => {
  it('gives the next-item head the catalogue, a forecast head its horizon', () => {
    const sasrec = backbone('sasrec-s').describe();
    expect(benchHeadConfig(sasrec, 'next-item').outputs).toBe(DEFAULT_HEAD_OUTPUTS);
    expect(benchHeadConfig(sasrec, 'next-item', TWIN_CATALOGUE).outputs).toBe(12_101);
    expect(benchHeadConfig(backbone('patch-mixer-s').describe(), 'linear-forecast', TWIN_CATALOGUE).outputs).toBe(64);
    expect(throughputSettings({ out: dir, twin: 'torch' }).catalogue).toBe(TWIN_CATALOGUE);
    expect(throughputSettings({ out: dir }).catalogue).toBeUndefined();
  });

  it('builds a 12,101-item next-item head and counts its trainable weights apart from its statistics', () => {
    const config = benchHeadConfig(backbone('nextitnet-s').describe(), 'next-item', TWIN_CATALOGUE);
    const model = head('next-item').create(config, { seed: 1 });
    try {
      expect(model.network.outputs[0]!.shape[1]).toBe(12_101);
      const counts = weightCounts(model.network);
      // Item in/out embeddings and bias per item (64 + 64 + 1), plus the encoding-only gates and maps.
      expect(counts.trainable).toBe(129 * 12_101 + 8_775);
      expect(counts.trainable + counts.nonTrainable).toBe(model.network.countParams());
    } finally {
      model.network.dispose();
    }
  });
});

describe('twin mode without torch', () => {
  it('reports an interpreter that cannot import torch as not installed, with the install line', () => {
    const r = torchAvailability(join(dir, 'no-such-python'));
    expect(r.installed).toBe(false);
    if (!r.installed) expect(r.reason).toMatch(/apt-get install -y python3-torch libopenblas0-pthread/);
  });

  it('puts "not installed" in every twin column', () => {
    const cell = { backbone: 'sasrec-s', backend: 'wasm' as const, status: 'ok' as const, headOutputs: 12_101, twin: { framework: 'pytorch' as const, status: 'not installed' as const } };
    const rates = twinRateTable([cell]).rows[0]!;
    expect(rates.filter((v) => v === 'not installed')).toHaveLength(4);
    expect(twinCostTable([cell]).rows[0]!.filter((v) => v === 'not installed')).toHaveLength(3);
  });

  it('runs, writes the twin tables and exits 0', async () => {
    ensureBuilt();
    const out = join(dir, 'run');
    const r = await cli(['bench', 'throughput', '--twin', 'torch', '--python', join(dir, 'no-such-python'), '--quick', '--seconds', '0', '--backbones', 'nextitnet-s', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const cells = (JSON.parse(r.stdout) as { cells: { status: string; headOutputs: number; twin: { status: string }; kernels: { train: number } }[] }).cells;
    expect(cells).toHaveLength(1);
    expect(cells[0]).toMatchObject({ status: 'ok', headOutputs: 12_101, twin: { status: 'not installed' } });
    expect(cells[0]!.kernels.train).toBeGreaterThan(0);
  }, 60_000);
});

const torch = torchAvailability(DEFAULT_TWIN_PYTHON);
if (!torch.installed) console.log(`skipping the PyTorch parameter-count check: ${torch.reason}`);

describe.skipIf(!torch.installed)('PyTorch twins', () => {
  it('have exactly the parameters of headstart\'s networks and heads', async () => {
    const settings = { ...throughputSettings({ out: dir, twin: 'torch' }), batch: 2, inferenceBatch: 2 };
    const twin = new TorchTwinProcess({ python: DEFAULT_TWIN_PYTHON, threads: 1 });
    try {
      for (const [b, h] of [['patch-mixer-s', 'linear-forecast'], ['sasrec-s', 'next-item'], ['nextitnet-s', 'next-item']] as const) {
        const cell = await prepareCell(settings, backbone(b), head(h));
        try {
          const built = await twin.request<TwinBuild>(twinBuildRequest(settings, backbone(b), cell));
          expect(built.mismatch, b).toEqual({});
          expect(built.match, b).toBe(true);
        } finally {
          cell.dispose();
        }
      }
    } finally {
      await twin.close();
    }
  }, 60_000);
});
