/**
 * docs/quickstart.md, run as written: every command of its ```sh blocks, in order, in a fresh folder
 * holding a sales.csv and a clicks.csv of the shapes it describes (`npx headstart` is this build).
 */
import { readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'shell-quote';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ROOT } from '../helpers/cli.js';
import { tempDir, writeEventsCsv } from '../helpers/fixtures.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = tempDir('headstart-quickstart-');
  const rows = ['store,month,sales'];
  for (const store of ['north', 'south', 'east']) {
    for (let t = 0; t < 48; t++) rows.push(`${store},${2020 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01,${(100 + 3 * t + 20 * Math.sin((2 * Math.PI * t) / 12)).toFixed(1)}`);
  }
  writeFileSync(join(dir, 'sales.csv'), rows.join('\n') + '\n');
  writeEventsCsv(join(dir, 'clicks.csv'), 60, 15, 5);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const commands = () => {
  const doc = readFileSync(join(ROOT, 'docs/quickstart.md'), 'utf8');
  return [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.trim().split('\n'));
};

describe('the quickstart, as written', () => {
  it('every command succeeds and writes what the text says', async () => {
    const lines = commands();
    expect(lines.length).toBeGreaterThanOrEqual(8);
    for (const line of lines) {
      if (line.startsWith('npm i ')) continue; // this checkout is the package
      const words = parse(line).map(String);
      expect(words.slice(0, 2), line).toEqual(['npx', 'headstart']);
      const r = await cli(words.slice(2), { cwd: dir });
      expect(r.code, `${line}\n${r.stderr}`).toBe(0);
    }
    for (const f of ['model/manifest.json', 'forecasts.svg', 'forecast.csv', 'recs-model/manifest.json', 'recs.csv']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, 'forecast.csv'), 'utf8').split('\n')[0]).toBe('store,month,sales');
  }, 600_000);
});
