import { createRequire } from 'node:module';
import type { BackendName } from '../../core/backend.js';

const require = createRequire(import.meta.url);

/** The concrete backends a benchmark tries, fastest first. */
export const BENCH_BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const satisfies readonly BackendName[];
export type BenchBackend = (typeof BENCH_BACKENDS)[number];

/** The npm package that provides a backend (cpu ships inside @tensorflow/tfjs). */
export const BACKEND_PACKAGE: Record<BenchBackend, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs',
};

/** Whether the backend's package resolves here, without importing it (importing tfjs-node loads native code). */
export function isBackendInstalled(name: BenchBackend): boolean {
  try {
    require.resolve(BACKEND_PACKAGE[name]);
    return true;
  } catch {
    return false;
  }
}
