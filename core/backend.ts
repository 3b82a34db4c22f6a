import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { UsageError } from './errors.js';
import { initWasmBackend, wasmThreadsWanted } from './wasm-threads.js';

export type BackendName = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendChoice {
  /** Which of headstart's backend names was chosen. */
  name: Exclude<BackendName, 'auto'>;
  /** tfjs's name for the backend that runs ('tensorflow', 'wasm', 'cpu'). */
  active: string;
  /** The npm package that provided it. */
  provider: string;
  /** Why this one: what was tried and missing. */
  notes: string[];
  /** Threads of the wasm backend's pool (1 = single-threaded); absent for other backends. */
  threads?: number;
}

const require = createRequire(import.meta.url);

/** Optional peers, tried in order by 'auto': GPU first, then native CPU, then wasm, then plain JS. */
const NATIVE = [
  { name: 'tensorflow-gpu' as const, pkg: '@tensorflow/tfjs-node-gpu' },
  { name: 'tensorflow' as const, pkg: '@tensorflow/tfjs-node' },
];

let chosen: BackendChoice | undefined;

function isInstalled(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/**
 * Picks and initialises the tfjs backend once per process. 'auto' uses tfjs-node-gpu or tfjs-node
 * when the user installed them, else wasm (≈9× the pure-JS cpu backend here), else cpu.
 */
export async function useBackend(requested: BackendName = 'auto'): Promise<BackendChoice> {
  if (chosen && (requested === 'auto' || chosen.name === requested)) return chosen;
  const notes: string[] = [];
  const candidates: BackendName[] = requested === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : [requested];
  for (const c of candidates) {
    const native = NATIVE.find((n) => n.name === c);
    if (native) {
      if (!isInstalled(native.pkg)) {
        notes.push(`${native.pkg} not installed`);
        if (requested !== 'auto') throw new UsageError(`--backend ${c}: ${native.pkg} is not installed; install it (npm i ${native.pkg}) or use --backend wasm`);
        continue;
      }
      await import(native.pkg);
      if (await tf.setBackend('tensorflow')) return (chosen = { name: native.name, active: 'tensorflow', provider: native.pkg, notes });
      notes.push(`${native.pkg} failed to initialise`);
      continue;
    }
    if (c === 'wasm') {
      // Single-threaded unless HEADSTART_WASM_THREADS asks for threads (core/wasm-threads.ts says
      // why they are not the default).
      const init = await initWasmBackend(wasmThreadsWanted());
      if (init) return (chosen = { name: 'wasm', active: 'wasm', provider: '@tensorflow/tfjs-backend-wasm', notes: [...notes, ...init.notes], threads: init.threads });
      notes.push('wasm backend failed to initialise');
      continue;
    }
    if (c === 'cpu' && (await tf.setBackend('cpu'))) return (chosen = { name: 'cpu', active: 'cpu', provider: '@tensorflow/tfjs (cpu)', notes });
  }
  throw new UsageError(`no tfjs backend could be initialised (${notes.join('; ')})`);
}

export function currentBackend(): BackendChoice | undefined {
  return chosen;
}

export function parseBackend(s: string): BackendName {
  const ok: BackendName[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
  if (!ok.includes(s as BackendName)) throw new UsageError(`--backend ${s}: unknown backend; choose one of ${ok.join(', ')}`);
  return s as BackendName;
}
