import { ContainerModule, injectable, type Newable } from 'inversify';
import type { Backbone, Baseline, ComponentKind, DataAdapter, Evaluator, Head, JobKind, JobRegistration, Pretrainer, Registration } from './interfaces/index.js';
import { TOKENS } from './tokens.js';
import { componentId } from './registry.js';
import { UsageError } from './errors.js';

/** The name each definePlugin module was given (registrations are owned by it). */
const PLUGIN_NAMES = new WeakMap<ContainerModule, string>();

/** The name a module was declared with by definePlugin (undefined for other modules). */
export function pluginNameOf(module: ContainerModule): string | undefined {
  return PLUGIN_NAMES.get(module);
}

/**
 * What a plugin's register function receives: one method per component kind, each typed by its
 * contract (any input type). A component declares its id once, on itself (`readonly id`; a
 * pretrainer: `backboneId`), so `r.head(MyHead)` is the whole registration; `r.head(id, MyHead)`
 * also works, and the Registry refuses an id the component does not call itself.
 */
export interface PluginRegistrar {
  backbone(cls: Newable<Backbone<any>>): void;
  backbone(id: string, cls: Newable<Backbone<any>>): void;
  head(cls: Newable<Head<any>>): void;
  head(id: string, cls: Newable<Head<any>>): void;
  evaluator(cls: Newable<Evaluator<any>>): void;
  evaluator(id: string, cls: Newable<Evaluator<any>>): void;
  adapter(cls: Newable<DataAdapter<any, any>>): void;
  adapter(id: string, cls: Newable<DataAdapter<any, any>>): void;
  baseline(cls: Newable<Baseline>): void;
  baseline(id: string, cls: Newable<Baseline>): void;
  pretrainer(cls: Newable<Pretrainer<any>>): void;
  pretrainer(id: string, cls: Newable<Pretrainer<any>>): void;
  /** A plugin-level service (e.g. a task's use cases) resolved by its token. */
  service(token: symbol, cls: Newable<unknown>): void;
  /** A kind of queued job `headstart worker` may run (see core/queue). */
  job(id: string, cls: Newable<JobKind>): void;
}

/**
 * Declares a plugin as an inversify ContainerModule. Each component class is bound as a singleton
 * and announced under TOKENS.Registration with its id and owner, so the core Registry can find it
 * and report collisions. Built-in and third-party plugins use exactly this.
 */
export function definePlugin(name: string, register: (r: PluginRegistrar) => void): ContainerModule {
  const module = new ContainerModule(({ bind }) => {
    const add = (kind: ComponentKind) => (idOrClass: string | Newable<unknown>, given?: Newable<unknown>) => {
      const cls = typeof idOrClass === 'string' ? given! : idOrClass;
      const id = typeof idOrClass === 'string' ? idOrClass : undefined;
      // A fresh symbol per registration: a plugin loaded twice then reaches the Registry's duplicate-id error.
      const token = Symbol(`headstart.${kind}.${name}.${id ?? cls.name}`);
      bind(token).to(cls).inSingletonScope();
      bind<Registration>(TOKENS.Registration).toResolvedValue((component: unknown) => {
        const own = id ?? componentId(kind, component);
        if (own === undefined) throw new UsageError(`plugin "${name}" registers a ${kind} (${cls.name}) that declares no id; give the class a readonly id${kind === 'pretrainer' ? ' (a pretrainer: backboneId)' : ''} or register it as r.${kind}(id, ${cls.name})`, 'no-id');
        return { kind, id: own, owner: name, component };
      }, [token]);
    };
    register({
      backbone: add('backbone'),
      head: add('head'),
      evaluator: add('evaluator'),
      adapter: add('adapter'),
      baseline: add('baseline'),
      pretrainer: add('pretrainer'),
      service: (token, cls) => bind(token).to(cls).inSingletonScope(),
      // Job kinds sit outside the Registry: they use plugin services, which themselves need the Registry.
      job: (id, cls) => {
        const token = Symbol(`headstart.job.${name}.${id}`);
        bind(token).to(cls).inSingletonScope();
        bind<JobRegistration>(TOKENS.JobKind).toResolvedValue((component: JobKind) => ({ id, owner: name, component }), [token]);
      },
    });
  });
  PLUGIN_NAMES.set(module, name);
  return module;
}

/** Names a class generated from a spec after the spec's id ("sasrec-s" -> SasrecSBackbone), for stack traces and logs. */
export function classNamed<T extends object>(cls: T, id: string, suffix: string): T {
  const name = id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') + suffix;
  return Object.defineProperty(cls, 'name', { value: name });
}

/**
 * The class a spec generates for one role (its backbone, its pretrainer): made once by `make`,
 * injectable, named after the spec's id, and the same class on every call, so the class a plugin
 * registers is the one its module exports.
 */
export function specClass<S extends { id: string }, C extends abstract new () => object>(cache: WeakMap<S, C>, spec: S, suffix: string, make: () => C): C {
  let cls = cache.get(spec);
  if (!cls) {
    cls = classNamed(make(), spec.id, suffix);
    injectable()(cls);
    cache.set(spec, cls);
  }
  return cls;
}
