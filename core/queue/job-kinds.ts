import type { JobKind, JobRegistration } from '../interfaces/index.js';
import { UsageError } from '../errors.js';

/**
 * The job kinds every loaded plugin registered, by id: all that a worker will run. A job naming any
 * other kind fails (once, without retry) instead of reaching code the payload chose.
 */
export class JobKinds {
  private readonly byId = new Map<string, JobRegistration>();

  constructor(registrations: JobRegistration[]) {
    for (const r of registrations) {
      const prior = this.byId.get(r.id);
      if (prior) throw new UsageError(`duplicate job kind "${r.id}": registered by plugin "${prior.owner}" and by plugin "${r.owner}"; rename one of them`, 'duplicate-id');
      this.byId.set(r.id, r);
    }
  }

  get(id: string): JobKind {
    const r = this.byId.get(id);
    if (!r) throw new UsageError(`unknown job kind "${id}"; this worker runs: ${this.ids().join(', ') || 'none'} (install the plugin that provides it on every worker)`, 'unknown-job-kind');
    return r.component;
  }

  ids(): string[] {
    return [...this.byId.keys()].sort();
  }
}
