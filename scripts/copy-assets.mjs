// Copies shipped non-code assets (pretrained weights, bundled datasets) beside the compiled plugins.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

for (const plugin of readdirSync('plugins', { withFileTypes: true }).filter((d) => d.isDirectory())) {
  for (const asset of ['weights', 'datasets']) {
    const src = join('plugins', plugin.name, asset);
    if (existsSync(src)) cpSync(src, join('dist', 'plugins', plugin.name, asset), { recursive: true });
  }
}
