/**
 * Multi-threaded tfjs-backend-wasm under Node, without patching the package.
 *
 * tfjs-backend-wasm ships a threaded SIMD build (XNNPACK over Emscripten pthreads) but turns it off
 * under Node, and three things stand in the way; each is handled here, at initialisation only:
 *
 * 1. The flag `WASM_HAS_MULTITHREAD_SUPPORT` answers false whenever `IS_NODE`. It is an ordinary
 *    tfjs flag: we set it to true before the backend initialises.
 * 2. Its `locateFile` hands Emscripten the pthread worker as a `blob:` URL from
 *    `URL.createObjectURL`, and Node's `worker_threads.Worker` refuses `blob:` (ERR_WORKER_PATH).
 *    While the backend initialises, `URL.createObjectURL` answers that one blob (type
 *    `application/javascript`; nothing else is touched) with a `data:` URL object instead, which
 *    `Worker` accepts and which Emscripten passes to it untouched. The worker it names loads the
 *    package's own worker code (`wasm-out/…threaded-simd.worker.js`, the same text the blob held), so
 *    worker and main thread always come from one installed version, and no file is written anywhere.
 *    The worker then loads the main script by path (`wasm-out/…threaded-simd.js`): the blob tfjs
 *    sends for it (`mainScriptUrlOrBlob`) cannot be read synchronously in Node, and the copy inside
 *    tfjs's Node bundle is down-levelled with helpers that only exist in that bundle.
 * 3. The C++ side caps the thread pool at `emscripten_num_logical_cores() / 2` (it assumes two
 *    hyper-threads per core), which is 1 on a 2-vCPU machine. Emscripten reads that from
 *    `os.cpus().length`; while the backend initialises, `os.cpus()` lists 2 × `threads` entries, so
 *    the cap is the thread count asked for.
 *
 * Both interceptions are undone as soon as initialisation settles. This depends on internals of
 * tfjs-backend-wasm 4.x (checked at run time where it can be: the worker code must look as expected
 * and the pool must report the threads asked for); test/core/wasm-threads.test.ts fails when an
 * upgrade breaks it, and `useBackend` falls back to one thread when initialisation fails.
 *
 * Cost of asking: tfjs starts 8 pthread workers whatever the thread count (+~0.2–0.5 s start-up,
 * +~65 MB RSS measured); results are the same bits as single-threaded in what was compared
 * (XNNPACK splits work by output tiles, so each value is summed in the same order).
 */
import * as tf from '@tensorflow/tfjs';
import { installWasmKernels } from './wasm-kernels.js';
import { createRequire } from 'node:module';
import os from 'node:os';
import { UsageError } from './errors.js';

const require = createRequire(import.meta.url);

/** tfjs pre-creates 8 pthread workers and XNNPACK's pool is capped at 8 threads in its C++. */
export const MAX_WASM_THREADS = 8;

/** The variable that sets the thread count (unset or `1`: single-threaded). */
export const WASM_THREADS_ENV = 'HEADSTART_WASM_THREADS';

/**
 * Threads wanted for the wasm backend, from `HEADSTART_WASM_THREADS`: unset or `1`, one thread (the
 * package's own single-threaded build); `auto`, every CPU this process may use, up to 8; a number,
 * that many (up to 8).
 *
 * Off unless asked for, because of what docs/throughput.md ("Threads") measured on a 2-vCPU machine:
 * with both cores to itself a training step gained 0.9–1.3× and inference 0.8–1.5× (big matmuls
 * 1.9×, small ops slower), but with one other busy process the pool's per-kernel barrier made
 * training 1.6–3.7× slower. Most steps are ~2,000 small kernels, each of which waits for every thread.
 */
export function wasmThreadsWanted(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[WASM_THREADS_ENV]?.trim();
  if (raw === undefined || raw === '') return 1;
  if (raw === 'auto') return Math.min(os.availableParallelism(), MAX_WASM_THREADS);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${WASM_THREADS_ENV}=${raw}: expected a whole number of threads ≥ 1 (1 = single-threaded) or "auto" (every CPU, up to ${MAX_WASM_THREADS})`);
  return Math.min(n, MAX_WASM_THREADS);
}

interface WasmPackage {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** The two files of the threaded build that the worker loads, or why they cannot be used. */
function threadedBuildFiles(): { workerJs: string; mainJs: string } | string {
  let workerJs: string;
  let mainJs: string;
  try {
    workerJs = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
    mainJs = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  } catch {
    return 'the threaded build of tfjs-backend-wasm is missing (wasm-out/)';
  }
  // The worker code is run as it is, with one message rewritten: check that it still has the shape
  // this was written against rather than crash inside a worker after an upgrade.
  const contents: unknown = (require(workerJs) as { wasmWorkerContents?: unknown }).wasmWorkerContents;
  if (typeof contents !== 'string' || !contents.includes('urlOrBlob') || !contents.includes('importScripts') || !contents.includes('self.onmessage')) {
    return 'the pthread worker of this tfjs-backend-wasm version is not the one headstart knows how to start';
  }
  return { workerJs, mainJs };
}

/**
 * The pthread worker, as an ES module in a `data:` URL. It runs the package's worker code in a
 * CommonJS-like scope (that code expects `require` and `__filename`), then points the `load`
 * message at the main script's path instead of the blob tfjs sends.
 */
function workerUrl(files: { workerJs: string; mainJs: string }): URL {
  const source = [
    `import { createRequire } from 'node:module';`,
    `const workerJs = ${JSON.stringify(files.workerJs)};`,
    `const mainJs = ${JSON.stringify(files.mainJs)};`,
    `const require = createRequire(workerJs);`,
    // The file keeps the worker in a template literal, where the "\\n" inside one of its string
    // literals became a real newline; tfjs escapes it back before making its blob, and so do we.
    `const contents = require(workerJs).wasmWorkerContents.replace(/\\n/g, '\\\\n');`,
    `new Function('require', '__filename', contents)(require, workerJs);`,
    `const onmessage = globalThis.onmessage;`,
    `globalThis.onmessage = (e) => {`,
    `  if (e.data && e.data.cmd === 'load') e.data.urlOrBlob = mainJs;`,
    `  return onmessage(e);`,
    `};`,
  ].join('\n');
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}

export interface WasmInit {
  /** Threads XNNPACK's pool runs with (1 = single-threaded). */
  threads: number;
  /** What happened, for BackendChoice.notes. */
  notes: string[];
}

/**
 * Initialises tfjs's 'wasm' backend with `threads` threads (1: the package's default
 * single-threaded build). Returns false when the backend did not initialise at all. Must run before
 * anything else initialises 'wasm' in this process.
 */
export async function initWasmBackend(threads: number): Promise<WasmInit | false> {
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmPackage;
  installWasmKernels();
  if (threads <= 1) return (await tf.setBackend('wasm')) ? { threads: 1, notes: [] } : false;

  const files = threadedBuildFiles();
  if (typeof files === 'string') {
    return (await tf.setBackend('wasm')) ? { threads: 1, notes: [`wasm threads off: ${files}`] } : false;
  }
  // Kept to start again single-threaded: a backend whose initialisation failed stays failed.
  const factory = tf.findBackendFactory('wasm');
  const priority = 2; // tfjs-backend-wasm's own registration priority

  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const url = workerUrl(files);
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  let workerAsked = 0;
  URL.createObjectURL = ((obj: Blob) => {
    if (obj instanceof Blob && obj.type === 'application/javascript') {
      workerAsked++;
      // Emscripten hands locateFile's answer straight to `new Worker()`, which takes a URL object.
      return url as unknown as string;
    }
    return createObjectURL(obj);
  }) as typeof URL.createObjectURL;
  os.cpus = () => {
    // Only the length is read; os.cpus() can be empty in some containers, hence the stand-in entry.
    const list = cpus();
    const stand: os.CpuInfo = list[0] ?? { model: '', speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } };
    return Array.from({ length: 2 * threads }, (_, i) => list[i] ?? stand);
  };
  let ok = false;
  let error: unknown;
  try {
    ok = await tf.setBackend('wasm');
  } catch (e) {
    error = e;
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
  const got = ok ? wasm.getThreadsCount() : 0;
  if (ok && got > 1) {
    unrefPoolWorkers();
    return { threads: got, notes: [`wasm: ${got} threads (${WASM_THREADS_ENV})`] };
  }
  const why = !ok
    ? `initialisation failed${error ? ` (${error instanceof Error ? error.message : String(error)})` : ''}`
    : workerAsked === 0
      ? 'tfjs did not ask for a pthread worker'
      : `the pool reports ${got} thread(s)`;
  // Start again with the plain single-threaded build, as if threads had never been asked for.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setThreadsCount(1);
  if (tf.findBackendFactory('wasm')) tf.removeBackend('wasm');
  if (factory) tf.registerBackend('wasm', factory, priority);
  return (await tf.setBackend('wasm')) ? { threads: 1, notes: [`wasm threads off: ${why}`] } : false;
}

/**
 * Emscripten keeps a thread's worker referenced while the thread runs, and XNNPACK's pool threads run
 * for the life of the process: left so, they keep Node from exiting when the work is done. They
 * need no event loop to compute (they wait on shared memory), so unreference them. The 8 workers
 * tfjs pre-creates are left as they are (already unreferenced): a later pthread_create would need
 * one and could not start a new one once `URL.createObjectURL` answers blobs normally again.
 */
function unrefPoolWorkers(): void {
  const backend = tf.backend() as unknown as { wasm?: { PThread?: { runningWorkers?: Array<{ unref?: () => void }> } } };
  for (const w of backend.wasm?.PThread?.runningWorkers ?? []) w.unref?.();
}
