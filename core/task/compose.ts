import type { Backbone, BackboneModel, Head, HeadConfig, HeadModel, Strategy } from '../interfaces/index.js';
import { TaskModel } from './task-model.js';

/**
 * The one way a task model is put together under a strategy: the backbone built pretrained or random,
 * a new head warm-started from the pretrained one when the strategy says so, the pretrained head then
 * released, the backbone frozen unless the strategy trains it. `adapt` runs on the new head while the
 * pretrained one is still there (a task's own warm start, statistics, checks); if it throws, every
 * network built here is released before the error goes on.
 */
export async function composeTaskModel<TInput, THead extends HeadModel<TInput> = HeadModel<TInput>>(
  backbone: Backbone<TInput>,
  head: Head<TInput>,
  config: HeadConfig,
  strategy: Strategy,
  seed: number,
  adapt?: (head: HeadModel<TInput>, built: BackboneModel<TInput>) => THead,
): Promise<TaskModel<TInput> & { head: THead }> {
  const built = await backbone.build({ init: strategy.backboneInit, seed });
  let created: HeadModel<TInput> | undefined;
  try {
    created = head.create(config, { seed: seed + 1, warmStart: strategy.warmStartHead ? built.pretrainedHead : undefined });
    const adapted = adapt ? adapt(created, built) : (created as THead);
    built.pretrainedHead?.network.dispose();
    built.network.trainable = strategy.trainBackbone;
    return new TaskModel(built, adapted) as TaskModel<TInput> & { head: THead };
  } catch (e) {
    for (const net of [built.network, built.pretrainedHead?.network, created?.network]) net?.dispose();
    throw e;
  }
}
