/** Service identifiers of the core container. Plugins bind under these, never by class. */
export const TOKENS = {
  /** Multi-bound: one entry per component a plugin registers. */
  Registration: Symbol.for('headstart.Registration'),
  Registry: Symbol.for('headstart.Registry'),
  Trainer: Symbol.for('headstart.Trainer'),
  /** Multi-bound: one entry per queued-job kind a plugin registers (see core/queue). */
  JobKind: Symbol.for('headstart.JobKind'),
  /** The job kinds a worker may run, built from every JobKind entry. */
  JobKinds: Symbol.for('headstart.JobKinds'),
} as const;
