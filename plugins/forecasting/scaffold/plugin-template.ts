/**
 * The files of a new third-party forecasting plugin (`headstart scaffold plugin`): a small
 * patch-mixer backbone under its own id with its pretrainer, a head under its own id, their
 * registration, the oclif hook that adds them to the CLI, and a test that runs the exported contract
 * suite. Plain ES modules, so `plugins link` needs no transpiling (and prints no warning about it).
 */

export interface PluginTemplateOptions {
  /** npm package name, e.g. headstart-plugin-tiny. */
  name: string;
  /** headstart version range the plugin is written against. */
  headstartVersion: string;
  /** vitest version its contract test runs under. */
  vitestVersion: string;
}

const NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

/** Valid npm package name (lower case, no spaces), or why not. */
export function pluginNameProblem(name: string): string | undefined {
  if (name.length > 214) return 'longer than 214 characters';
  return NAME.test(name) ? undefined : 'use lower-case letters, digits, ".", "_" and "-" (optionally @scope/name)';
}

/** The ids the plugin registers, derived from its name: headstart-plugin-tiny → tiny-mixer, tiny-linear. */
export function templateIds(name: string): { plugin: string; backbone: string; head: string } {
  const short = name.replace(/^@[^/]+\//, '').replace(/^headstart-plugin-/, '').replace(/[^a-z0-9-]/g, '-') || 'my';
  return { plugin: name, backbone: `${short}-mixer`, head: `${short}-linear` };
}

/** Relative path → file content. */
export function pluginTemplate(o: PluginTemplateOptions): Record<string, string> {
  const ids = templateIds(o.name);
  const pkg = {
    name: o.name,
    version: '0.1.0',
    description: `A headstart plugin: the ${ids.backbone} backbone and the ${ids.head} head`,
    type: 'module',
    main: './plugin.js',
    exports: { '.': './plugin.js' },
    files: ['plugin.js', 'register.js', 'weights'],
    oclif: { hooks: { 'headstart:register': './register.js' } },
    scripts: {
      test: 'vitest run',
      pretrain: `headstart pretrain forecast --backbone ${ids.backbone} --synthetic 20000 --synthetic-ratio 1 --steps 2000 --out weights/${ids.backbone}`,
    },
    peerDependencies: { headstart: o.headstartVersion },
    // Optional: `headstart plugins install` must not fetch a second headstart; the host's resolves it.
    peerDependenciesMeta: { headstart: { optional: true } },
    devDependencies: { headstart: o.headstartVersion, vitest: o.vitestVersion },
  };
  return {
    'package.json': JSON.stringify(pkg, null, 2) + '\n',
    'plugin.js': `import { fileURLToPath } from 'node:url';
import { definePlugin, LinearForecastHead, PatchMixerBackbone, PatchMixerPretrainer } from 'headstart/plugin';

/** A small patch mixer: 8 patches of 8 steps, width 32, 2 blocks. Its weights live in ./weights/${ids.backbone}/. */
export class Backbone extends PatchMixerBackbone {
  specOf() {
    return {
      id: '${ids.backbone}',
      config: { contextLength: 64, patchLength: 8, width: 32, blocks: 2, tokenHidden: 16, channelHidden: 64, maxHorizon: 32 },
      description: 'A small patch mixer (8 patches of 8 steps, width 32, 2 blocks)',
      weightsDir: fileURLToPath(new URL('./weights/${ids.backbone}', import.meta.url)),
    };
  }
}

/** Pretrains Backbone: the built-in loop, manifest and checkpoints, under this plugin's id. */
export class Pretrainer extends PatchMixerPretrainer {
  backbone() {
    return new Backbone();
  }
}

/** A head of its own: here the built-in linear head under this plugin's id; change create() to change the head. */
export class Head extends LinearForecastHead {
  id = '${ids.head}';
  description = 'Seasonal-naive anchor + a linear map from the encoding to the horizon (${o.name})';
}

export default definePlugin('${o.name}', (r) => {
  r.backbone('${ids.backbone}', Backbone);
  r.pretrainer('${ids.backbone}', Pretrainer);
  r.head('${ids.head}', Head);
});
`,
    'register.js': `import plugin from './plugin.js';

/** headstart's CLI calls this hook at start-up: the plugin's components join the built-in ones. */
export default async function ({ register }) {
  register(plugin, '${o.name}');
}
`,
    'test/contracts.test.js': `import { builtinPlugins } from 'headstart';
import { componentContracts } from 'headstart/testing';
import plugin from '../plugin.js';

// The checks every built-in component passes, over this plugin's components only.
componentContracts([...builtinPlugins, plugin], { owners: ['${o.name}'] });
`,
    // The package lists weights/ among its files: it must exist before the first pretraining, or
    // \`headstart plugins install\` warns that files are missing.
    'weights/README.md': `Pretrained weights of ${ids.backbone} go here: \`npm run pretrain\` writes weights/${ids.backbone}/.\n`,
    'README.md': `# ${o.name}

A [headstart](https://www.npmjs.com/package/headstart) plugin: the \`${ids.backbone}\` backbone (a
small patch mixer) with its pretrainer, and the \`${ids.head}\` head.

\`\`\`sh
npm install                                   # headstart and vitest
npm test                                      # the contract suite over this plugin's components
npx headstart plugins link . --no-install     # the CLI now lists ${ids.backbone} and ${ids.head}
npm run pretrain                              # real weights into weights/${ids.backbone}/ (a manifest records how)
npx headstart transfer forecast --data sales.csv --backbone ${ids.backbone} --head ${ids.head} --horizon 12 --out model/
npx headstart evaluate --model model/ --data sales.csv
\`\`\`

Edit \`plugin.js\`: \`Backbone.specOf()\` sets the architecture, \`Head\` the task layer.
`,
  };
}
