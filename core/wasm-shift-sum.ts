import { SHIFT_SUM_WASM, SHIFT_SUM_WASM_SHARED } from './wasm/shift-sum.generated.js';
import { moduleOn, switchedTo, type EmscriptenModule } from './wasm-module.js';

/**
 * The SIMD module of core/wasm/shift-sum.wat on a wasm backend's own memory, for the
 * HeadstartShiftSum kernels (core/nn/shift-sum.ts). HEADSTART_WASM_SHIFT_SUM=off makes them run their
 * JavaScript loop over the heap instead (same values, ~10× slower).
 */
export const WASM_SHIFT_SUM_ENV = 'HEADSTART_WASM_SHIFT_SUM';

export interface ShiftSumModule {
  /** y[b, t, :] = z[b, t − shift, col …] (first tap; zeros for t < shift) or += (later taps). */
  shift_add(z: number, y: number, B: number, T: number, width: number, units: number, col: number, shift: number, first: number): void;
  /** y[r, :] += bias. */
  add_bias(y: number, bias: number, rows: number, units: number): void;
  /** dz[b, t, col …] = dy[b, t + shift, :] (zeros past the end). */
  shift_copy(dy: number, dz: number, B: number, T: number, width: number, units: number, col: number, shift: number): void;
}

/** The module for this Emscripten module (tfjs-backend-wasm's `backend.wasm`), or null (switched off, no SIMD, no memory found). */
export function shiftSumModule(wasm: EmscriptenModule, env: NodeJS.ProcessEnv = process.env): ShiftSumModule | null {
  if (switchedTo(env, WASM_SHIFT_SUM_ENV)) return null;
  return moduleOn<ShiftSumModule>(wasm, SHIFT_SUM_WASM, SHIFT_SUM_WASM_SHARED);
}
