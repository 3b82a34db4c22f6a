import { UsageError, HeadstartError } from '../core/errors.js';
import { asSystemError } from '../core/io/system-errors.js';
import { Command, Errors, Flags, type Interfaces } from '@oclif/core';
import type { Container, ContainerModule } from 'inversify';
import { createContainer, registryOf } from '../core/container.js';
import { useBackend, parseBackend, type BackendChoice } from '../core/backend.js';
import type { Registry } from '../core/registry.js';
import { builtinPlugins } from '../plugins/index.js';
import { ProgressBar } from './progress.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof HeadstartCommand)['baseFlags'] & T['flags']>;

/** Event fired at start so installed oclif plugins can add their container modules. */
export const REGISTER_HOOK = 'headstart:register';
export interface RegisterHookOptions {
  register(module: ContainerModule, name?: string): void;
}

/**
 * Shared behaviour of every command: --json, --backend, one container built from the built-in and the
 * installed plugins, and HeadstartErrors shown as one line with a non-zero exit.
 */
export abstract class HeadstartCommand extends Command {
  static override enableJsonFlag = true;
  static override baseFlags = {
    backend: Flags.string({ description: 'tfjs backend: auto (tfjs-node-gpu, tfjs-node, wasm, cpu, first available), tensorflow-gpu, tensorflow, wasm, cpu', default: 'auto', helpGroup: 'GLOBAL' }),
  };

  protected container!: Container;
  protected registry!: Registry;
  protected backend!: BackendChoice;

  /** Builds the container: the built-in plugins, `extra` modules the command needs, then installed plugins. */
  protected async setup(backend: string, extra: ContainerModule[] = []): Promise<void> {
    this.backend = await useBackend(parseBackend(backend));
    const modules: ContainerModule[] = [...builtinPlugins, ...extra];
    const hooks = await this.config.runHook(REGISTER_HOOK, { register: (m: ContainerModule) => modules.push(m) } satisfies RegisterHookOptions);
    // oclif keeps a failing hook to its debug log; a user must learn which plugin is missing and why.
    for (const { plugin, error } of hooks.failures) {
      const reason = String((error as Error)?.message ?? error).split('\n')[0];
      // Straight to stderr: oclif's logToStderr is silent under --json, and stdout must stay JSON.
      process.stderr.write(`warning: plugin "${plugin.name}" failed to load and is skipped (${reason}); fix it, or remove it with \`headstart plugins uninstall ${plugin.name}\`\n`);
    }
    this.container = createContainer(modules);
    this.registry = registryOf(this.container);
  }

  /** `task` when a loaded plugin serves it (tasks are the plugins' to declare, not the CLI's); a usage error naming the served ones otherwise. */
  protected servedTask(task: string | undefined): string | undefined {
    if (task === undefined) return undefined;
    // Only when asked: listing the tasks describes every backbone (which builds its network once).
    const served = this.registry.tasks();
    if (!served.includes(task)) throw new UsageError(`--task ${task}: no installed plugin serves it; installed tasks: ${served.join(', ')}`, 'unknown-task');
    return task;
  }

  /** The one way commands print what a user should know but need not act on: `notice: …` lines on stderr (stdout stays the result). */
  protected notices(lines: Iterable<string>): void {
    for (const line of lines) this.logToStderr(`notice: ${line}`);
  }

  /** The one way commands print what may make a result worse than it looks: `warning: …` lines on stderr. */
  protected warnings(lines: Iterable<string>): void {
    for (const line of lines) this.logToStderr(`warning: ${line}`);
  }

  protected progress(label: string): ProgressBar {
    // On a terminal --json keeps the screen for the result; on a pipe stderr gets plain progress lines either way.
    return new ProgressBar(label, !(process.stderr.isTTY && this.jsonEnabled()));
  }

  /** Human output only; --json prints the command's return value instead. */
  protected say(message = ''): void {
    if (!this.jsonEnabled()) this.log(message);
  }

  protected override async catch(raw: Error & { exitCode?: number }): Promise<unknown> {
    const err = asSystemError(raw) as Error & { exitCode?: number };
    if (err instanceof HeadstartError) {
      if (this.jsonEnabled()) {
        this.logJson({ error: { code: err.code, message: err.message } });
        this.exit(1);
      }
      this.logToStderr(`Error: ${err.message}`);
      this.exit(1);
    }
    if (this.jsonEnabled() && !(err instanceof Errors.ExitError)) {
      // oclif's own errors (unknown flag, bad option) would print their whole parse context as JSON.
      const exit = (err as { oclif?: { exit?: number } }).oclif?.exit ?? 1;
      this.logJson({ error: { code: exit === 2 ? 'usage' : 'internal', message: err.message.split('\n')[0] } });
      this.exit(exit);
    }
    return super.catch(err);
  }
}
