/**
 * The plugin author's first steps, as a CI test: scaffold a plugin, link it, see its backbone and
 * head listed, and run the exported contract suite from the plugin's own vitest. (Pretraining,
 * transfer and evaluation of a plugin's backbone: example-plugin.test.ts.)
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
  home = tempDir('headstart-scaffold-');
  plugin = join(home, 'tiny');
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('headstart scaffold plugin', () => {
  it('writes a plugin package, refuses a bad name and an existing folder of the user\'s', async () => {
    const out = json<{ files: string[]; backbone: string; head: string }>(await cli(['scaffold', 'plugin', 'headstart-plugin-tiny', '--out', plugin, '--json']));
    expect(out.files).toEqual(['README.md', 'package.json', 'plugin.js', 'register.js', 'test/contracts.test.js', 'weights/README.md']);
    expect(out).toMatchObject({ backbone: 'tiny-mixer', head: 'tiny-linear' });
    expect(JSON.parse(readFileSync(join(plugin, 'package.json'), 'utf8')).oclif.hooks['headstart:register']).toBe('./register.js');
    const bad = await cli(['scaffold', 'plugin', 'Bad Name']);
    expect(bad.stderr.trim()).toMatch(/^Error: plugin name 'Bad Name': use lower-case letters/);
    mkdirSync(join(home, 'mine'));
    writeFileSync(join(home, 'mine', 'notes.txt'), 'keep me');
    const clash = await cli(['scaffold', 'plugin', 'mine', '--out', join(home, 'mine')]);
    expect(clash.code).not.toBe(0);
    expect(readFileSync(join(home, 'mine', 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('links with no warning; its backbone and head are listed under the plugin (pretraining and transfer: example-plugin.test.ts)', async () => {
    // What `npm install` gives the plugin: headstart and vitest (here, this checkout's).
    mkdirSync(join(plugin, 'node_modules'), { recursive: true });
    symlinkSync(ROOT, join(plugin, 'node_modules', 'headstart'), 'dir');
    symlinkSync(join(ROOT, 'node_modules', 'vitest'), join(plugin, 'node_modules', 'vitest'), 'dir');
    const linked = await cli(['plugins', 'link', plugin, '--no-install']);
    expect(linked.code, linked.stderr).toBe(0);
    const listed = await cli(['backbones', '--json']);
    expect(listed.stderr).not.toMatch(/warn/i);
    const backbone = json<{ backbones: { id: string; plugin: string; hasWeights: boolean }[] }>(listed).backbones.find((b) => b.id === 'tiny-mixer');
    expect(backbone).toMatchObject({ plugin: 'headstart-plugin-tiny', hasWeights: false });
    const heads = json<{ heads: { id: string; plugin: string }[] }>(await cli(['heads', '--json'])).heads;
    expect(heads).toContainEqual(expect.objectContaining({ id: 'tiny-linear', plugin: 'headstart-plugin-tiny' }));
  }, 240_000);

  it('installs from its packed tarball (plugins install) without fetching headstart: the plugin\'s imports resolve to the running one', async () => {
    const packed = await run('npm', ['pack', '--silent', '--pack-destination', home], plugin);
    expect(packed.code, packed.stderr).toBe(0);
    const tgz = join(home, packed.stdout.trim().split('\n').pop()!);
    // A home of its own: nothing linked there.
    const installedCli = pluginCli(() => join(home, 'installed'));
    const installed = await installedCli.cli(['plugins', 'install', `file:${tgz}`]);
    expect(installed.code, installed.stderr).toBe(0);
    // No registry fetch of a second headstart (its peer dependency is optional), no missing files.
    expect(installed.stdout + installed.stderr).not.toMatch(/404|E404|may not work as expected/);
    const listed = await installedCli.cli(['backbones', '--json']);
    expect(listed.stderr).not.toMatch(/failed to load/);
    const backbone = installedCli.json<{ backbones: { id: string; plugin: string }[] }>(listed).backbones.find((b) => b.id === 'tiny-mixer');
    expect(backbone).toMatchObject({ plugin: 'headstart-plugin-tiny' });
  }, 240_000);

  it('its contract test passes under the plugin\'s own vitest', async () => {
    expect(existsSync(join(plugin, 'node_modules', 'vitest'))).toBe(true);
    const r = await run(process.execPath, [join(plugin, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter', 'json'], plugin);
    const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { numFailedTests: number; numPassedTests: number; testResults: { assertionResults: { fullName: string }[] }[] };
    expect(report.numFailedTests, r.stderr).toBe(0);
    const names = report.testResults.flatMap((t) => t.assertionResults.map((a) => a.fullName));
    expect(names.some((n) => n.includes('backbone tiny-mixer'))).toBe(true);
    expect(names.some((n) => n.includes('head tiny-linear'))).toBe(true);
    expect(names.some((n) => n.includes('patch-mixer-s'))).toBe(false);
  }, 240_000);
});
