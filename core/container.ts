import 'reflect-metadata';
import { Container, ContainerModule } from 'inversify';
import type { JobRegistration, Registration } from './interfaces/index.js';
import { JobKinds } from './queue/job-kinds.js';
import { Registry } from './registry.js';
import { TOKENS } from './tokens.js';
import { pluginNameOf } from './plugin.js';
import { UsageError } from './errors.js';
import { Trainer } from './training/trainer.js';

/** The core module: the registry (built from every plugin's registrations), the job kinds, trainer and strategies. */
export const coreModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.Registry)
    .toResolvedValue((regs: Registration[] | undefined) => new Registry(regs ?? []), [
      { serviceIdentifier: TOKENS.Registration, isMultiple: true, optional: true },
    ])
    .inSingletonScope();
  bind(TOKENS.JobKinds)
    .toResolvedValue((regs: JobRegistration[] | undefined) => new JobKinds(regs ?? []), [
      { serviceIdentifier: TOKENS.JobKind, isMultiple: true, optional: true },
    ])
    .inSingletonScope();
  bind(TOKENS.Trainer).to(Trainer).inSingletonScope();
});

/** One container for the CLI, the benchmarks and API users: core plus the given plugin modules. */
export function createContainer(plugins: ContainerModule[]): Container {
  // Two plugins of one name would make every collision message blame the wrong one.
  const named = new Map<string, ContainerModule>();
  for (const m of plugins) {
    const name = pluginNameOf(m);
    if (name === undefined) continue;
    const prior = named.get(name);
    if (prior && prior !== m) throw new UsageError(`two plugins are named "${name}"; each plugin needs a name of its own (in use: ${[...named.keys()].join(', ')}) — rename one in its definePlugin call`, 'duplicate-plugin');
    named.set(name, m);
  }
  const container = new Container();
  container.load(coreModule, ...plugins);
  return container;
}

export function registryOf(container: Container): Registry {
  return container.get<Registry>(TOKENS.Registry);
}
