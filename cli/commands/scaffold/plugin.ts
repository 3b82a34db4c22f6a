import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { HeadstartCommand } from '../../base-command.js';
import { UsageError } from '../../../core/errors.js';
import { writeDirAtomic } from '../../../core/io/atomic.js';
import { readFileSync } from 'node:fs';
import { packageRoot } from '../../../core/io/package-root.js';
import { pluginNameProblem, pluginTemplate, templateIds } from '../../../plugins/forecasting/index.js';
import { forceFlag } from '../../flags/output.js';

export default class ScaffoldPlugin extends HeadstartCommand {
  static override summary = 'Create a working plugin package: a small forecasting backbone with its pretrainer, a head, their registration and a contract test';
  static override examples = ['<%= config.bin %> scaffold plugin headstart-plugin-tiny', '<%= config.bin %> scaffold plugin my-plugin --out plugins-src/my-plugin'];
  static override args = {
    name: Args.string({ description: 'npm package name of the plugin (e.g. headstart-plugin-tiny)', required: true }),
  };
  static override flags = {
    out: Flags.string({ description: 'folder to create (default: ./<name>)' }),
    ...forceFlag,
  };

  async run() {
    const { args, flags } = await this.parse(ScaffoldPlugin);
    const problem = pluginNameProblem(args.name);
    if (problem) throw new UsageError(`plugin name '${args.name}': ${problem}`, 'bad-name');
    const out = resolve(flags.out ?? args.name.replace(/^@[^/]+\//, ''));
    const own = JSON.parse(readFileSync(join(packageRoot(import.meta.url), 'package.json'), 'utf8')) as { version: string; devDependencies?: Record<string, string> };
    const files = pluginTemplate({ name: args.name, headstartVersion: `^${own.version}`, vitestVersion: own.devDependencies?.vitest ?? '^4' });
    // The folder appears whole or not at all; an existing folder of the user's is refused unless --force.
    await writeDirAtomic(out, async (tmp) => {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(tmp, path)), { recursive: true });
        await writeFile(join(tmp, path), content);
      }
    }, { force: flags.force });
    const ids = templateIds(args.name);
    this.say(`created ${out}: backbone ${ids.backbone}, head ${ids.head}`);
    this.say(`next: cd ${out} && npm install && npm test && npx headstart plugins link . --no-install`);
    return { out, files: Object.keys(files).sort(), ...ids };
  }
}
