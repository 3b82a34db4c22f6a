/**
 * Third-party plugins: an oclif plugin that answers the `headstart:register` hook adds its container
 * module when the CLI starts, through the same definePlugin API the built-in plugins use.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let home: string;

function fakePlugin(name: string, backboneId: string): string {
  const dir = join(home, name);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules', 'headstart'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '0.0.1', type: 'module', oclif: { hooks: { 'headstart:register': './register.js' } } }));
  writeFileSync(
    join(dir, 'register.js'),
    `import { definePlugin, PatchMixerBackbone } from 'headstart';
class Fake extends PatchMixerBackbone {
  id = '${backboneId}';
  describe() { return { ...super.describe(), id: '${backboneId}', description: 'test plugin backbone', hasWeights: false, corpus: 'none' }; }
}
export default async function ({ register }) { register(definePlugin('${name}', (r) => r.backbone('${backboneId}', Fake))); }
`,
  );
  return dir;
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // Plugin state lives under XDG folders: point them at the test's temp home.
  const env = { ...process.env, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache') };
  return new Promise((resolve) => {
    execFile('node', [join(ROOT, 'cli/bin/run.js'), ...args], { cwd: ROOT, env, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli/commands'))) throw new Error('run `npm run build` first (npm test does)');
  home = mkdtempSync(join(tmpdir(), 'headstart-plugins-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('third-party plugins through oclif', () => {
  it('a linked plugin registers its backbone at start-up', async () => {
    const linked = await cli(['plugins', 'link', fakePlugin('headstart-plugin-extra', 'extra-mixer'), '--no-install']);
    expect(linked.code, linked.stderr).toBe(0);
    const r = await cli(['backbones', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ids = (JSON.parse(r.stdout) as { backbones: { id: string }[] }).backbones.map((b) => b.id);
    expect(ids).toEqual(expect.arrayContaining(['extra-mixer', 'patch-mixer-s']));
  });

  it('a plugin whose hook throws is named on stderr and the rest keeps working', async () => {
    const dir = fakePlugin('headstart-plugin-broken', 'broken-mixer');
    writeFileSync(join(dir, 'register.js'), `export default async function () { throw new Error('cannot find its weights'); }\n`);
    const linked = await cli(['plugins', 'link', dir, '--no-install']);
    expect(linked.code, linked.stderr).toBe(0);
    const r = await cli(['backbones', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: plugin "headstart-plugin-broken" failed to load and is skipped \(cannot find its weights\)/);
    const ids = (JSON.parse(r.stdout) as { backbones: { id: string }[] }).backbones.map((b) => b.id);
    expect(ids).toEqual(expect.arrayContaining(['extra-mixer', 'patch-mixer-s']));
    expect(ids).not.toContain('broken-mixer');
    const unlinked = await cli(['plugins', 'unlink', 'headstart-plugin-broken']);
    expect(unlinked.code, unlinked.stderr).toBe(0);
  });

  it('a plugin reusing a built-in id fails with an error naming both plugins', async () => {
    const linked = await cli(['plugins', 'link', fakePlugin('headstart-plugin-clash', 'patch-mixer-s'), '--no-install']);
    expect(linked.code, linked.stderr).toBe(0);
    const r = await cli(['backbones']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/duplicate backbone id "patch-mixer-s": registered by plugin "forecasting" and by plugin "headstart-plugin-clash"/);
  });
}, 240_000);
