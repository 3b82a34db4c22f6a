import { readFileSync } from 'node:fs';

/** The headstart package version, recorded in saved models. */
export const CORE_VERSION: string = (() => {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'headstart' && pkg.version) return pkg.version;
    } catch {
      // try the next location (source tree vs compiled dist/)
    }
  }
  return '0.0.0';
})();

/** Saved model folders carry this; a different major format cannot be read. */
export const MODEL_FORMAT_VERSION = 1;
