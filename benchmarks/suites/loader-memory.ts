/**
 * Peak memory of loading data, against the size of the input (the aim: peak memory ≤ 5× the input
 * on a 200 MB forecast CSV and on 5M events).
 *
 *   npm run bench:loader-memory -- [--rows 6750000] [--series 20000] [--events 5000000]
 *                                  [--users 200000] [--items 50000] [--task forecast,recommend] [--keep]
 *
 * Writes a synthetic long-format forecast CSV (series_id,timestamp,value: --series daily series of
 * --rows / --series points each; the defaults give about 200 MB) and an events log
 * (user_id,item_id,timestamp, time-ordered, users interleaved) into a temporary folder. Each file is
 * then loaded in a fresh child process through the registered adapter, as `transfer` and `evaluate`
 * do (same container, same default options), and the child reports its peak resident memory (VmHWM,
 * or maxRSS where /proc is absent). A fresh process per file keeps one load's heap from inflating
 * the other's peak. Prints input bytes, the resident memory before loading (Node, tfjs and the
 * plugins), the peak, peak/input, and seconds.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { parseArgs } from '../harness/args.js';
import { Rng } from '../../core/random.js';

const TASKS = ['forecast', 'recommend'] as const;
type Task = (typeof TASKS)[number];

/** What a child prints as its last stdout line. */
interface ChildResult {
  task: Task;
  bytes: number;
  baseRssBytes: number;
  peakRssBytes: number;
  seconds: number;
  series?: number;
  points?: number;
  users?: number;
  events?: number;
}

/** Peak resident set size of this process in bytes. */
function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+)\s*kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // Not Linux: fall through to resourceUsage.
  }
  return process.resourceUsage().maxRSS * 1024;
}

async function child(task: Task, file: string): Promise<void> {
  // The same imports and container a command builds, so the baseline holds what a real run holds.
  const { createContainer, registryOf } = await import('../../core/container.js');
  const { builtinPlugins } = await import('../../plugins/index.js');
  const registry = registryOf(createContainer(builtinPlugins));
  const base = process.memoryUsage().rss;
  const started = performance.now();
  const result: ChildResult = { task, bytes: statSync(file).size, baseRssBytes: base, peakRssBytes: 0, seconds: 0 };
  if (task === 'forecast') {
    type Adapter = import('../../core/interfaces/index.js').DataAdapter<object, import('../../plugins/forecasting/contracts.js').ForecastDataset>;
    const ds = await registry.get<Adapter>('adapter', 'forecast-csv').load(file, {});
    result.series = ds.series.length;
    result.points = ds.series.reduce((a, s) => a + s.values.length, 0);
  } else {
    type Adapter = import('../../core/interfaces/index.js').DataAdapter<object, import('../../plugins/recommendation/contracts.js').EventsDataset>;
    const ds = await registry.get<Adapter>('adapter', 'events').load(file, {});
    result.users = ds.users.length;
    result.events = ds.events;
  }
  result.seconds = (performance.now() - started) / 1000;
  result.peakRssBytes = peakRss();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Writes lines in ~1 MB pieces, waiting for the stream to drain so the writer itself stays small. */
async function writeLines(file: string, header: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(file);
  let buf = `${header}\n`;
  for (let i = 0; i < count; i++) {
    buf += `${line(i)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

async function writeForecast(file: string, rows: number, series: number): Promise<void> {
  const points = Math.max(2, Math.floor(rows / series));
  // Seeded, so every run writes the same files.
  const rng1 = new Rng(1);
  const rand = () => rng1.next();
  const start = Date.UTC(2020, 0, 1);
  const day = 86_400_000;
  await writeLines(file, 'series_id,timestamp,value', points * series, (i) => {
    const s = Math.floor(i / points);
    const t = i % points;
    const level = 100 + (s % 97) * 10;
    const value = level * (1 + 0.2 * Math.sin((2 * Math.PI * t) / 7)) + rand() * 20;
    return `series_${String(s).padStart(5, '0')},${new Date(start + t * day).toISOString().slice(0, 10)},${value.toFixed(2)}`;
  });
}

async function writeEvents(file: string, events: number, users: number, items: number): Promise<void> {
  const rng2 = new Rng(2);
  const rand = () => rng2.next();
  const start = 1_600_000_000;
  await writeLines(file, 'user_id,item_id,timestamp', events, (i) => {
    const u = Math.floor(rand() * users);
    // Skewed item popularity, as in real logs.
    const it = Math.floor(items * rand() ** 2);
    return `u${String(u).padStart(7, '0')},i${String(it).padStart(6, '0')},${start + i * 3}`;
  });
}

const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1] as Task, argv[2]!);
  const args = parseArgs(
    argv,
    {
      rows: { type: 'number', default: 6_750_000, integer: true, min: 2, description: 'forecast CSV rows (the default is about 200 MB)' },
      series: { type: 'number', default: 20_000, integer: true, min: 1, description: 'forecast series (daily, rows / series points each)' },
      events: { type: 'number', default: 5_000_000, integer: true, min: 1, description: 'events in the log' },
      users: { type: 'number', default: 200_000, integer: true, min: 1, description: 'distinct users' },
      items: { type: 'number', default: 50_000, integer: true, min: 1, description: 'distinct items' },
      task: { type: 'list', default: TASKS, choices: TASKS, description: 'which loaders to measure' },
      keep: { type: 'boolean', description: 'keep the generated files (their folder is printed)' },
    },
    { usage: 'npm run bench:loader-memory -- [flags]' },
  );
  const dir = await mkdtemp(join(tmpdir(), 'headstart-loader-memory-'));
  const script = fileURLToPath(import.meta.url);
  const results: ChildResult[] = [];
  try {
    for (const task of args.task as Task[]) {
      const file = join(dir, task === 'forecast' ? 'series.csv' : 'events.csv');
      process.stderr.write(`writing ${file}…\n`);
      if (task === 'forecast') await writeForecast(file, args.rows, args.series);
      else await writeEvents(file, args.events, args.users, args.items);
      process.stderr.write(`loading ${file} (${mb(statSync(file).size)}) in a child process…\n`);
      const run = spawnSync(process.execPath, [script, '--child', task, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (run.status !== 0) {
        throw new Error(`the ${task} load failed (exit ${run.status ?? run.signal}): ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ')}`);
      }
      const last = run.stdout.trim().split('\n').pop()!;
      results.push(JSON.parse(last) as ChildResult);
    }
  } finally {
    if (!args.keep) await rm(dir, { recursive: true, force: true });
    else process.stderr.write(`kept ${dir}\n`);
  }
  console.log('| task | input | rows | RSS before load | peak RSS | peak / input | (peak − before) / input | seconds |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const rows = r.task === 'forecast' ? `${r.points} points, ${r.series} series` : `${r.events} events, ${r.users} users`;
    console.log(
      `| ${r.task} | ${mb(r.bytes)} | ${rows} | ${mb(r.baseRssBytes)} | ${mb(r.peakRssBytes)} | ${(r.peakRssBytes / r.bytes).toFixed(2)}× | ${((r.peakRssBytes - r.baseRssBytes) / r.bytes).toFixed(2)}× | ${r.seconds.toFixed(1)} |`,
    );
  }
}

await main();
