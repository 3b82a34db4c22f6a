/**
 * End to end: the compiled CLI as a user runs it (`node cli/bin/run.js …` from the project root).
 * `npm test` builds first (pretest); when run directly, beforeAll builds once if dist is missing.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATCH_MIXER_WEIGHTS } from '../../plugins/forecasting/backbones/patch-mixer.js';
import { tempDir } from '../helpers/fixtures.js';
import { cli, ensureBuilt, expectOneLineError } from '../helpers/cli.js';

const H = 6;
const SERIES = ['S0', 'S1', 'S2', 'S3'];
const MONTHS = 60; // 2015-01 .. 2019-12

const month = (t: number) => `${2015 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01`;

/** Long-format rows: 4 monthly series × 60 points with a price covariate. */
function rows(): string[][] {
  const out: string[][] = [];
  SERIES.forEach((id, i) => {
    for (let t = 0; t < MONTHS; t++) {
      const v = 100 + 10 * i + 0.5 * t + (5 + i) * Math.sin((2 * Math.PI * t) / 12) + Math.sin(t * 7.1 + i);
      out.push([id, month(t), v.toFixed(3), String(10 + ((t * 7 + i * 3) % 5))]);
    }
  });
  return out;
}

let dir: string;
let data: string;
let future: string;
let model: string;
const HEADER = 'series_id,timestamp,value,price';

function writeCsv(name: string, body: string[][], header = HEADER): string {
  const path = join(dir, name);
  writeFileSync(path, [header, ...body.map((r) => r.join(','))].join('\n') + '\n');
  return path;
}

/** A fresh, empty folder to hold one case's output, so "nothing left behind" is checkable. */
function outDir(name: string): string {
  const d = join(dir, 'out', name);
  mkdirSync(d, { recursive: true });
  return d;
}

beforeAll(() => {
  ensureBuilt();
  dir = tempDir('headstart-e2e-');
  data = writeCsv('sales.csv', rows());
  // Next 6 months of price: only the covariate, since the value is what gets forecast.
  future = writeCsv(
    'future.csv',
    SERIES.flatMap((id) => Array.from({ length: H }, (_, h) => [id, month(MONTHS + h), String(10 + h)])),
    'series_id,timestamp,price',
  );
  model = join(dir, 'model');
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('happy path', () => {
  it('backbones --json lists patch-mixer-s as a forecast backbone', async () => {
    const r = await cli(['backbones', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { backbones: { id: string; task: string; parameters: number; maxHorizon: number }[] };
    const pm = out.backbones.find((b) => b.id === 'patch-mixer-s');
    expect(pm).toBeDefined();
    expect(pm!.task).toBe('forecast');
    expect(pm!.parameters).toBeGreaterThan(0);
    expect(pm!.maxHorizon).toBe(64);
  });

  it('transfer forecast --strategy scratch writes a model folder', async () => {
    const r = await cli(['transfer', 'forecast', '--data', data, '--covariate-columns', 'price', '--horizon', String(H), '--strategy', 'scratch', '--epochs', '1', '--out', model, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { out: string; strategy: string; training: { epochsRun: number; trainableParameters: number }; validation: { MASE: number }; notices: string[] };
    expect(out.out).toBe(model);
    expect(out.strategy).toBe('scratch');
    expect(out.training.epochsRun).toBe(1);
    expect(out.training.trainableParameters).toBeGreaterThan(0);
    expect(Number.isFinite(out.validation.MASE)).toBe(true);
    expect(out.notices).toEqual([]);
    expect(readdirSync(model).sort()).toEqual(['backbone.json', 'backbone.weights.bin', 'head.json', 'head.weights.bin', 'manifest.json']);
    const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
    expect(manifest.meta.head.covariates).toEqual(['price']);
    expect(manifest.meta.data.covariateColumns).toEqual(['price']);
    expect(manifest.meta.horizon).toBe(H);
  });

  it('evaluate --json scores the model beside naive, seasonal-naive and ets', async () => {
    const r = await cli(['evaluate', '--model', model, '--data', data, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { horizon: number; series: number; results: { method: string; kind: string; MASE: number; relMASE: number }[] };
    expect(out.horizon).toBe(H);
    expect(out.series).toBe(4);
    const methods = out.results.map((x) => x.method);
    expect(methods).toEqual(expect.arrayContaining(['naive', 'seasonal-naive', 'ets']));
    const transfer = out.results.filter((x) => x.kind === 'transfer');
    expect(transfer).toHaveLength(1);
    expect(transfer[0]!.method).toContain('scratch');
    expect(transfer[0]!.method).toContain('patch-mixer-s');
    for (const row of out.results) expect(Number.isFinite(row.MASE), row.method).toBe(true);
    // Seasonal naive is the MASE scale's own method on a seasonal series: relative score 1 against itself.
    expect(out.results.find((x) => x.method === 'seasonal-naive')!.relMASE).toBeCloseTo(1, 9);
  });

  it('evaluate warns when the data is not at the model\'s frequency (a monthly model on daily data)', async () => {
    const day = (t: number) => new Date(Date.UTC(2019, 0, 1 + t)).toISOString().slice(0, 10);
    const daily = writeCsv('daily.csv', rows().map((r, i) => [r[0]!, day(i % MONTHS), r[2]!, r[3]!]));
    const r = await cli(['evaluate', '--model', model, '--data', daily, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { warnings: string[] };
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toMatch(/daily\.csv looks daily .*trained on monthly data/);
    const plain = await cli(['evaluate', '--model', model, '--data', data, '--json']);
    expect((JSON.parse(plain.stdout) as { warnings: string[] }).warnings).toEqual([]);
  });

  it('forecast writes rows under the input\'s column names, continuing the monthly calendar', async () => {
    const out = join(dir, 'f.csv');
    const r = await cli(['forecast', '--model', model, '--data', data, '--future', future, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('series_id,timestamp,value');
    const body = lines.slice(1).map((l) => l.split(','));
    expect(body).toHaveLength(SERIES.length * H);
    SERIES.forEach((id, i) => {
      const mine = body.slice(i * H, (i + 1) * H);
      expect(mine.map((x) => x[0])).toEqual(new Array(H).fill(id));
      expect(mine.map((x) => x[1])).toEqual(['2020-01-01', '2020-02-01', '2020-03-01', '2020-04-01', '2020-05-01', '2020-06-01']);
      for (const x of mine) {
        expect(Number.isFinite(Number(x[2]))).toBe(true);
        expect(Number(x[2])).toBeGreaterThan(0); // series sit around 100–140
      }
    });
  });

  it('transfer forecast --backtest-select records the selection in the model folder, and forecast applies it', async () => {
    const selected = join(dir, 'selected');
    const r = await cli(['transfer', 'forecast', '--data', data, '--horizon', String(H), '--strategy', 'zero-shot', '--backtest-select', '--combine', 'none', '--out', selected, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(selected, 'manifest.json'), 'utf8')).meta.backtestSelection).toEqual({ windows: 3 });
    const out = join(dir, 'selected.csv');
    const f = await cli(['forecast', '--model', selected, '--data', data, '--out', out]);
    expect(f.code, f.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1 + SERIES.length * H);
    for (const line of lines.slice(1)) expect(Number.isFinite(Number(line.split(',').at(-1)))).toBe(true);
  });

  it('evaluate --plot writes an SVG of actuals and forecasts for the first series', async () => {
    const svg = join(dir, 'plot.svg');
    const r = await cli(['evaluate', '--model', model, '--data', data, '--plot', svg, '--plot-series', '2']);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain(`>${SERIES[0]}<`);
    expect(text).toContain(`>${SERIES[1]}<`);
    expect(text).not.toContain(`>${SERIES[2]}<`);
    expect(text).toContain('seasonal naive');
  });

  it('forecast rejects a --future file that does not start right after the history', async () => {
    const late = writeCsv(
      'future-late.csv',
      SERIES.flatMap((id) => Array.from({ length: H }, (_, h) => [id, month(MONTHS + 1 + h), String(10 + h)])),
      'series_id,timestamp,price',
    );
    const target = join(outDir('future-late'), 'f.csv');
    const line = expectOneLineError(await cli(['forecast', '--model', model, '--data', data, '--future', late, '--out', target]));
    expect(line).toMatch(/future-late\.csv/);
    expect(line).toMatch(/2020-01-01/);
    expect(existsSync(target)).toBe(false);
  });

  it('transfer forecast --help shows the examples', async () => {
    const r = await cli(['transfer', 'forecast', '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('EXAMPLES');
    expect(r.stdout).toMatch(/\$ headstart transfer forecast --data \S+\.csv/);
    expect(r.stdout).toContain('--strategy');
    expect(r.stdout).toContain('--horizon');
  });
});

describe.concurrent('bad input: non-zero exit, one stderr line naming the problem, nothing written', () => {
  const good = rows();
  const transfer = (file: string, out: string, extra: string[] = []) =>
    cli(['transfer', 'forecast', '--data', file, '--horizon', String(H), '--strategy', 'scratch', '--epochs', '1', '--out', join(out, 'model'), ...extra]);

  it('missing data file', async () => {
    const out = outDir('missing');
    const file = join(dir, 'no-such.csv');
    const line = expectOneLineError(await transfer(file, out));
    expect(line).toContain(file);
    expect(line).toMatch(/not found/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('misnamed column (also as --json)', async () => {
    const file = writeCsv('misnamed.csv', good, 'series_id,timestamp,amount,price');
    const out = outDir('misnamed');
    const line = expectOneLineError(await transfer(file, out));
    expect(line).toContain(file);
    expect(line).toContain("'value'");
    expect(line).toContain("'amount'");
    expect(line).toContain('--value-column');
    const json = await transfer(file, out, ['--json']);
    expect(json.code).not.toBe(0);
    const err = JSON.parse(json.stdout) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('bad-data');
    expect(err.error.message).toBe(line.replace(/^Error: /, ''));
    expect(readdirSync(out)).toEqual([]);
  });

  it('non-numeric value', async () => {
    const bad = good.map((r) => [...r]);
    bad[70]![2] = '12.5kg'; // row 70 = S1, line 72
    const file = writeCsv('non-numeric.csv', bad);
    const out = outDir('non-numeric');
    const line = expectOneLineError(await transfer(file, out));
    expect(line).toContain(file);
    expect(line).toContain('line 72');
    expect(line).toContain("column 'value'");
    expect(line).toContain("series 'S1'");
    expect(line).toContain("'12.5kg'");
    expect(readdirSync(out)).toEqual([]);
  });

  it('empty value; --fill forward makes it pass', async () => {
    const bad = good.map((r) => [...r]);
    bad[130]![2] = ''; // S2, line 132
    const file = writeCsv('empty-value.csv', bad);
    const out = outDir('empty-value');
    const target = join(out, 'f.csv');
    const line = expectOneLineError(await cli(['forecast', '--model', model, '--data', file, '--future', future, '--out', target]));
    expect(line).toContain(file);
    expect(line).toContain('line 132');
    expect(line).toContain("series 'S2'");
    expect(line).toContain('empty value');
    expect(line).toContain('--fill');
    expect(readdirSync(out)).toEqual([]);
    const ok = await cli(['forecast', '--model', model, '--data', file, '--future', future, '--fill', 'forward', '--out', target]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(target, 'utf8').trim().split('\n')).toHaveLength(1 + SERIES.length * H);
  });

  it('duplicate timestamp in a series', async () => {
    const bad = good.map((r) => [...r]);
    bad.splice(200, 0, [...bad[199]!]); // S3, month 19, twice (lines 201 and 202)
    const file = writeCsv('duplicate.csv', bad);
    const out = outDir('duplicate');
    const line = expectOneLineError(await transfer(file, out));
    expect(line).toContain(file);
    expect(line).toContain("series 'S3'");
    expect(line).toContain(month(19));
    expect(line).toMatch(/lines 201 and 202/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('unsorted timestamps succeed, with a notice', async () => {
    const shuffled = good.map((r) => [...r]);
    [shuffled[5], shuffled[6]] = [shuffled[6]!, shuffled[5]!];
    const file = writeCsv('unsorted.csv', shuffled);
    const out = outDir('unsorted');
    const r = await transfer(file, out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^notice: .*sorted.*'S0'/m);
    expect(existsSync(join(out, 'model', 'manifest.json'))).toBe(true);
  });

  it('a series shorter than the horizon', async () => {
    const file = writeCsv('short.csv', good.filter((r) => r[0] !== 'S2' || r[1]! >= month(MONTHS - 3)));
    const out = outDir('short');
    const line = expectOneLineError(await transfer(file, out));
    expect(line).toContain(file);
    expect(line).toContain("series 'S2'");
    expect(line).toContain('3 points');
    expect(readdirSync(out)).toEqual([]);
  });

  it('horizon beyond the backbone maximum', async () => {
    const out = outDir('horizon');
    const r = await cli(['transfer', 'forecast', '--data', data, '--horizon', '100', '--strategy', 'scratch', '--out', join(out, 'model')]);
    const line = expectOneLineError(r);
    expect(line).toContain('100');
    expect(line).toContain('64');
    expect(line).toContain('patch-mixer-s');
    expect(readdirSync(out)).toEqual([]);
  });

  it('unknown backbone id, as --json', async () => {
    const out = outDir('backbone');
    const r = await cli(['transfer', 'forecast', '--data', data, '--horizon', String(H), '--backbone', 'no-such-backbone', '--out', join(out, 'model'), '--json']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe('');
    const err = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('unknown-backbone');
    expect(err.error.message).toContain('no-such-backbone');
    expect(err.error.message).toContain('patch-mixer-s');
    expect(readdirSync(out)).toEqual([]);
  });

  it('an unknown flag, as --json: one error object with a code, not oclif\'s parse context', async () => {
    const r = await cli(['backbones', '--json', '--no-such-flag']);
    expect(r.code).toBe(2);
    const err = JSON.parse(r.stdout) as { error: Record<string, unknown> };
    expect(Object.keys(err.error).sort()).toEqual(['code', 'message']);
    expect(err.error.code).toBe('usage');
    expect(err.error.message).toMatch(/no-such-flag/);
  });

  it('--out on a folder of unrelated files is refused before training, and every file stays; --force replaces it', async () => {
    const out = outDir('foreign');
    writeFileSync(join(out, 'notes.txt'), 'keep me');
    const line = expectOneLineError(await cli(['transfer', 'forecast', '--data', data, '--horizon', String(H), '--strategy', 'scratch', '--epochs', '1', '--out', out]));
    expect(line).toMatch(/--out .*foreign: the folder holds files headstart did not write.*--force/);
    expect(readdirSync(out)).toEqual(['notes.txt']);
    const forced = await cli(['transfer', 'forecast', '--data', data, '--horizon', String(H), '--strategy', 'scratch', '--epochs', '1', '--out', out, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readdirSync(out)).toContain('manifest.json');
  });

  it('--out naming the input file is refused (also with --force), and the input stays', async () => {
    const out = outDir('input-as-out');
    const copy = join(out, 'sales.csv');
    writeFileSync(copy, readFileSync(data));
    for (const extra of [[], ['--force']]) {
      const line = expectOneLineError(await cli(['transfer', 'forecast', '--data', copy, '--horizon', String(H), '--strategy', 'scratch', '--epochs', '1', '--out', copy, ...extra]));
      expect(line).toMatch(/--out .*sales\.csv is the --data input/);
    }
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(data, 'utf8'));
    const again = expectOneLineError(await cli(['forecast', '--model', model, '--data', copy, '--out', copy]));
    expect(again).toMatch(/is the --data input/);
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(data, 'utf8'));
  });

  it('--weights reads a weights folder of the user\'s (verified), and names a folder that is not one', async () => {
    const out = outDir('own-weights');
    const weights = join(out, 'my-weights');
    cpSync(PATCH_MIXER_WEIGHTS, weights, { recursive: true });
    const ok = await cli(['transfer', 'forecast', '--data', data, '--horizon', String(H), '--strategy', 'zero-shot', '--weights', weights, '--out', join(out, 'model'), '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    const bytes = readFileSync(join(weights, 'backbone.weights.bin'));
    bytes[0] = bytes[0]! ^ 0xff;
    writeFileSync(join(weights, 'backbone.weights.bin'), bytes);
    expect(expectOneLineError(await cli(['transfer', 'forecast', '--data', data, '--horizon', String(H), '--strategy', 'zero-shot', '--weights', weights, '--out', join(out, 'model2')]))).toMatch(/sha256/);
    expect(expectOneLineError(await cli(['transfer', 'forecast', '--data', data, '--horizon', String(H), '--weights', out, '--out', join(out, 'model3')]))).toMatch(/--weights .*: no manifest\.json/);
  });

  it('an --out below a file is one line naming the path, with a system code under --json', async () => {
    const out = outDir('below-file');
    const blocker = join(out, 'plain.txt');
    writeFileSync(blocker, 'x');
    const line = expectOneLineError(await cli(['transfer', 'forecast', '--data', data, '--horizon', String(H), '--strategy', 'zero-shot', '--out', join(blocker, 'model')]));
    expect(line).toContain('plain.txt');
    const r = await cli(['transfer', 'forecast', '--data', data, '--horizon', String(H), '--strategy', 'zero-shot', '--out', join(blocker, 'model'), '--json']);
    expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toMatch(/^system-/);
  });

  it('--batch-size 0 names the flag instead of a raw divide-by-zero', async () => {
    const out = outDir('batch0');
    const r = await cli(['transfer', 'forecast', '--data', data, '--horizon', String(H), '--strategy', 'scratch', '--batch-size', '0', '--out', join(out, 'model'), '--json']);
    expect(r.code).toBe(1);
    const err = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(err.error).toEqual({ code: 'bad-usage', message: '--batch-size 0: must be a whole number >= 1' });
    expect(readdirSync(out)).toEqual([]);
  });

  it('evaluate with a tampered weights file', async () => {
    const tampered = join(outDir('tampered'), 'model');
    cpSync(model, tampered, { recursive: true });
    const file = join(tampered, 'head.weights.bin');
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0x80;
    writeFileSync(file, bytes);
    const line = expectOneLineError(await cli(['evaluate', '--model', tampered, '--data', data]));
    expect(line).toContain(file);
    expect(line).toContain('sha256');
  });

  it('a model folder whose manifest formatVersion is 999, as --json', async () => {
    const out = outDir('format');
    const old = join(out, 'model');
    cpSync(model, old, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(old, 'manifest.json'), 'utf8'));
    writeFileSync(join(old, 'manifest.json'), JSON.stringify({ ...manifest, formatVersion: 999 }));
    const target = join(out, 'f.csv');
    const r = await cli(['forecast', '--model', old, '--data', data, '--future', future, '--out', target, '--json']);
    expect(r.code).not.toBe(0);
    const err = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('model-incompatible');
    expect(err.error.message).toContain('999');
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(out)).toEqual(['model']);
  });
});
