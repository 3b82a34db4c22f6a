/**
 * The example third-party plugin (examples/headstart-plugin-dlinear: a DLinear-style backbone written
 * against headstart/plugin only), as a user runs it: link it, pretrain its backbone a few steps under
 * its own id, transfer and evaluate with its head, run its contract tests under its own vitest.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { pluginCli } from '../helpers/plugin-cli.js';

let home: string;
let plugin: string;

const { run, cli, json } = pluginCli(() => home);

beforeAll(() => {
  ensureBuilt();
  home = tempDir('headstart-example-plugin-');
  // A copy, so its pretrained weights never land in the repository; what `npm install` gives it: headstart and vitest.
  plugin = join(home, 'headstart-plugin-dlinear');
  cpSync(join(ROOT, 'examples/headstart-plugin-dlinear'), plugin, { recursive: true });
  mkdirSync(join(plugin, 'node_modules'));
  symlinkSync(ROOT, join(plugin, 'node_modules', 'headstart'), 'dir');
  symlinkSync(join(ROOT, 'node_modules', 'vitest'), join(plugin, 'node_modules', 'vitest'), 'dir');
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('examples/headstart-plugin-dlinear', () => {
  it('links, pretrains under its own id, transfers and evaluates with its own head', async () => {
    const linked = await cli(['plugins', 'link', plugin, '--no-install']);
    expect(linked.code, linked.stderr).toBe(0);
    const listed = await cli(['backbones', '--json']);
    expect(listed.stderr).not.toMatch(/warn/i);
    expect(json<{ backbones: { id: string; plugin: string; hasWeights: boolean }[] }>(listed).backbones).toContainEqual(expect.objectContaining({ id: 'dlinear-s', plugin: 'headstart-plugin-dlinear', hasWeights: false }));

    const weights = join(plugin, 'weights', 'dlinear-s');
    json(await cli(['pretrain', 'forecast', '--backbone', 'dlinear-s', '--synthetic', '300', '--synthetic-ratio', '1', '--steps', '6', '--batch-size', '16', '--checkpoint-every', '3', '--out', weights, '--json']));
    const manifest = JSON.parse(readFileSync(join(weights, 'manifest.json'), 'utf8')) as { backbone: string; version: string; parameters: number };
    expect(manifest).toMatchObject({ backbone: 'dlinear-s', version: 'dlinear-1.0.0' });
    // 96 trend + 96 context + 96 mask inputs → 64 features (+ bias), and the period shift.
    expect(manifest.parameters).toBeGreaterThan(288 * 64);

    const data = join(ROOT, 'plugins/forecasting/datasets/chicago_ridership.csv');
    const model = join(home, 'model');
    json(await cli(['transfer', 'forecast', '--data', data, '--backbone', 'dlinear-s', '--head', 'dlinear-head', '--strategy', 'fine-tune', '--horizon', '7', '--epochs', '1', '--steps-per-epoch', '3', '--combine', 'none', '--out', model, '--json']));
    const meta = (JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')) as { meta: { backbone: { id: string; version: string }; head: { head: string } } }).meta;
    expect(meta.backbone).toEqual({ id: 'dlinear-s', version: 'dlinear-1.0.0' });
    expect(meta.head.head).toBe('dlinear-head');
    const scored = json<{ results: { method: string; kind: string; MASE: number }[] }>(await cli(['evaluate', '--model', model, '--data', data, '--json']));
    const mine = scored.results.find((r) => r.kind === 'transfer')!;
    expect(mine.method).toContain('dlinear-s');
    expect(Number.isFinite(mine.MASE)).toBe(true);
  }, 600_000);

  it('passes the contract suite under its own vitest', async () => {
    const r = await run(process.execPath, [join(plugin, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter', 'json'], plugin);
    const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { numFailedTests: number; testResults: { assertionResults: { fullName: string; status: string }[] }[] };
    expect(report.numFailedTests, r.stderr + r.stdout.slice(0, 2000)).toBe(0);
    const names = report.testResults.flatMap((t) => t.assertionResults.filter((a) => a.status === 'passed').map((a) => a.fullName));
    expect(names.some((n) => n.includes('backbone dlinear-s'))).toBe(true);
    expect(names.some((n) => n.includes('head dlinear-head'))).toBe(true);
  }, 240_000);
});
