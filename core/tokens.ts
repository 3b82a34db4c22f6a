/** Service identifiers of the core container. Plugins bind under these, never by class. */
export const TOKENS = {
  /** Multi-bound: one entry per component a plugin registers. */
  Registration: Symbol.for('headstart.Registration'),
  Registry: Symbol.for('headstart.Registry'),
  Trainer: Symbol.for('headstart.Trainer'),
  Strategies: Symbol.for('headstart.Strategies'),
} as const;
