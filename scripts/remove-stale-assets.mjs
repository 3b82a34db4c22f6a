// Removes copies of shipped assets (pretrained weights, bundled datasets) that builds before this one
// placed under dist/: the code reads them from plugins/<name>/{weights,datasets} in the package, so a
// second, unchecked copy must not linger.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

if (existsSync(join('dist', 'plugins'))) {
  for (const plugin of readdirSync(join('dist', 'plugins'), { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const asset of ['weights', 'datasets']) rmSync(join('dist', 'plugins', plugin.name, asset), { recursive: true, force: true });
  }
}
