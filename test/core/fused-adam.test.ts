import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { seededValues } from '../helpers/fixtures.js';
import { useBackend } from '../../core/backend.js';
import { FUSE_UP_TO, FusedAdam, createAdam } from '../../core/training/fused-adam.js';

/** Shapes of rank 0 to 3, so the flattening and cutting back is exercised on each. */
const SHAPES = [[3, 4], [4], [2, 3, 2], [], [5, 1]];
let made = 0;

/** The same start values under fresh names (as a second model would get). */
function makeVariables(): tf.Variable[] {
  made++;
  return SHAPES.map((shape, i) => tf.variable(tf.tensor(seededValues(10 + i, shape.reduce((a, b) => a * b, 1)), shape), true, `fa${made}_w${i}`));
}

/** Gradients of step `step`; scales vary over decades so rounding differences would show. */
function gradients(vars: tf.Variable[], step: number, skip: number[] = []): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  vars.forEach((v, i) => {
    if (!skip.includes(i)) out[v.name] = tf.tensor(seededValues(100 * step + i, v.size, 10 ** (i - 2)), v.shape);
  });
  return out;
}

async function values(vars: tf.Variable[]): Promise<Float32Array[]> {
  return Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
}

async function expectSame(a: tf.Variable[], b: tf.Variable[]): Promise<void> {
  const [x, y] = [await values(a), await values(b)];
  x.forEach((arr, i) => expect(Array.from(y[i]!), `variable ${i}`).toEqual(Array.from(arr)));
}

/** One step on both: the same gradients (renamed for the second set), the same learning rate. */
function stepBoth(plain: tf.Optimizer, fused: tf.Optimizer, a: tf.Variable[], b: tf.Variable[], step: number, skip: number[] = []): void {
  tf.tidy(() => {
    const ga = gradients(a, step, skip);
    const gb: tf.NamedTensorMap = {};
    b.forEach((v, i) => {
      if (!skip.includes(i)) gb[v.name] = ga[a[i]!.name]!;
    });
    // tf.train.adam pairs moments with gradients by position, so it is given nulls for the
    // skipped variables; FusedAdam gets a map without them, as tf.variableGrads returns.
    const withNulls: Record<string, tf.Tensor | null> = {};
    a.forEach((v, i) => (withNulls[v.name] = ga[v.name] ?? null));
    plain.applyGradients(withNulls as tf.NamedTensorMap);
    fused.applyGradients(gb);
  });
}

const setLr = (opt: tf.Optimizer, lr: number) => ((opt as unknown as { learningRate: number }).learningRate = lr);

/**
 * The cpu kernels under a name FusedAdam does not know, so it takes the path it takes on webgl or
 * tfjs-node (tf.reshape and tf.split instead of metadata views and one read-back).
 */
function registerOtherBackend(): void {
  if (tf.findBackend('fused-adam-other')) return;
  tf.registerBackend('fused-adam-other', tf.findBackendFactory('cpu')!, 0);
  for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'fused-adam-other' });
}

// fuseUpTo 6: the 12-element variables keep moments of their own, the rest share the flat vectors.
const CASES = [['wasm', FUSE_UP_TO], ['wasm', 6], ['cpu', FUSE_UP_TO], ['cpu', 6], ['fused-adam-other', FUSE_UP_TO]] as const;
for (const [backend, fuseUpTo] of CASES) {
  describe(`FusedAdam on ${backend}, fusing variables up to ${fuseUpTo} elements`, () => {
    const live: (tf.Variable | tf.Optimizer)[] = [];
    beforeAll(async () => {
      if (backend === 'wasm') await useBackend('wasm');
      else {
        if (backend !== 'cpu') registerOtherBackend();
        await tf.setBackend(backend);
      }
      expect(tf.getBackend()).toBe(backend);
    });
    afterEach(() => {
      live.forEach((x) => x.dispose());
      live.length = 0;
    });
    const newFused = () => new FusedAdam(1e-2, undefined, undefined, undefined, fuseUpTo);
    const setup = () => {
      const a = makeVariables();
      const b = makeVariables();
      const plain = tf.train.adam(1e-2);
      const fused = newFused();
      live.push(...a, ...b, plain, fused);
      return { a, b, plain, fused };
    };

    it('gives bit-identical weights to tf.train.adam over steps with a changing learning rate', async () => {
      const { a, b, plain, fused } = setup();
      for (let step = 0; step < 6; step++) {
        [plain, fused].forEach((o) => setLr(o, 1e-2 * (1 + step) ** -0.5));
        stepBoth(plain, fused, a, b, step);
      }
      await expectSame(a, b);
    });

    it('skips variables without a gradient in a step as tf.train.adam skips null gradients', async () => {
      const { a, b, plain, fused } = setup();
      stepBoth(plain, fused, a, b, 0);
      stepBoth(plain, fused, a, b, 1, [1, 3]);
      const frozen = await values(b);
      stepBoth(plain, fused, a, b, 2, [0, 2, 4]);
      const after = await values(b);
      for (const i of [0, 2, 4]) expect(Array.from(after[i]!)).toEqual(Array.from(frozen[i]!));
      stepBoth(plain, fused, a, b, 3);
      await expectSame(a, b);
      // The skipped steps left the moments where tfjs left them.
      const [pw, fw] = [await plain.getWeights(), await fused.getWeights()];
      expect(fw.map((w) => w.tensor.shape)).toEqual(pw.map((w) => w.tensor.shape));
      for (let i = 1; i < pw.length; i++) expect(Array.from(await fw[i]!.tensor.data())).toEqual(Array.from(await pw[i]!.tensor.data()));
    });

    it('matches a real tf.variableGrads loop, first step included, and applies a NamedTensor list', async () => {
      const { a, b, plain, fused } = setup();
      const loss = (vs: tf.Variable[]) => () =>
        tf.tidy(() => {
          const x = tf.tensor2d(seededValues(7, 8 * 3, 2), [8, 3]);
          const h = tf.tanh(tf.add(tf.matMul(x, vs[0]!), vs[1]!));
          const r = tf.sum(tf.mul(vs[2]!, vs[3]!));
          return tf.add(tf.mean(tf.square(h)), tf.add(r, tf.sum(tf.abs(vs[4]!)))) as tf.Scalar;
        });
      for (let step = 0; step < 4; step++) {
        tf.tidy(() => {
          plain.applyGradients(tf.variableGrads(loss(a), a).grads);
          const g = tf.variableGrads(loss(b), b).grads;
          fused.applyGradients(Object.entries(g).map(([name, tensor]) => ({ name, tensor })));
        });
      }
      await expectSame(a, b);
    });

    it('leaks no tensor per step, skipped steps and getWeights included', async () => {
      const { a, b, plain, fused } = setup();
      stepBoth(plain, fused, a, b, 0);
      await fused.getWeights();
      const before = tf.memory().numTensors;
      for (let step = 1; step < 5; step++) stepBoth(plain, fused, a, b, step, step === 3 ? [2] : []);
      await fused.getWeights();
      expect(tf.memory().numTensors).toBe(before);
    });

    it('saves tfjs’s format and resumes from either optimizer’s checkpoint into fresh variables', async () => {
      const { a, b, plain, fused } = setup();
      for (let step = 0; step < 3; step++) stepBoth(plain, fused, a, b, step);
      const [pw, fw] = [await plain.getWeights(), await fused.getWeights()];
      expect(fw.map((w) => w.name)).toEqual(['iter', ...b.map((v) => `${v.name}/m`), ...b.map((v) => `${v.name}/v`)]);
      expect(pw.map((w) => w.name.replace(/^fa\d+_/, ''))).toEqual(fw.map((w) => w.name.replace(/^fa\d+_/, '')));
      // What pretrain-resume keeps: float32 copies, read back as new tensors.
      const copy = async (ws: typeof pw) => Promise.all(ws.map(async (w) => ({ name: w.name, tensor: tf.tensor(Float32Array.from(await w.tensor.data()), w.tensor.shape) })));
      const [savedPlain, savedFused] = [await copy(pw), await copy(fw)];
      // A resumed process: new variables (new names) with the live values, new optimizers, each
      // kind resuming from the other kind's checkpoint and FusedAdam also from its own.
      const [c1, c2, d, e] = [makeVariables(), makeVariables(), makeVariables(), makeVariables()];
      [c1, c2, d, e].forEach((vs) => vs.forEach((v, i) => v.assign(b[i]!)));
      const [plainFromFused, plainFromPlain] = [tf.train.adam(1e-2), tf.train.adam(1e-2)];
      const [fusedFromPlain, fusedFromFused] = [newFused(), newFused()];
      live.push(...c1, ...c2, ...d, ...e, plainFromFused, plainFromPlain, fusedFromPlain, fusedFromFused);
      await plainFromFused.setWeights(savedFused);
      await plainFromPlain.setWeights(savedPlain);
      await fusedFromPlain.setWeights(savedPlain);
      await fusedFromFused.setWeights(savedFused);
      tf.dispose([...savedPlain, ...savedFused].map((w) => w.tensor));
      expect(fusedFromFused.iterations).toBe(3);
      for (let step = 3; step < 5; step++) {
        stepBoth(plain, fused, a, b, step);
        stepBoth(plainFromFused, fusedFromPlain, c1, d, step);
        stepBoth(plainFromPlain, fusedFromFused, c2, e, step);
      }
      await expectSame(b, c1);
      await expectSame(b, d);
      await expectSame(b, e);
    });
  });
}

describe('createAdam', () => {
  const saved = process.env.HEADSTART_OPTIMIZER;
  afterEach(() => {
    if (saved === undefined) delete process.env.HEADSTART_OPTIMIZER;
    else process.env.HEADSTART_OPTIMIZER = saved;
  });
  it('builds FusedAdam unless HEADSTART_OPTIMIZER=plain, and rejects other values', () => {
    delete process.env.HEADSTART_OPTIMIZER;
    const fused = createAdam(1e-3);
    // tf.Optimizer answers instanceof by duck typing, so the class name is what tells them apart.
    expect(fused.getClassName()).toBe('FusedAdam');
    process.env.HEADSTART_OPTIMIZER = 'plain';
    const plain = createAdam(1e-3);
    expect(plain.getClassName()).toBe('Adam');
    process.env.HEADSTART_OPTIMIZER = 'sgd';
    expect(() => createAdam(1e-3)).toThrow(/HEADSTART_OPTIMIZER/);
    fused.dispose();
    plain.dispose();
  });
});
