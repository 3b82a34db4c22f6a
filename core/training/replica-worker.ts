/**
 * One data-parallel pretraining replica (a worker thread started by runReplicas): builds its own
 * backend and container, runs the pretrainer as rank `rank` of `world`, and reports progress (rank
 * 0 only), its summary, or its error to the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ContainerModule } from 'inversify';
import { parseBackend, useBackend } from '../backend.js';
import { createContainer, registryOf } from '../container.js';
import { HeadstartError } from '../errors.js';
import type { Pretrainer, PretrainRunOptions } from '../interfaces/index.js';
import { abortExchange } from './replica-exchange.js';
import type { ReplicaMessage, ReplicaWorkerData } from './replicas.js';

const d = workerData as ReplicaWorkerData;
const post = (m: ReplicaMessage) => parentPort!.postMessage(m);

try {
  await useBackend(parseBackend(d.backend));
  // The plugin modules come by URL from the caller, so the core imports no plugin.
  const { builtinPlugins } = (await import(d.pluginsModule)) as { builtinPlugins: ContainerModule[] };
  const pretrainer = registryOf(createContainer(builtinPlugins)).get<Pretrainer<PretrainRunOptions>>('pretrainer', d.backboneId);
  const summary = await pretrainer.run({
    ...(d.options as unknown as PretrainRunOptions & { out: string; command: string }),
    replica: { rank: d.rank, world: d.world, shared: d.shared },
    onProgress: d.rank === 0 ? (progress) => post({ type: 'progress', progress }) : undefined,
  });
  post({ type: 'done', summary });
} catch (raw) {
  const err = raw as Error;
  post({ type: 'error', name: err?.name ?? 'Error', message: String(err?.message ?? err), code: err instanceof HeadstartError ? err.code : undefined, stack: err?.stack });
  // Then wake the other replicas, so they stop instead of waiting for this one.
  abortExchange(d.shared);
}
