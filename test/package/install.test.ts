/**
 * The packed tarball installs into a fresh project with none of our overrides and runs: the CLI
 * (`npx headstart backbones`) and the README's API example. Needs the npm registry (as `npm ci` does).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { ensureBuilt, ROOT } from '../helpers/cli.js';

/** The vitest a plugin author runs the contract suite under: ours. */
const VITEST = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.vitest!;

let dir: string;
let project: string;
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });

beforeAll(() => {
  ensureBuilt();
  dir = tempDir('headstart-pack-');
  run('npm', ['pack', '--pack-destination', dir, '--silent'], ROOT);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  project = join(dir, 'project');
  run('mkdir', ['-p', project], dir);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-user-project', version: '1.0.0', type: 'module', private: true }));
  run('npm', ['install', join(dir, tarball), '--prefer-offline'], project);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packed tarball, installed into a fresh project', () => {
  it('npx headstart backbones lists the shipped backbones with their weights', () => {
    const out = JSON.parse(run('npx', ['headstart', 'backbones', '--json'], project)) as { backbones: { id: string; hasWeights?: boolean }[] };
    expect(out.backbones.map((b) => b.id)).toEqual(expect.arrayContaining(['patch-mixer-s', 'sasrec-s', 'nextitnet-s']));
  });

  it('headstart/plugin exports the plugin-author API', () => {
    const out = run('node', ['--input-type=module', '-e', "import * as p from 'headstart/plugin'; console.log(JSON.stringify(['definePlugin', 'pretrainAndSave', 'readCompatibleWeights', 'ResidualMlpForecastHead', 'SasrecPretrainer', 'packagePath'].map((k) => typeof p[k])))"], project);
    expect(JSON.parse(out.trim())).toEqual(['function', 'function', 'function', 'function', 'function', 'function']);
  });

  it('headstart/testing runs the contract suite over a plugin of the user\'s own, under their vitest', () => {
    run('npm', ['install', '--save-dev', `vitest@${VITEST}`, '--prefer-offline'], project);
    writeFileSync(
      join(project, 'mine.test.js'),
      `import { builtinPlugins } from 'headstart';
import { definePlugin, PatchMixerBackbone } from 'headstart/plugin';
import { componentContracts } from 'headstart/testing';
class Tiny extends PatchMixerBackbone {
  id = 'tiny-mixer';
  describe() { return { ...super.describe(), id: 'tiny-mixer', description: 'a user backbone', hasWeights: false, corpus: 'none' }; }
}
componentContracts([...builtinPlugins, definePlugin('my-plugin', (r) => r.backbone('tiny-mixer', Tiny))], { owners: ['my-plugin'] });
`,
    );
    const out = run('npx', ['vitest', 'run', 'mine.test.js', '--reporter', 'json'], project);
    const report = JSON.parse(out.slice(out.indexOf('{'))) as { numPassedTests: number; numFailedTests: number; testResults: { assertionResults: { fullName: string }[] }[] };
    expect(report.numFailedTests).toBe(0);
    const names = report.testResults.flatMap((r) => r.assertionResults.map((a) => a.fullName));
    expect(names.some((n) => n.includes('backbone tiny-mixer'))).toBe(true);
    // Only the user's plugin is checked: no built-in backbone's suite runs.
    expect(names.some((n) => n.includes('backbone patch-mixer-s'))).toBe(false);
  }, 240_000);

  it("the README's API example transfers, evaluates beside the baselines, saves, reloads and forecasts", () => {
    copyFileSync(join(ROOT, 'test/package/api-example.mjs'), join(project, 'api.mjs'));
    const out = JSON.parse(run('node', ['api.mjs'], project).trim().split('\n').pop()!) as { methods: string[]; series: number };
    expect(out.methods).toEqual(expect.arrayContaining(['zero-shot', 'ets', 'naive', 'seasonal-naive']));
    expect(out.series).toBe(2);
  });
});
