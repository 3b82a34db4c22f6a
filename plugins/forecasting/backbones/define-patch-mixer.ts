/**
 * A patch-mixer backbone is a spec (id, config, description, weights folder); this turns one spec
 * into its backbone and pretrainer classes and registers both under the spec's id, so a new size is
 * one spec and one `registerPatchMixer` line.
 */
import { specClass, type PluginRegistrar } from '../../../core/plugin.js';
import { PatchMixerPretrainer } from '../pretraining/pretrain-patch-mixer.js';
import { PatchMixerBackbone, type PatchMixerSpec } from './patch-mixer.js';

export type PatchMixerBackboneClass = new () => PatchMixerBackbone;
export type PatchMixerPretrainerClass = new () => PatchMixerPretrainer;

const backbones = new WeakMap<PatchMixerSpec, PatchMixerBackboneClass>();
const pretrainers = new WeakMap<PatchMixerSpec, PatchMixerPretrainerClass>();

/** The backbone class of `spec` (the same class on every call, so the registered one is the exported one). */
export function patchMixerBackbone(spec: PatchMixerSpec): PatchMixerBackboneClass {
  return specClass(backbones, spec, 'Backbone', () => class extends PatchMixerBackbone {
    protected override specOf(): PatchMixerSpec {
      return spec;
    }
  });
}

/** The pretrainer class of `spec`: the shared patch-mixer pretraining over its backbone. */
export function patchMixerPretrainer(spec: PatchMixerSpec): PatchMixerPretrainerClass {
  const Backbone = patchMixerBackbone(spec);
  return specClass(pretrainers, spec, 'Pretrainer', () => class extends PatchMixerPretrainer {
    protected override backbone(): PatchMixerBackbone {
      return new Backbone();
    }
  });
}

/** Registers the backbone and the pretrainer of `spec` under its id. */
export function registerPatchMixer(r: PluginRegistrar, spec: PatchMixerSpec): void {
  r.backbone(spec.id, patchMixerBackbone(spec));
  r.pretrainer(spec.id, patchMixerPretrainer(spec));
}
