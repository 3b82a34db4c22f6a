import { UsageError } from '../errors.js';
import type { FileRef } from './file-ref.js';

/**
 * Small checks for job payloads, which arrive from Redis as untrusted JSON. Each throws a UsageError
 * naming the job kind and the field, so a malformed job fails once with a line that says why.
 */
export class PayloadReader {
  constructor(
    private readonly kind: string,
    private readonly value: unknown,
    /** Where a nested reader sits in the payload, for its messages (e.g. `cell.`). */
    private readonly prefix = '',
  ) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw this.bad('payload', 'an object');
  }

  private bad(field: string, want: string): UsageError {
    // A reader made for one list item names the item itself (`data[2]`), not its stand-in field.
    const where = this.prefix.endsWith(']') ? this.prefix : `${this.prefix}${field}`;
    return new UsageError(`${this.kind} job: ${where} must be ${want}; the job was not made by this headstart version's commands`, 'bad-job-payload');
  }

  private field(name: string): unknown {
    return (this.value as Record<string, unknown>)[name];
  }

  string(name: string): string {
    const v = this.field(name);
    if (typeof v !== 'string' || v.length === 0) throw this.bad(name, 'a non-empty string');
    return v;
  }

  int(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.field(name);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw this.bad(name, `an integer in [${min}, ${max}]`);
    return v;
  }

  /** A finite number in [min, max]. */
  number(name: string, min: number, max: number): number {
    const v = this.field(name);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw this.bad(name, `a number in [${min}, ${max}]`);
    return v;
  }

  oneOf<T extends string>(name: string, choices: readonly T[]): T {
    const v = this.field(name);
    if (typeof v !== 'string' || !choices.includes(v as T)) throw this.bad(name, `one of ${choices.join(', ')}`);
    return v as T;
  }

  /** Whether the payload sets `name` (optional fields are left out, not null). */
  has(name: string): boolean {
    return this.field(name) !== undefined;
  }

  /** A list of strings (possibly empty). */
  strings(name: string): string[] {
    const v = this.field(name);
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw this.bad(name, 'a list of strings');
    return v as string[];
  }

  optionalString(name: string): string | undefined {
    return this.field(name) === undefined ? undefined : this.string(name);
  }

  optionalInt(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    return this.field(name) === undefined ? undefined : this.int(name, min, max);
  }

  /** A nested object, read with the same checks; errors name it as `outer.field`. */
  nested(name: string): PayloadReader {
    return new PayloadReader(this.kind, this.object(name), `${this.prefix}${name}.`);
  }

  optionalBoolean(name: string): boolean | undefined {
    return this.field(name) === undefined ? undefined : this.boolean(name);
  }

  boolean(name: string): boolean {
    const v = this.field(name);
    if (typeof v !== 'boolean') throw this.bad(name, 'true or false');
    return v;
  }

  /** A plain JSON object, returned as it is: the job kind's own loader validates its contents. */
  object(name: string): Record<string, unknown> {
    const v = this.field(name);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw this.bad(name, 'an object');
    return v as Record<string, unknown>;
  }

  /** A non-empty list of file references. */
  fileRefs(name: string): FileRef[] {
    const v = this.field(name);
    if (!Array.isArray(v) || v.length === 0) throw this.bad(name, 'a non-empty list of {path, sha256}');
    return v.map((_, i) => new PayloadReader(this.kind, { ref: v[i] }, `${this.prefix}${name}[${i}]`).fileRef('ref'));
  }

  fileRef(name: string): FileRef {
    const v = this.field(name) as Partial<FileRef> | undefined;
    if (typeof v !== 'object' || v === null || typeof v.path !== 'string' || !v.path.startsWith('/') || typeof v.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(v.sha256)) {
      throw this.bad(name, '{path: an absolute path, sha256: 64 hex digits}');
    }
    return { path: v.path, sha256: v.sha256 };
  }

  optionalFileRef(name: string): FileRef | undefined {
    return this.field(name) === undefined ? undefined : this.fileRef(name);
  }
}
