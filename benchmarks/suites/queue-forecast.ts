/**
 * Batch forecasting on queue workers: synthetic monthly series forecast by `headstart forecast
 * --queue` on 1, 2… `headstart worker` processes against one Redis, against each other (and, with
 * --local, against a plain local run), with the end-to-end time, series/s and each worker's peak RSS.
 *
 *   npm run bench:queue-forecast -- [--series 100000] [--months 48] [--workers 1,2] [--shard-size 1024]
 *                                   [--local] [--queue redis://host:port] [--note "…"]
 *
 * Needs `redis-server` on PATH unless --queue names a running Redis (then the queue must be idle).
 * The model is patch-mixer-s zero-shot (+ ETS mean, the default), fit on the first 200 series. The
 * outputs of every run must be byte-identical; the suite fails otherwise. Peak RSS is VmHWM from
 * /proc (Linux). Writes benchmarks/results/queue-forecast.{json,md}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../harness/args.js';
import { machineInfo, machineSummary } from '../harness/machine.js';
import { projectRoot, resultsDir, scriptCommand, writeResults } from '../harness/results.js';

const args = parseArgs(
  process.argv.slice(2),
  {
    series: { type: 'number', default: 100_000, integer: true, min: 1, description: 'synthetic series to forecast' },
    months: { type: 'number', default: 48, integer: true, min: 30, description: 'history length of each series' },
    workers: { type: 'list', default: ['1', '2'], description: 'worker counts to run, one run each' },
    'shard-size': { type: 'number', default: 1024, integer: true, min: 1, description: 'series per job' },
    local: { type: 'boolean', description: 'also time a plain local `headstart forecast`' },
    queue: { type: 'string', description: 'use this Redis instead of starting redis-server' },
    note: { type: 'string', description: 'free text stored with the results (e.g. "another benchmark on one core")' },
    'no-write': { type: 'boolean', description: 'print the table only' },
    out: { type: 'string', description: 'results folder (default benchmarks/results)' },
  },
  { usage: 'npm run bench:queue-forecast -- [flags]' },
);

const CLI = join(projectRoot(), 'cli/bin/run.js');

function run(argv: string[]): Promise<{ seconds: number; stdout: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => (code === 0 ? resolve({ seconds: (performance.now() - t0) / 1000, stdout }) : reject(new Error(`headstart ${argv[0]} exited ${code}: ${stderr.trim()}`))));
  });
}

/** Every child still running (Redis, workers), stopped with the suite on Ctrl-C as well. */
const children = new Set<ChildProcess>();
function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function startWorker(url: string): Promise<ChildProcess> {
  const child = track(spawn(process.execPath, [CLI, 'worker', '--queue', url], { stdio: ['ignore', 'pipe', 'inherit'] }));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('Ctrl-C to stop')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited ${code} before it was ready: ${out}`)));
  });
}

/** Peak resident set of a live process, in MiB (Linux /proc VmHWM). */
function peakRssMiB(pid: number): number | undefined {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function writeSeries(path: string, n: number, months: number): void {
  const rows = ['series_id,timestamp,value'];
  for (let i = 0; i < n; i++) {
    const level = 50 + (i % 97);
    for (let t = 0; t < months; t++) {
      const month = `${2015 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01`;
      rows.push(`S${i},${month},${(level + 0.3 * t + (3 + (i % 5)) * Math.sin((2 * Math.PI * t) / 12) + Math.sin(t * 7.1 + i)).toFixed(3)}`);
    }
  }
  writeFileSync(path, rows.join('\n') + '\n');
}

const dir = mkdtempSync(join(tmpdir(), 'headstart-queue-bench-'));
const cleanUp = () => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { cleanUp(); process.exit(130); });
try {
  const url = args.queue ?? `redis://127.0.0.1:${await freePort()}`;
  if (!args.queue) {
    track(spawn('redis-server', ['--port', new URL(url).port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
    await new Promise((r) => setTimeout(r, 500));
  }
  const data = join(dir, 'series.csv');
  const sample = join(dir, 'sample.csv');
  writeSeries(data, args.series, args.months);
  writeSeries(sample, Math.min(200, args.series), args.months);
  const model = join(dir, 'model');
  await run(['transfer', 'forecast', '--data', sample, '--backbone', 'patch-mixer-s', '--strategy', 'zero-shot', '--horizon', '6', '--out', model]);
  const rows: { run: string; seconds: number; seriesPerSecond: number; peakRssMiB: (number | undefined)[] }[] = [];
  const outputs: string[] = [];
  if (args.local) {
    const out = join(dir, 'local.csv');
    const r = await run(['forecast', '--model', model, '--data', data, '--out', out]);
    rows.push({ run: 'local (1 process)', seconds: r.seconds, seriesPerSecond: args.series / r.seconds, peakRssMiB: [] });
    outputs.push(out);
    console.log(`local: ${r.seconds.toFixed(1)} s`);
  }
  for (const w of args.workers.map(Number)) {
    const workers = await Promise.all(Array.from({ length: w }, () => startWorker(url)));
    const out = join(dir, `queued-${w}.csv`);
    const r = await run(['forecast', '--model', model, '--data', data, '--out', out, '--queue', url, '--shard-size', String(args['shard-size'])]);
    const rss = workers.map((c) => peakRssMiB(c.pid!));
    await Promise.all(workers.map((c) => new Promise((res) => { c.once('exit', res); c.kill('SIGTERM'); })));
    rows.push({ run: `--queue, ${w} worker${w > 1 ? 's' : ''}`, seconds: r.seconds, seriesPerSecond: args.series / r.seconds, peakRssMiB: rss });
    outputs.push(out);
    console.log(`${w} worker(s): ${r.seconds.toFixed(1)} s, peak RSS ${rss.map((x) => x?.toFixed(0)).join(', ')} MiB`);
  }
  const first = readFileSync(outputs[0]!);
  const identical = outputs.every((o) => readFileSync(o).equals(first));
  if (!identical) throw new Error('queue-forecast: the runs wrote different files; a queued forecast must equal the local one byte for byte');
  const base = rows.find((r) => r.run.startsWith('--queue, 1 '))?.seconds;
  const machine = machineInfo();
  const md = [
    `# Batch forecasting on queue workers`,
    '',
    `${args.series.toLocaleString('en')} synthetic monthly series × ${args.months} months, horizon 6, patch-mixer-s zero-shot + ETS mean, shards of ${args['shard-size']} series; Redis on loopback. ${machineSummary(machine)}.${args.note ? ` Note: ${args.note}.` : ''}`,
    '',
    `Command: \`${scriptCommand('bench:queue-forecast')}\`. Times are end to end (\`headstart forecast\` start to exit, the submitter's own read of the data included). All outputs byte-identical: ${identical ? 'yes' : 'no'}.`,
    '',
    '| run | seconds | series/s | vs 1 worker | peak RSS per worker (MiB) |',
    '|---|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.run} | ${r.seconds.toFixed(1)} | ${r.seriesPerSecond.toFixed(0)} | ${base ? `${(base / r.seconds).toFixed(2)}×` : ''} | ${r.peakRssMiB.map((x) => x?.toFixed(0) ?? '?').join(', ')} |`),
  ].join('\n');
  console.log(md);
  if (!args['no-write']) console.log(await writeResults('queue-forecast', { series: args.series, months: args.months, shardSize: args['shard-size'], note: args.note, machine, identical, rows }, md, { dir: args.out ?? resultsDir() }));
} finally {
  cleanUp();
}
