import * as tf from '@tensorflow/tfjs';
import { injectable } from 'inversify';
import type { Batch, ExampleSet, Strategy, TrainOptions, TrainResult } from '../interfaces/index.js';
import type { TaskModel } from '../task/task-model.js';
import { Rng } from '../random.js';
import { UsageError } from '../errors.js';
import { encodeAll, cachedRows } from './encoding-cache.js';
import { createAdam } from './fused-adam.js';

type Grads = Parameters<ReturnType<typeof tf.train.adam>['applyGradients']>[0];
type LossFn = (indices: number[], training: boolean) => tf.Scalar;

/**
 * Trains a TaskModel under a strategy: which weights learn and at what rate comes from the strategy
 * object. Early stopping on the validation set restores the best epoch's weights (lowest loss, or the
 * highest score of an EpochSelector). Deterministic for a given seed (shuffling uses a seeded PRNG;
 * initialisers are seeded by the caller).
 */
@injectable()
export class Trainer {
  async fit<T>(model: TaskModel<T>, strategy: Strategy, train: ExampleSet<T>, val: ExampleSet<T>, o: TrainOptions): Promise<TrainResult> {
    const started = performance.now();
    const trainableParameters = strategy.trainHead ? model.trainableParameters(strategy.trainBackbone) : 0;
    const lossOn = this.lossFunctions(model, strategy, train, val);
    const valLoss = () => this.meanLoss(lossOn.val, val.size, o.batchSize);
    const selectedBy = o.selectBy?.name ?? 'val loss';
    // Higher is better: the selector's score, or the negated validation loss.
    const validate = () => {
      const loss = valLoss();
      const score = o.selectBy ? o.selectBy.score() : undefined;
      return { loss, score, rank: score ?? -loss };
    };
    // Time spent in checkpoint callbacks is left out of the training clock.
    let paused = 0;
    const elapsed = () => (performance.now() - started - paused) / 1000;
    const history: TrainResult['history'] = [];
    const checkpoint = async (epoch: number, v: { loss: number; score?: number }, trainLoss?: number) => {
      const c = { epoch, seconds: elapsed(), ...(trainLoss === undefined ? {} : { trainLoss }), valLoss: v.loss, ...(v.score === undefined ? {} : { valScore: v.score }) };
      history.push(c);
      if (!o.onCheckpoint) return;
      const t0 = performance.now();
      await o.onCheckpoint(c);
      paused += performance.now() - t0;
    };
    if (!strategy.trainHead) {
      const v = validate();
      await checkpoint(0, v);
      return { strategy: strategy.name, epochsRun: 0, bestEpoch: 0, bestValLoss: v.loss, selectedBy, bestValScore: v.score, history, seconds: elapsed(), trainableParameters };
    }

    const headVars = model.head.network.trainableWeights.map((w) => w.read() as tf.Variable);
    const backboneVars = strategy.trainBackbone ? model.backbone.network.trainableWeights.map((w) => w.read() as tf.Variable) : [];
    // Three rates, each its own Adam: the head's, its fresh weights' and the backbone's.
    const optimizers = [createAdam(o.learningRate), createAdam(o.learningRate * strategy.freshLrScale), createAdam(o.learningRate * strategy.backboneLrScale)];
    const groupOf = new Map<string, number>();
    for (const v of model.head.freshVariables?.() ?? []) groupOf.set(v.name, 1);
    for (const v of backboneVars) groupOf.set(v.name, 2);
    const allVars = [...headVars, ...backboneVars];

    const rng = new Rng(o.seed);
    const order = Array.from({ length: train.size }, (_, i) => i);
    const steps = Math.min(Math.ceil(train.size / o.batchSize), o.maxStepsPerEpoch ?? Infinity);
    let best = { ...validate(), epoch: 0, weights: allVars.map((v) => tf.keep(v.clone())) };
    await checkpoint(0, best);
    let epoch = 0;
    const deadline = o.maxSeconds !== undefined ? started + o.maxSeconds * 1000 : Infinity;
    // What a progress display needs for an ETA that early stopping and the time budget keep honest.
    const standing = (improvedAt?: number) => ({
      bestEpoch: improvedAt ?? best.epoch,
      patience: o.patience,
      ...(Number.isFinite(deadline) ? { secondsLeft: Math.max(0, (deadline - (performance.now() - paused)) / 1000) } : {}),
    });
    let stoppedByTime = false;
    for (epoch = 1; epoch <= o.epochs; epoch++) {
      rng.shuffle(order);
      let sum = 0;
      let ran = 0;
      for (let s = 0; s < steps; s++) {
        const idx = order.slice(s * o.batchSize, (s + 1) * o.batchSize);
        const l = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => lossOn.train(idx, true), allVars);
          const parts: Record<string, tf.Tensor>[] = optimizers.map(() => ({}));
          for (const [name, g] of Object.entries(grads)) parts[groupOf.get(name) ?? 0]![name] = g;
          optimizers.forEach((opt, i) => Object.keys(parts[i]!).length > 0 && opt.applyGradients(parts[i] as unknown as Grads));
          return value.dataSync()[0]!;
        });
        if (!Number.isFinite(l)) {
          throw new UsageError(`training diverged at epoch ${epoch}, step ${s + 1} (loss ${l}); lower --learning-rate or check the data for extreme values`, 'diverged');
        }
        sum += l;
        ran = s + 1;
        o.onProgress?.({ epoch, epochs: o.epochs, step: s + 1, steps, trainLoss: sum / (s + 1), ...standing() });
        if (s % 8 === 7) await new Promise((r) => setImmediate(r));
        if (performance.now() - paused >= deadline) {
          stoppedByTime = true;
          break;
        }
      }
      const v = validate();
      await checkpoint(epoch, v, sum / ran);
      o.onProgress?.({ epoch, epochs: o.epochs, step: steps, steps, trainLoss: sum / ran, valLoss: v.loss, valScore: v.score, ...standing(v.rank > best.rank + 1e-6 ? epoch : undefined) });
      if (v.rank > best.rank + 1e-6) {
        tf.dispose(best.weights);
        best = { ...v, epoch, weights: allVars.map((x) => tf.keep(x.clone())) };
      } else if (epoch - best.epoch >= o.patience) {
        break;
      }
      if (stoppedByTime) break;
    }
    allVars.forEach((v, i) => v.assign(best.weights[i]!));
    tf.dispose(best.weights);
    optimizers.forEach((opt) => opt.dispose());
    return {
      strategy: strategy.name,
      epochsRun: Math.min(epoch, o.epochs),
      bestEpoch: best.epoch,
      bestValLoss: best.loss,
      selectedBy,
      bestValScore: best.score,
      history,
      seconds: elapsed(),
      trainableParameters,
      ...(stoppedByTime ? { stoppedByTime } : {}),
    };
  }

  /** Loss closures over train and validation sets; with a frozen backbone they read cached encodings. */
  private lossFunctions<T>(model: TaskModel<T>, strategy: Strategy, train: ExampleSet<T>, val: ExampleSet<T>): { train: LossFn; val: LossFn } {
    const direct = (set: ExampleSet<T>): LossFn => (idx, training) => {
      const b: Batch<T> = set.batch(idx);
      return model.head.loss(model.predict(b.input, training), b.target, b.weight);
    };
    if (!(strategy.cacheEncodings && !strategy.trainBackbone)) return { train: direct(train), val: direct(val) };
    const width = model.backbone.info.embeddingSize;
    const cached = (set: ExampleSet<T>, cache: Float32Array): LossFn => (idx, training) => {
      const b = set.batch(idx);
      const pred = model.head.predict({ hidden: cachedRows(cache, width, idx) }, b.input, training);
      return model.head.loss(pred, b.target, b.weight);
    };
    return { train: cached(train, encodeAll(model.backbone, train)), val: cached(val, encodeAll(model.backbone, val)) };
  }

  private meanLoss(loss: LossFn, size: number, batchSize: number): number {
    if (size === 0) return NaN;
    let total = 0;
    for (let start = 0; start < size; start += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, size - start) }, (_, i) => start + i);
      total += tf.tidy(() => loss(idx, false).dataSync()[0]!) * idx.length;
    }
    return total / size;
  }
}
