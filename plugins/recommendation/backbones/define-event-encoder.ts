/**
 * An event-encoder backbone is a spec (id, version, config, weights folder) and a network builder;
 * this turns one spec into its backbone and pretrainer classes and registers both under the spec's
 * id, so adding an encoder is one spec file, one network file and one `registerEventEncoder` line.
 */
import { injectable } from 'inversify';
import type { PluginRegistrar } from '../../../core/plugin.js';
import { EventEncoderPretrainer } from '../pretraining/pretrain-next-item.js';
import { EventEncoderBackbone, type EventEncoderConfig, type EventEncoderSpec } from './event-encoder.js';

export type EventEncoderBackboneClass = typeof EventEncoderBackbone & (new () => EventEncoderBackbone);
export type EventEncoderPretrainerClass = new () => EventEncoderPretrainer;

/** One class per spec object: the class a plugin registers is the one its module exports. */
const backbones = new WeakMap<EventEncoderSpec, EventEncoderBackboneClass>();
const pretrainers = new WeakMap<EventEncoderSpec, EventEncoderPretrainerClass>();

/** Names a generated class after its id ("sasrec-s" -> SasrecSBackbone), for stack traces and logs. */
function named<T extends object>(cls: T, id: string, suffix: string): T {
  const name = id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') + suffix;
  return Object.defineProperty(cls, 'name', { value: name });
}

/** The backbone class of `spec` (the same class on every call). */
export function eventEncoderBackbone<C extends EventEncoderConfig>(spec: EventEncoderSpec<C>): EventEncoderBackboneClass {
  const key = spec as unknown as EventEncoderSpec;
  let cls = backbones.get(key);
  if (!cls) {
    @injectable()
    class SpecBackbone extends EventEncoderBackbone {
      protected readonly spec = key;
    }
    cls = named(SpecBackbone, spec.id, 'Backbone');
    backbones.set(key, cls);
  }
  return cls;
}

/** The pretrainer class of `spec`: the shared next-item pretraining loop over its network. */
export function eventEncoderPretrainer<C extends EventEncoderConfig>(spec: EventEncoderSpec<C>): EventEncoderPretrainerClass {
  const key = spec as unknown as EventEncoderSpec;
  let cls = pretrainers.get(key);
  if (!cls) {
    @injectable()
    class SpecPretrainer extends EventEncoderPretrainer {
      protected readonly spec = key;
    }
    cls = named(SpecPretrainer, spec.id, 'Pretrainer');
    pretrainers.set(key, cls);
  }
  return cls;
}

/** Registers the backbone and the pretrainer of `spec` under its id. */
export function registerEventEncoder<C extends EventEncoderConfig>(r: PluginRegistrar, spec: EventEncoderSpec<C>): void {
  r.backbone(spec.id, eventEncoderBackbone(spec));
  r.pretrainer(spec.id, eventEncoderPretrainer(spec));
}
