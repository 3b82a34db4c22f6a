import { HeadstartError } from '../errors.js';
import type { ReplicaContext } from '../interfaces/index.js';

/**
 * The all-reduce of data-parallel pretraining, over one SharedArrayBuffer every replica thread holds.
 *
 * Layout: a control block of Int32s (arrivals, a generation counter, an abort flag), then two banks
 * (alternating by step, so a replica may write step k+1 while a slower one still reads step k; the
 * barrier keeps any replica from getting two steps ahead) of `world` slots of Float32s each. The
 * buffer is growable: the main thread cannot know the parameter count, so the replicas grow it to
 * the size their (identical) variables need before the first exchange.
 *
 * Every replica sums the slots in rank order in float32 and divides by `world`, so every replica
 * gets the same bits, applies the same update and keeps bit-identical weights without ever
 * broadcasting them.
 */

const ARRIVED = 0;
const GENERATION = 1;
const ABORT = 2;
const CONTROL_BYTES = 64;
/** Upper bound of the exchange buffer (virtual address space only until grown). */
export const MAX_EXCHANGE_BYTES = 2 ** 30;
/** A barrier that waits longer than this fails: a replica died or hangs. */
export const BARRIER_TIMEOUT_MS = 120_000;

/** The buffer the main thread creates and hands every replica. */
export function createExchangeBuffer(): SharedArrayBuffer {
  // Growable SharedArrayBuffers are in Node 20; the TypeScript lib in use predates them.
  const Growable = SharedArrayBuffer as unknown as new (length: number, o: { maxByteLength: number }) => SharedArrayBuffer;
  return new Growable(CONTROL_BYTES, { maxByteLength: MAX_EXCHANGE_BYTES });
}

/** Sets the abort flag and wakes every waiting replica, which then fails instead of waiting out the timeout. */
export function abortExchange(shared: SharedArrayBuffer): void {
  const control = new Int32Array(shared, 0, CONTROL_BYTES / 4);
  Atomics.store(control, ABORT, 1);
  Atomics.add(control, GENERATION, 1);
  Atomics.notify(control, GENERATION);
}

export class ReplicaExchange {
  private readonly control: Int32Array;
  private banks: Float32Array[] = [];
  private slot = 0;
  private step = 0;

  constructor(
    private readonly ctx: ReplicaContext,
    private readonly timeoutMs = BARRIER_TIMEOUT_MS,
  ) {
    this.control = new Int32Array(ctx.shared, 0, CONTROL_BYTES / 4);
  }

  /** Sizes the banks for `floats` values per replica; every replica calls it with the same number. */
  prepare(floats: number): void {
    const { shared, world } = this.ctx;
    const bank = world * floats * 4;
    const need = CONTROL_BYTES + 2 * bank;
    if (need > MAX_EXCHANGE_BYTES) throw new HeadstartError(`--replicas ${world}: the gradient exchange needs ${need} bytes, more than ${MAX_EXCHANGE_BYTES}; use fewer replicas`, 'replicas-too-large');
    // Replicas may race to grow; growing to the current size or below a bigger one is harmless.
    if (shared.byteLength < need) {
      try {
        (shared as SharedArrayBuffer & { grow(length: number): void }).grow(need);
      } catch (err) {
        if (shared.byteLength < need) throw err;
      }
    }
    this.slot = floats;
    this.banks = [new Float32Array(shared, CONTROL_BYTES, world * floats), new Float32Array(shared, CONTROL_BYTES + bank, world * floats)];
  }

  /** Waits until every replica arrived; fails on abort or timeout. */
  barrier(): void {
    const c = this.control;
    const generation = Atomics.load(c, GENERATION);
    if (Atomics.load(c, ABORT)) throw this.aborted();
    if (Atomics.add(c, ARRIVED, 1) + 1 === this.ctx.world) {
      Atomics.store(c, ARRIVED, 0);
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
      return;
    }
    const until = Date.now() + this.timeoutMs;
    while (Atomics.load(c, GENERATION) === generation) {
      const left = until - Date.now();
      if (left <= 0) throw new HeadstartError(`replica ${this.ctx.rank}: no answer from the other replicas within ${this.timeoutMs / 1000} s; one of them hangs or died`, 'replica-timeout');
      Atomics.wait(c, GENERATION, generation, Math.min(left, 1000));
    }
    if (Atomics.load(c, ABORT)) throw this.aborted();
  }

  /**
   * Writes `values` into this replica's slot, waits for the others, and returns the element-wise
   * mean over replicas (the same bits on every replica). `values.length` must equal prepare's size.
   */
  allReduceMean(values: Float32Array): Float32Array {
    this.nextSlot().set(values);
    return this.reduceMean();
  }

  /**
   * This replica's slot for the next exchange, to fill in place (a gradient vector is megabytes;
   * filling the shared slot directly saves a copy), then `reduceMean()`.
   */
  nextSlot(): Float32Array {
    const bank = this.banks[this.step % 2]!;
    return bank.subarray(this.ctx.rank * this.slot, (this.ctx.rank + 1) * this.slot);
  }

  /** Waits for the other replicas' slots of this exchange and returns the mean (same bits everywhere). */
  reduceMean(): Float32Array {
    const bank = this.banks[this.step++ % 2]!;
    this.barrier();
    return meanOfSlots(bank, this.ctx.world, this.slot);
  }

  /** Every replica's `values` (same length on all), rank after rank; exact for whole numbers below 2^24 only, so callers split wider ones. */
  allGather(values: Float32Array): Float32Array[] {
    if (values.length > this.slot) throw new Error(`exchange slot holds ${this.slot} values, got ${values.length}`);
    this.nextSlot().set(values);
    const bank = this.banks[this.step++ % 2]!;
    this.barrier();
    return Array.from({ length: this.ctx.world }, (_, r) => bank.slice(r * this.slot, r * this.slot + values.length));
  }

  private aborted(): HeadstartError {
    return new HeadstartError(`replica ${this.ctx.rank}: stopped because another replica failed`, 'replica-aborted');
  }
}

/** Mean over `world` consecutive slots of `size` floats, summed in rank order in float32. */
export function meanOfSlots(bank: Float32Array, world: number, size: number): Float32Array {
  const out = bank.slice(0, size);
  if (world === 1) return out;
  for (let r = 1; r < world - 1; r++) {
    const s = bank.subarray(r * size, (r + 1) * size);
    for (let i = 0; i < size; i++) out[i] = out[i]! + s[i]!;
  }
  // The last sum is rounded to float32 before the division, as if stored first: one pass fewer.
  const last = bank.subarray((world - 1) * size, world * size);
  for (let i = 0; i < size; i++) out[i] = Math.fround(out[i]! + last[i]!) / world;
  return out;
}
