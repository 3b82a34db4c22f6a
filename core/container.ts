import 'reflect-metadata';
import { Container, ContainerModule } from 'inversify';
import type { JobRegistration, Registration } from './interfaces/index.js';
import { JobKinds } from './queue/job-kinds.js';
import { Registry } from './registry.js';
import { TOKENS } from './tokens.js';
import { Trainer } from './training/trainer.js';
import { STRATEGIES } from './training/strategies.js';

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
  bind(TOKENS.Strategies).toConstantValue(STRATEGIES);
});

/** One container for the CLI, the benchmarks and API users: core plus the given plugin modules. */
export function createContainer(plugins: ContainerModule[]): Container {
  const container = new Container();
  container.load(coreModule, ...plugins);
  return container;
}

export function registryOf(container: Container): Registry {
  return container.get<Registry>(TOKENS.Registry);
}
