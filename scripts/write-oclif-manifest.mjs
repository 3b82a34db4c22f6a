// Writes oclif.manifest.json after every build, as `oclif manifest` does: with it, oclif finds the
// commands and their flags from one JSON file at start-up instead of importing every command module
// (and everything they import: tfjs, both plugins) before running any one of them. Written here
// rather than with the `oclif` package's CLI, which would be a large dev dependency for one file.
// Regenerated on each build, so it never describes commands that are no longer there.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Plugin } from '@oclif/core';

const root = process.cwd();
const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true });
await plugin.load();
const file = join(root, 'oclif.manifest.json');
const commands = Object.keys(plugin.manifest.commands ?? {});
if (commands.length === 0) throw new Error(`${file}: oclif found no commands under ${plugin.pjson.oclif?.commands}; run tsc first`);
writeFileSync(`${file}.tmp`, `${JSON.stringify(plugin.manifest, null, 2)}\n`);
renameSync(`${file}.tmp`, file);
