/** The --out folder of `headstart bench` and its runs file (the CLI's one-line errors: test/e2e/bench-cli.test.ts). */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BENCH_MARKER, prepareBenchFolder, RunsFile } from '../../benchmarks/services/bench-folder.js';
import { isOwnFolder } from '../../core/io/atomic.js';
import { tempDir } from '../helpers/fixtures.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('headstart-bench-folder-');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('bench folder', () => {
  it('claims a new folder with a marker that makes it headstart\'s own', async () => {
    const out = join(dir, 'r');
    const { fresh } = await prepareBenchFolder({ out, suite: 'forecast-multi', runsFiles: ['runs.jsonl'], options: { seeds: [1] } });
    expect(fresh).toBe(true);
    const marker = JSON.parse(readFileSync(join(out, BENCH_MARKER), 'utf8')) as { format: string; suite: string; options: unknown };
    expect(marker).toMatchObject({ format: 'headstart-bench', suite: 'forecast-multi', options: { seeds: [1] } });
    writeFileSync(join(out, 'forecast-multi.json'), '{}');
    expect(isOwnFolder(out)).toBe(true);
  });

  it('an earlier run needs --resume (kept) or --force (removed); another suite\'s run is not resumed', async () => {
    const out = join(dir, 'r');
    await prepareBenchFolder({ out, suite: 'forecast-savings', runsFiles: ['runs.jsonl'] });
    writeFileSync(join(out, 'runs.jsonl'), '{"a":1}\n');
    const ask = { out, suite: 'forecast-savings', runsFiles: ['runs.jsonl'] };
    await expect(prepareBenchFolder(ask)).rejects.toThrow(/holds an earlier forecast-savings run \(runs\.jsonl\); pass --resume to continue it or --force to start over/);
    expect((await prepareBenchFolder({ ...ask, resume: true })).fresh).toBe(false);
    expect(readFileSync(join(out, 'runs.jsonl'), 'utf8')).toBe('{"a":1}\n');
    await expect(prepareBenchFolder({ ...ask, suite: 'forecast-multi', resume: true })).rejects.toThrow(/holds a forecast-savings run, not forecast-multi/);
    expect((await prepareBenchFolder({ ...ask, force: true })).fresh).toBe(true);
    expect(existsSync(join(out, 'runs.jsonl'))).toBe(false);
  });

  it('refuses a file, and a folder of the user\'s unless --force', async () => {
    const file = join(dir, 'f.csv');
    writeFileSync(file, 'x');
    await expect(prepareBenchFolder({ out: file, suite: 's', runsFiles: [], force: true })).rejects.toThrow(/--out .*f\.csv: a file is there/);
    const mine = join(dir, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'keep');
    await expect(prepareBenchFolder({ out: mine, suite: 's', runsFiles: [] })).rejects.toThrow(/holds files headstart did not write/);
    await prepareBenchFolder({ out: mine, suite: 's', runsFiles: [], force: true });
    expect(readFileSync(join(mine, 'notes.txt'), 'utf8')).toBe('keep');
  });
});

describe('runs file', () => {
  it('skips a line cut off by a kill, and the next run starts on a line of its own', async () => {
    const path = join(dir, 'runs.jsonl');
    writeFileSync(path, '{"n":1}\n{"n":');
    const runs = new RunsFile<{ n: number }>(path);
    expect(await runs.load()).toEqual([{ n: 1 }]);
    await runs.append({ n: 2 });
    expect(await runs.load()).toEqual([{ n: 1 }, { n: 2 }]);
  });
});
