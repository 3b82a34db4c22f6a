/**
 * `headstart bench` end to end with the compiled CLI, on tiny synthetic data and declarative suite
 * files: each suite writes JSON, markdown and an HTML report into --out; --resume continues from the
 * runs file; --out is never a file, a folder headstart did not write, or an earlier run unless asked.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthly, tempDir, writeEventsCsv } from '../helpers/fixtures.js';
import { cli, ensureBuilt, expectOneLineError } from '../helpers/cli.js';

let dir: string;
let multiSuite: string;
let savingsSuite: string;

/** 6 monthly series of 6 years: a trend, a yearly season and noise, in long form. */
function writeSeriesCsv(path: string): void {
  const lines = ['series_id,timestamp,value'];
  const months = monthly(72);
  for (let s = 0; s < 6; s++) {
    months.forEach((t, i) => lines.push(`s${s},${new Date(t).toISOString().slice(0, 10)},${(100 + 10 * s + i + 20 * Math.sin((2 * Math.PI * i) / 12) + ((i * 7 + s * 3) % 5)).toFixed(2)}`));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

beforeAll(() => {
  ensureBuilt();
  dir = tempDir('headstart-e2e-bench-');
  writeSeriesCsv(join(dir, 'sales.csv'));
  const dataset = { name: 'sales', path: 'sales.csv', horizon: 12 };
  multiSuite = join(dir, 'multi.json');
  writeFileSync(multiSuite, JSON.stringify({ description: 'tiny multi suite', datasets: [dataset], strategies: ['zero-shot'] }));
  savingsSuite = join(dir, 'savings.json');
  writeFileSync(savingsSuite, JSON.stringify({ description: 'tiny savings suite', datasets: [dataset], strategies: ['probe'], shares: [0.5], seeds: [1], budget: { epochs: 1, maxStepsPerEpoch: 2 } }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (path: string) => readFileSync(path, 'utf8');
const runsIn = (path: string) => read(path).split('\n').filter(Boolean).length;

describe('headstart bench', () => {
  it('forecast-multi runs a suite file into --out, with an HTML report; --resume adds nothing when all is done', async () => {
    const out = join(dir, 'multi');
    const r = await cli(['bench', 'forecast-multi', '--suite', multiSuite, '--origins', '1', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { runs: number; files: Record<string, string> };
    for (const f of ['json', 'markdown', 'html', 'svg', 'runs']) expect(existsSync(result.files[f]!), f).toBe(true);
    const html = read(result.files.html!);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<figure data-chart="per-dataset">');
    expect(html).toContain('patch-mixer-s zero-shot + ETS mean');
    expect(html).not.toMatch(/<script|https?:\/\/(?!vega\.github\.io|www\.w3\.org)/);
    const runs = runsIn(result.files.runs!);
    expect(runs).toBe(result.runs);

    const again = await cli(['bench', 'forecast-multi', '--suite', multiSuite, '--origins', '1', '--out', out]);
    expect(expectOneLineError(again)).toMatch(/--out .*holds an earlier forecast-multi run.*--resume.*--force/);

    const resumed = await cli(['bench', 'forecast-multi', '--suite', multiSuite, '--origins', '1', '--out', out, '--resume', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(runsIn(result.files.runs!)).toBe(runs);
  }, 300_000);

  it('forecast-savings takes strategies, shares, seeds and a budget from the suite file', async () => {
    const out = join(dir, 'savings');
    const r = await cli(['bench', 'forecast-savings', '--suite', savingsSuite, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const runs = read(join(out, 'savings-runs.jsonl')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { method: string; fraction: number; seed: number; epochs: number });
    expect(runs.filter((x) => x.fraction > 0).map((x) => [x.method, x.fraction, x.seed])).toEqual([['probe', 0.5, 1]]);
    expect(runs.find((x) => x.method === 'probe')!.epochs).toBeLessThanOrEqual(1);
    expect(runs.map((x) => x.method)).toEqual(expect.arrayContaining(['zero-shot', 'ets', 'seasonal-naive']));
    expect(read(join(out, 'forecast-data-savings.html'))).toContain('<figure data-chart="data-savings">');
  }, 300_000);

  it('recommend-savings --quick on an events file writes its report', async () => {
    const events = join(dir, 'clicks.csv');
    writeEventsCsv(events, 120, 20, 5);
    const out = join(dir, 'recs');
    const r = await cli(['bench', 'recommend-savings', '--events', events, '--quick', '--shares', '0.5', '--strategies', 'zero-shot,probe', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { files: Record<string, string> };
    expect(result.files.html).toMatch(/recommend-data-savings-quick\.html$/);
    const html = read(result.files.html!);
    for (const m of ['probe', 'cooccurrence', 'markov', 'most-popular']) expect(html).toContain(`>${m}</text>`);
  }, 300_000);

  it('throughput measures in a child process per backend and charts the rates', async () => {
    const out = join(dir, 'speed');
    const r = await cli(['bench', 'throughput', '--quick', '--seconds', '0.3', '--backends', 'wasm', '--backbones', 'patch-mixer-s', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { cells: { backend: string; status: string; train?: { perSecond: number } }[] };
    expect(result.cells).toHaveLength(1);
    expect(result.cells[0]!.status).toBe('ok');
    expect(result.cells[0]!.train!.perSecond).toBeGreaterThan(0);
    expect(read(join(out, 'throughput.html'))).toContain('<figure data-chart="throughput">');
  }, 300_000);

  it('refuses an --out that is a file or a folder headstart did not write, in one line', async () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'mine');
    expect(expectOneLineError(await cli(['bench', 'forecast-multi', '--suite', multiSuite, '--out', file]))).toMatch(/--out .*notes\.txt: a file is there/);
    const foreign = join(dir, 'photos');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'cat.jpg'), 'x');
    expect(expectOneLineError(await cli(['bench', 'forecast-savings', '--suite', savingsSuite, '--out', foreign]))).toMatch(/--out .*photos: the folder holds files headstart did not write/);
    expect(read(join(foreign, 'cat.jpg'))).toBe('x');
  }, 120_000);

  it('names the suite file and the field of a bad suite, and the flag of a bad list', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ datasets: [{ name: 'x', path: 'sales.csv', horizon: 12 }], shares: [0, 1] }));
    expect(expectOneLineError(await cli(['bench', 'forecast-multi', '--suite', bad, '--out', join(dir, 'never')]))).toMatch(/bad\.json: "shares" must be a non-empty list of numbers in \(0, 1\]/);
    expect(expectOneLineError(await cli(['bench', 'forecast-savings', '--suite', savingsSuite, '--seeds', '1,x', '--out', join(dir, 'never')]))).toMatch(/^Error: --seeds 1,x: expected whole numbers/);
    const missing = join(dir, 'missing.json');
    writeFileSync(missing, JSON.stringify({ datasets: [{ name: 'x', path: 'nope.csv', horizon: 12 }] }));
    expect(expectOneLineError(await cli(['bench', 'forecast-savings', '--suite', missing, '--out', join(dir, 'never')]))).toMatch(/missing\.json: data file not found: .*nope\.csv \(paths are relative to the suite file\)/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  }, 120_000);
});
