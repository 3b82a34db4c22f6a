/**
 * An event-encoder backbone is a spec (id, version, config, weights folder) and a network builder;
 * this turns one spec into its backbone and pretrainer classes and registers both under the spec's
 * id, so adding an encoder is one spec file, one network file and one `registerEventEncoder` line.
 */
import { specClass, type PluginRegistrar } from '../../../core/plugin.js';
import { EventEncoderPretrainer } from '../pretraining/pretrain-next-item.js';
import { EventEncoderBackbone, type EventEncoderConfig, type EventEncoderSpec } from './event-encoder.js';

export type EventEncoderBackboneClass = typeof EventEncoderBackbone & (new () => EventEncoderBackbone);
export type EventEncoderPretrainerClass = new () => EventEncoderPretrainer;

const backbones = new WeakMap<EventEncoderSpec, EventEncoderBackboneClass>();
const pretrainers = new WeakMap<EventEncoderSpec, EventEncoderPretrainerClass>();

/** The backbone class of `spec` (the same class on every call). */
export function eventEncoderBackbone<C extends EventEncoderConfig>(spec: EventEncoderSpec<C>): EventEncoderBackboneClass {
  const s = spec as unknown as EventEncoderSpec;
  return specClass(backbones, s, 'Backbone', () => class extends EventEncoderBackbone {
    protected readonly spec = s;
  } as unknown as EventEncoderBackboneClass);
}

/** The pretrainer class of `spec`: the shared next-item pretraining loop over its network. */
export function eventEncoderPretrainer<C extends EventEncoderConfig>(spec: EventEncoderSpec<C>): EventEncoderPretrainerClass {
  const s = spec as unknown as EventEncoderSpec;
  return specClass(pretrainers, s, 'Pretrainer', () => class extends EventEncoderPretrainer {
    protected readonly spec = s;
  });
}

/** Registers the backbone and the pretrainer of `spec` under its id. */
export function registerEventEncoder<C extends EventEncoderConfig>(r: PluginRegistrar, spec: EventEncoderSpec<C>): void {
  r.backbone(spec.id, eventEncoderBackbone(spec));
  r.pretrainer(spec.id, eventEncoderPretrainer(spec));
}
