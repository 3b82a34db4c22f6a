/**
 * Instantiates one of headstart's hand-written WebAssembly modules (core/wasm/*.wat) on a wasm
 * backend's own memory, as core/wasm-batch-matmul.ts does: the module imports the Emscripten
 * module's memory, so kernels read and write tensors where tfjs keeps them.
 */

import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-backend-wasm's Emscripten module (`backend.wasm`) used to find its memory. */
export interface EmscriptenModule {
  asm?: { memory?: unknown };
  wasmMemory?: unknown;
}

/** The parts of tfjs-backend-wasm's BackendWasm (4.x) that headstart's kernels use. */
export interface WasmBackendInternals {
  wasm: EmscriptenModule & { _malloc(bytes: number): number; _free(ptr: number): void };
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Int32Array | Float32Array | Uint8Array;
}

/** Whether the environment switch `name` is set to `value` (case and spaces ignored): how every kernel switch reads. */
export function switchedTo(env: NodeJS.ProcessEnv, name: string, value = 'off'): boolean {
  return env[name]?.trim().toLowerCase() === value;
}

/**
 * Replaces the wasm backend's kernel `name` with `wrap(original)`; returns the original kernel
 * function, or undefined (and changes nothing) when the backend has no such kernel.
 */
export function replaceWasmKernel(name: string, wrap: (original: tf.KernelFunc) => tf.KernelFunc): tf.KernelFunc | undefined {
  const original = tf.getKernel(name, 'wasm');
  if (!original) return undefined;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc) });
  return original.kernelFunc;
}

/** The WebAssembly JS API as used here (tsconfig's lib has no WebAssembly types; Node has the API). */
interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => { buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const WebAssembly = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

/** Whether this runtime validates the module (WebAssembly SIMD / bulk memory present). */
export function validates(base64: string): boolean {
  return Boolean(WebAssembly?.validate(Buffer.from(base64, 'base64')));
}

/** One instance per Emscripten module and per module kind (a re-created backend gets its own). */
const instances = new WeakMap<object, Map<string, Record<string, unknown> | null>>();

/**
 * The exports of the module (base64 `unshared`, or `shared` when the memory is a SharedArrayBuffer)
 * instantiated on `wasm`'s memory; null when no memory is found or the module does not validate.
 */
export function moduleOn<T>(wasm: EmscriptenModule, unshared: string, shared: string): T | null {
  let byKind = instances.get(wasm);
  if (!byKind) instances.set(wasm, (byKind = new Map()));
  if (byKind.has(unshared)) return byKind.get(unshared) as T | null;
  let exports: Record<string, unknown> | null = null;
  const memory = [wasm.asm?.memory, wasm.wasmMemory].find((m) => WebAssembly && m instanceof WebAssembly.Memory) as { buffer: ArrayBufferLike } | undefined;
  if (WebAssembly && memory && validates(unshared)) {
    const isShared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    // Synchronous compile: the modules are under 1 KB, and kernels are synchronous.
    exports = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(isShared ? shared : unshared, 'base64')), { env: { memory } }).exports;
  }
  byKind.set(unshared, exports);
  return exports as T | null;
}
