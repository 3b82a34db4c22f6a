import { Flags } from '@oclif/core';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { sha256 } from '../../core/io/sha256.js';
import { checkReplaceable } from '../../core/io/atomic.js';
import { UsageError } from '../../core/errors.js';

/** --force beside a command's --out folder. */
export const forceFlag = {
  force: Flags.boolean({ description: 'replace --out even when it holds files headstart did not write (never an input file)' }),
};

/**
 * Checks --out before any long work: never one of the command's input files (whatever --force
 * says), and never a file or a folder headstart did not write unless --force. Saving checks again.
 */
export function checkOutput(flags: Record<string, unknown> & { out: string; force?: boolean }): void {
  checkNotInput(flags, 'folder');
  checkReplaceable(flags.out, { force: flags.force });
}

/** An output file (a forecast or recommendations CSV) may replace an earlier output, never one of the command's inputs. */
export function checkNotInput(flags: Record<string, unknown> & { out: string }, what: 'file' | 'folder' = 'file'): void {
  const out = resolve(flags.out);
  for (const [name, value] of Object.entries(flags)) {
    if (name === 'out' || typeof value !== 'string' || !existsSync(value)) continue;
    if (resolve(value) === out) throw new UsageError(`--out ${flags.out} is the --${name} input; choose another output ${what}`, 'out-is-input');
  }
}

/** How a model folder names its training data: the file name and its sha256, never the trainer's path. */
export function sourceOf(file: string): string {
  return `${basename(file)} (sha256 ${sha256(readFileSync(file)).slice(0, 16)})`;
}
