import type { Backbone, BackboneInfo, ComponentKind, Head, Registration, TaskKind } from './interfaces/index.js';
import { UsageError } from './errors.js';

/** The id a component calls itself (a pretrainer: the backbone it pretrains), when it says. */
export function componentId(kind: ComponentKind, component: unknown): string | undefined {
  const c = component as { id?: unknown; backboneId?: unknown };
  const own = kind === 'pretrainer' ? c.backboneId : c.id;
  return typeof own === 'string' ? own : undefined;
}

/**
 * All components every loaded plugin registered, by kind and id. A second component under the same
 * kind and id is an error naming both owners (like arquero's addFunction without `override`).
 */
export class Registry {
  private readonly byKind = new Map<ComponentKind, Map<string, Registration>>();

  constructor(registrations: Registration[]) {
    for (const r of registrations) {
      const table = this.byKind.get(r.kind) ?? new Map<string, Registration>();
      const prior = table.get(r.id);
      if (prior) {
        throw new UsageError(`duplicate ${r.kind} id "${r.id}": registered by plugin "${prior.owner}" and by plugin "${r.owner}"; rename one of them`, 'duplicate-id');
      }
      const own = componentId(r.kind, r.component);
      if (own !== undefined && own !== r.id) {
        throw new UsageError(`plugin "${r.owner}" registers a ${r.kind} as "${r.id}" but the ${r.kind} calls itself "${own}"; register it under its own id`, 'id-mismatch');
      }
      table.set(r.id, r);
      this.byKind.set(r.kind, table);
    }
  }

  /** The component of `kind` registered as `id`; a UsageError listing the known ids otherwise. */
  get<T>(kind: ComponentKind, id: string): T {
    const r = this.byKind.get(kind)?.get(id);
    if (!r) {
      const known = this.ids(kind);
      throw new UsageError(`unknown ${kind} "${id}"; installed: ${known.length ? known.join(', ') : 'none'} (see \`headstart ${kind === 'backbone' ? 'backbones' : 'plugins'}\`)`, `unknown-${kind}`);
    }
    return r.component as T;
  }

  /** The backbone registered as `id`, which must serve `task`; a UsageError saying which task it serves otherwise. */
  backboneFor<TInput, TInfo extends BackboneInfo = BackboneInfo>(task: TaskKind, id: string): Backbone<TInput, TInfo> {
    const b = this.get<Backbone<TInput, TInfo>>('backbone', id);
    const own = b.describe().task;
    if (own !== task) throw new UsageError(`backbone "${id}" is a ${own} backbone; choose a ${task} backbone (see \`headstart backbones\`)`);
    return b;
  }

  /** A registered head of `task`: another task's head is a usage error naming the heads that fit. */
  headFor<TInput>(task: TaskKind, id: string): Head<TInput> {
    const h = this.get<Head<TInput>>('head', id);
    if (h.task !== task) {
      const fit = this.all<Head<unknown>>('head').filter((r) => r.component.task === task).map((r) => r.id);
      throw new UsageError(`head "${id}" is a ${h.task} head; choose a ${task} head: ${fit.join(', ')} (see \`headstart heads\`)`, 'wrong-task');
    }
    return h;
  }

  /** The tasks the registered components serve (declared by the plugins, not by core), sorted. */
  tasks(): TaskKind[] {
    const tasks = new Set<TaskKind>();
    for (const table of this.byKind.values()) for (const r of table.values()) {
      const task = r.kind === 'backbone' ? (r.component as Backbone<unknown>).describe().task : (r.component as { task?: TaskKind }).task;
      if (task) tasks.add(task);
    }
    return [...tasks].sort();
  }

  has(kind: ComponentKind, id: string): boolean {
    return this.byKind.get(kind)?.has(id) ?? false;
  }

  ids(kind: ComponentKind): string[] {
    return [...(this.byKind.get(kind)?.keys() ?? [])].sort();
  }

  all<T>(kind: ComponentKind): Registration<T>[] {
    return [...(this.byKind.get(kind)?.values() ?? [])].sort((a, b) => a.id.localeCompare(b.id)) as Registration<T>[];
  }
}
