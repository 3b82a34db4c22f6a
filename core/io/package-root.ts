import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of the nearest package.json above a module (`import.meta.url`): the same folder whether
 * the module runs from its sources or compiled under dist/, so assets shipped with a package
 * (pretrained weights, bundled data) are read where they live, never from a build copy.
 */
export function packageRoot(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`);
    dir = up;
  }
}

/** A path inside the package of a module: `packagePath(import.meta.url, 'plugins', 'x', 'weights')`. */
export function packagePath(moduleUrl: string, ...parts: string[]): string {
  return join(packageRoot(moduleUrl), ...parts);
}
