import * as tf from '@tensorflow/tfjs';
import { UsageError } from '../errors.js';
import { adamStep } from '../wasm-adam.js';

/**
 * The Adam every training loop uses. `HEADSTART_OPTIMIZER=plain` picks tfjs's own
 * `tf.train.adam` (one update per variable), `fused` or unset picks FusedAdam; both give the same
 * weights bit for bit, so the switch is for measuring and for ruling the optimizer out when
 * something looks wrong. One difference: a resumed run is exact only with FusedAdam, which restores
 * its bias-correction powers as the steps accumulated them (tfjs recomputes them with pow).
 */
export function createAdam(learningRate: number): tf.Optimizer {
  const choice = process.env.HEADSTART_OPTIMIZER?.trim() || 'fused';
  if (choice === 'plain') return tf.train.adam(learningRate);
  if (choice === 'fused') return new FusedAdam(learningRate);
  throw new UsageError(`HEADSTART_OPTIMIZER must be "fused" or "plain" (got "${choice}")`);
}

/**
 * Variables up to this many elements share the flat moment vectors. A larger one keeps its own
 * moments and tfjs's per-variable update: its 14 kernels cost little next to its arithmetic,
 * while fusing it would add four passes over it (gathered gradient and value, read back, written
 * out). Measured on wasm (docs/throughput.md): a 104k-element variable costs the same either
 * way, the 774k-element output matrix of a 12,101-item head ~5 ms per step less on its own.
 */
export const FUSE_UP_TO = 131_072;

/** One variable's moments: at `offset` in the flat vectors, or in moment variables of its own. */
interface Slot {
  name: string;
  shape: number[];
  size: number;
  /** Position among the fused slots, -1 for a slot with moments of its own. */
  fusedIndex: number;
  offset: number;
  own?: { m: tf.Variable; v: tf.Variable };
}

interface SlotSpec {
  name: string;
  shape: number[];
  /** Restored moments; zeros when absent. */
  m?: tf.Tensor;
  v?: tf.Tensor;
}

type Gradients = Parameters<tf.Optimizer['applyGradients']>[0];
type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];
type Moments = { m: tf.Tensor; v: tf.Tensor; value: tf.Tensor };

/**
 * Adam over all variables at once, numerically identical to tfjs's AdamOptimizer (same defaults,
 * same operations in the same order on the same float32 values, same bias correction through
 * the accumulated beta powers). tf.train.adam issues 14 kernels per variable per step, and on
 * wasm a small kernel's cost is mostly dispatch (~3 µs each). Here the moments of
 * every variable up to FUSE_UP_TO elements are one flat first-moment and one flat second-moment
 * variable; per step their gradients and values are concatenated into flat vectors, the
 * arithmetic runs once on those (20 kernels whatever the variable count) and the new values are
 * cut back into the variables. Larger variables are updated one by one, as tfjs does.
 *
 * Moments are kept per variable name in first-seen order (tfjs keys them by the position of the
 * gradient in the map, which is the same order as long as every step passes the same names, as
 * every caller here does). A variable whose gradient is null or missing in a step is skipped as
 * tfjs skips a null gradient: its moments and value stay as they are. Such a step still runs
 * the fused arithmetic over every fused slot (zeros stand in for the missing gradients and
 * values) and keeps the skipped slots' old moments with one `where` per moment vector: two
 * kernels and some arithmetic more, paid only by a caller whose set of gradients changes.
 * (tfjs, given a map without some name, would pair the later variables with their neighbours'
 * moments; keying by name does not.)
 *
 * `getWeights`/`setWeights` use tfjs's format: `iter`, then `<name>/m` for each variable in slot
 * order, then `<name>/v`, each of the variable's shape, so a checkpoint of either optimizer resumes
 * in the other. Restored moments bind to the variables by position at the first step when that
 * step passes as many variables, of the same shapes, as the checkpoint has (what tfjs does, so a
 * resumed process whose layers got other unique names still continues), else by name.
 */
export class FusedAdam extends tf.Optimizer {
  static get className(): string {
    return 'FusedAdam';
  }

  /** Read at every step; a schedule may change it between steps. */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private readonly accBeta1: tf.Variable;
  private readonly accBeta2: tf.Variable;
  private slots: Slot[] = [];
  private slotOf = new Map<string, number>();
  private fused: Slot[] = [];
  private fusedSize = 0;
  private m?: tf.Variable;
  private v?: tf.Variable;
  /** The slots came from setWeights and no step has bound them to variables yet. */
  private restored = false;
  /** What the last getWeights created; the optimizer owns it until the next call or dispose. */
  private handedOut: tf.Tensor[] = [];

  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number, private readonly fuseUpTo = FUSE_UP_TO) {
    super();
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon ?? tf.backend().epsilon();
    this.accBeta1 = tf.tidy(() => tf.scalar(beta1).variable(false));
    this.accBeta2 = tf.tidy(() => tf.scalar(beta2).variable(false));
  }

  applyGradients(variableGradients: Gradients): void {
    const entries: [string, tf.Tensor | null | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    this.bind(entries.map(([name]) => name));
    const grads = new Map<Slot, tf.Tensor>();
    for (const [name, g] of entries) if (g != null) grads.set(this.slots[this.slotOf.get(name)!]!, g);
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, this.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, this.accBeta2);
      const attrs = { beta1: this.beta1, beta2: this.beta2, learningRate: this.learningRate, epsilon: this.epsilon };
      const step = (m: tf.Tensor, v: tf.Tensor, gradient: tf.Tensor, value: tf.Tensor): Moments => {
        // On wasm one kernel pass with the same float32 operations (core/wasm-adam.ts), same bits.
        const fast = adamStep(m, v, gradient, value, oneMinusAccBeta1, oneMinusAccBeta2, attrs);
        if (fast) return fast;
        // The same expressions as tfjs's AdamOptimizer.applyGradients.
        const newFirstMoment = tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const newSecondMoment = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        const biasCorrectedFirstMoment = tf.div(newFirstMoment, oneMinusAccBeta1);
        const biasCorrectedSecondMoment = tf.div(newSecondMoment, oneMinusAccBeta2);
        const newValue = tf.add(tf.mul(tf.div(biasCorrectedFirstMoment, tf.add(tf.sqrt(biasCorrectedSecondMoment), this.epsilon)), -this.learningRate), value);
        return { m: newFirstMoment, v: newSecondMoment, value: newValue };
      };
      for (const slot of this.slots) {
        const g = grads.get(slot);
        if (!slot.own || !g) continue;
        const variable = variableNamed(slot.name);
        const next = step(slot.own.m, slot.own.v, g, variable);
        slot.own.m.assign(next.m);
        slot.own.v.assign(next.v);
        variable.assign(next.value);
      }
      const present = this.fused.map((s) => grads.has(s));
      if (present.some(Boolean)) {
        const variables = this.fused.map((s, i) => (present[i] ? variableNamed(s.name) : undefined));
        const gradient = flatConcat(this.fused.map((s) => grads.get(s) ?? tf.zeros([s.size])));
        const value = flatConcat(this.fused.map((s, i) => variables[i] ?? tf.zeros([s.size])));
        const next = step(this.m!, this.v!, gradient, value);
        if (present.every(Boolean)) {
          this.m!.assign(next.m);
          this.v!.assign(next.v);
        } else {
          const mask = tf.tensor1d(this.mask(present), 'bool');
          this.m!.assign(tf.where(mask, next.m, this.m!));
          this.v!.assign(tf.where(mask, next.v, this.v!));
        }
        splitFlat(next.value, this.fused, present).forEach((t, i) => t && variables[i]!.assign(t));
      }
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  /** tfjs's layout; the tensors stay the optimizer's, valid until the next getWeights or dispose. */
  override async getWeights(): Promise<NamedTensor[]> {
    tf.dispose(this.handedOut);
    const iter = await this.saveIterations();
    const all = this.fused.map(() => true);
    const [ms, vs] = this.m ? tf.tidy(() => [splitFlat(this.m!, this.fused, all), splitFlat(this.v!, this.fused, all)] as tf.Tensor[][]) : [[], []];
    this.handedOut = [iter.tensor, ...ms!, ...vs!].map((t) => tf.keep(t));
    const moment = (which: 'm' | 'v', parts: tf.Tensor[]) =>
      this.slots.map((s) => ({ name: `${s.name}/${which}`, tensor: s.own ? s.own[which] : parts[s.fusedIndex]! }));
    return [iter, ...moment('m', ms!), ...moment('v', vs!)];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const moments = await this.extractIterations(weightValues);
    // The products the steps themselves accumulate, not tfjs's pow(beta, t + 1): pow rounds
    // differently in the last bit, and through the bias correction a resumed run then drifts from
    // the uninterrupted one (by up to 1e-3 after 18 steps, measured).
    tf.tidy(() => {
      this.accBeta1.assign(tf.scalar(accumulatedPower(this.beta1, this.iterations_)));
      this.accBeta2.assign(tf.scalar(accumulatedPower(this.beta2, this.iterations_)));
    });
    this.disposeMoments();
    const count = moments.length / 2;
    this.addSlots(moments.slice(0, count).map((w, i) => ({ name: w.name.replace(/\/m$/, ''), shape: w.tensor.shape, m: w.tensor, v: moments[count + i]!.tensor })));
    this.restored = count > 0;
  }

  override dispose(): void {
    this.disposeMoments();
    tf.dispose([this.accBeta1, this.accBeta2, ...this.handedOut]);
    this.handedOut = [];
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  /** Gives every name a slot; new names get zero moments. */
  private bind(names: string[]): void {
    if (this.restored) {
      this.restored = false;
      const positional = names.length === this.slots.length && names.some((n, i) => n !== this.slots[i]!.name);
      if (positional && names.every((n, i) => sameShape(variableNamed(n).shape, this.slots[i]!.shape))) {
        names.forEach((n, i) => (this.slots[i]!.name = n));
        this.slotOf = new Map(this.slots.map((s, i) => [s.name, i]));
      }
    }
    const added = names.filter((n, i) => !this.slotOf.has(n) && names.indexOf(n) === i);
    if (added.length === 0) return;
    this.addSlots(added.map((name) => {
      const v = variableNamed(name);
      // The moments and the cut-back values are float32 vectors.
      if (v.dtype !== 'float32') throw new Error(`FusedAdam: ${name} is ${v.dtype}; only float32 variables are supported`);
      return { name, shape: v.shape };
    }));
  }

  /** Appends slots; the small ones extend the flat moment vectors. */
  private addSlots(specs: SlotSpec[]): void {
    tf.tidy(() => {
      const ms: tf.Tensor[] = [];
      const vs: tf.Tensor[] = [];
      for (const { name, shape, m, v } of specs) {
        const size = shape.reduce((a, b) => a * b, 1);
        const slot: Slot = { name, shape, size, fusedIndex: -1, offset: -1 };
        if (size > this.fuseUpTo) {
          slot.own = { m: (m ?? tf.zeros(shape)).variable(false), v: (v ?? tf.zeros(shape)).variable(false) };
        } else {
          slot.fusedIndex = this.fused.length;
          slot.offset = this.fusedSize;
          this.fused.push(slot);
          this.fusedSize += size;
          ms.push(m ?? tf.zeros([size]));
          vs.push(v ?? tf.zeros([size]));
        }
        this.slotOf.set(name, this.slots.length);
        this.slots.push(slot);
      }
      if (ms.length === 0) return;
      const grow = (old: tf.Variable | undefined, parts: tf.Tensor[]) => {
        const next = flatConcat(old ? [old, ...parts] : parts).variable(false);
        old?.dispose();
        return next;
      };
      this.m = grow(this.m, ms);
      this.v = grow(this.v, vs);
    });
  }

  private disposeMoments(): void {
    tf.dispose([this.m, this.v, ...this.slots.flatMap((s) => (s.own ? [s.own.m, s.own.v] : []))]);
    this.m = this.v = undefined;
    this.slots = [];
    this.slotOf = new Map();
    this.fused = [];
    this.fusedSize = 0;
  }

  private mask(present: boolean[]): Uint8Array {
    const out = new Uint8Array(this.fusedSize);
    this.fused.forEach((s, i) => present[i] && out.fill(1, s.offset, s.offset + s.size));
    return out;
  }
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function variableNamed(name: string): tf.Variable {
  const v = tf.engine().registeredVariables[name];
  if (!v) throw new Error(`FusedAdam: no variable named ${name}`);
  return v;
}

/**
 * Backends whose tensors are plain memory, where a reshape is only new metadata over the same
 * data (their Reshape kernels do no more than this) and reading a whole vector back is cheap.
 */
function memoryResident(): boolean {
  const name = tf.getBackend();
  return name === 'wasm' || name === 'cpu';
}

/** `t` as a vector; on memory-resident backends without a Reshape kernel call (~7 µs each on wasm, half a small add). */
function flat(t: tf.Tensor): tf.Tensor {
  if (t.rank === 1) return t;
  if (!memoryResident()) return tf.reshape(t, [-1]);
  const engine = tf.engine();
  engine.backend.incRef(t.dataId);
  return engine.makeTensorFromTensorInfo({ dataId: t.dataId, shape: [t.size], dtype: t.dtype });
}

function flatConcat(ts: tf.Tensor[]): tf.Tensor {
  return tf.concat(ts.map(flat), 0);
}

/**
 * Cuts a flat vector into the slots' shapes (undefined where `wanted` is false). wasm's split
 * copies the whole input once per piece, so on memory-resident backends the vector is read back
 * once and each piece written as a new tensor: no kernels and two copies in all.
 */
function splitFlat(x: tf.Tensor, slots: Slot[], wanted: boolean[]): (tf.Tensor | undefined)[] {
  if (!memoryResident()) {
    const parts = tf.split(x, slots.map((s) => s.size));
    return parts.map((p, i) => (wanted[i] ? tf.reshape(p, slots[i]!.shape) : undefined));
  }
  const data = x.dataSync() as Float32Array;
  // The cpu backend keeps the array it is given, so it gets a copy, not a view of the shared buffer.
  const copy = tf.getBackend() === 'cpu';
  return slots.map((s, i) => {
    if (!wanted[i]) return undefined;
    const piece = copy ? data.slice(s.offset, s.offset + s.size) : data.subarray(s.offset, s.offset + s.size);
    return tf.tensor(piece, s.shape, 'float32');
  });
}

/**
 * beta^(steps + 1) as `steps` float32 multiplications of beta's float32 value, exactly what the
 * updates' `accBeta = accBeta * beta` accumulates (a product of two float32 values rounded once to
 * float32 is what Math.fround of their double product gives).
 */
export function accumulatedPower(beta: number, steps: number): number {
  const b = Math.fround(beta);
  let acc = b;
  for (let i = 0; i < steps; i++) acc = Math.fround(acc * b);
  return acc;
}
