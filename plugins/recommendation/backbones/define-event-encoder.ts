/**
 * An event-encoder backbone is a spec (id, version, config, weights folder) and a network builder;
 * this turns one spec into its backbone and pretrainer classes and registers both under the spec's
 * id, so adding an encoder is one spec file, one network file and one `registerEventEncoder` line.
 */
import { injectable } from 'inversify';
import { classNamed, type PluginRegistrar } from '../../../core/plugin.js';
import { EventEncoderPretrainer } from '../pretraining/pretrain-next-item.js';
import { EventEncoderBackbone, type EventEncoderConfig, type EventEncoderSpec } from './event-encoder.js';

export type EventEncoderBackboneClass = typeof EventEncoderBackbone & (new () => EventEncoderBackbone);
export type EventEncoderPretrainerClass = new () => EventEncoderPretrainer;

/**
 * One class per spec object and base (the class a plugin registers is the one its module exports):
 * `base` subclassed with the spec, injectable, named after the spec's id.
 */
function perSpec<T>(cache: WeakMap<EventEncoderSpec, T>, base: abstract new () => object, spec: EventEncoderSpec, suffix: string): T {
  let cls = cache.get(spec);
  if (!cls) {
    @injectable()
    class Specific extends base {
      protected readonly spec = spec;
    }
    cls = classNamed(Specific, spec.id, suffix) as unknown as T;
    cache.set(spec, cls);
  }
  return cls;
}

const backbones = new WeakMap<EventEncoderSpec, EventEncoderBackboneClass>();
const pretrainers = new WeakMap<EventEncoderSpec, EventEncoderPretrainerClass>();

/** The backbone class of `spec` (the same class on every call). */
export function eventEncoderBackbone<C extends EventEncoderConfig>(spec: EventEncoderSpec<C>): EventEncoderBackboneClass {
  return perSpec(backbones, EventEncoderBackbone, spec as unknown as EventEncoderSpec, 'Backbone');
}

/** The pretrainer class of `spec`: the shared next-item pretraining loop over its network. */
export function eventEncoderPretrainer<C extends EventEncoderConfig>(spec: EventEncoderSpec<C>): EventEncoderPretrainerClass {
  return perSpec(pretrainers, EventEncoderPretrainer, spec as unknown as EventEncoderSpec, 'Pretrainer');
}

/** Registers the backbone and the pretrainer of `spec` under its id. */
export function registerEventEncoder<C extends EventEncoderConfig>(r: PluginRegistrar, spec: EventEncoderSpec<C>): void {
  r.backbone(spec.id, eventEncoderBackbone(spec));
  r.pretrainer(spec.id, eventEncoderPretrainer(spec));
}
