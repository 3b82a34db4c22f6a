import { HeadstartError } from '../errors.js';

/** What a user can do about the file-system errors Node reports by code. */
const ADVICE: Record<string, { what: string; todo: string }> = {
  ENOSPC: { what: 'no space left on the device', todo: 'free some space or write elsewhere' },
  EDQUOT: { what: 'disk quota exceeded', todo: 'free some space or write elsewhere' },
  EACCES: { what: 'permission denied', todo: 'choose a path you can write to, or fix its permissions' },
  EPERM: { what: 'operation not permitted', todo: 'choose a path you can write to, or fix its permissions' },
  EROFS: { what: 'the file system is read-only', todo: 'write to a writable folder' },
  EISDIR: { what: 'a folder is there, a file was expected', todo: 'name a file, not a folder' },
  ENOTDIR: { what: 'a part of the path is a file, not a folder', todo: 'check the path' },
  EEXIST: { what: 'a file is in the way (a folder was to be made there)', todo: 'check the path' },
  ENOENT: { what: 'no such file or folder', todo: 'check the path' },
  EMFILE: { what: 'too many open files', todo: 'raise the open-file limit (ulimit -n)' },
  ENAMETOOLONG: { what: 'the path is too long', todo: 'use a shorter path' },
};

/**
 * A Node file-system error (err.code ENOSPC, EACCES, …) as a one-line HeadstartError naming the path
 * and what to do; anything else is returned unchanged (a bug keeps its stack).
 */
export function asSystemError(err: unknown): unknown {
  const e = err as NodeJS.ErrnoException & { dest?: string };
  const advice = e && typeof e.code === 'string' ? ADVICE[e.code] : undefined;
  if (!advice) return err;
  return new HeadstartError(`${e.path ?? e.dest ?? 'a file'}: ${advice.what}; ${advice.todo}`, `system-${e.code!.toLowerCase()}`);
}
