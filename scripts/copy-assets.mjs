// Copies shipped non-code assets (pretrained weights, bundled datasets) beside the compiled plugins,
// replacing what an earlier build left there so stale weights never outlive their source.
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

for (const plugin of readdirSync('plugins', { withFileTypes: true }).filter((d) => d.isDirectory())) {
  for (const asset of ['weights', 'datasets']) {
    const src = join('plugins', plugin.name, asset);
    const dest = join('dist', 'plugins', plugin.name, asset);
    rmSync(dest, { recursive: true, force: true });
    // Resume state of a pretraining run (<out>.resume/) is for continuing it, not for shipping.
    if (existsSync(src)) cpSync(src, dest, { recursive: true, filter: (path) => !path.endsWith('.resume') });
  }
}
