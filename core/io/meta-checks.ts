import { ModelError } from '../errors.js';

/**
 * Range checks of a model folder's numeric settings, run before anything is allocated from them: a
 * hostile or corrupted manifest must fail with a one-line error, not grow memory until the kernel
 * kills the process.
 */
export class MetaChecks {
  constructor(private readonly where: string) {}

  /** A whole number in [min, max]. */
  int(name: string, value: unknown, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) this.fail(`${name} is ${JSON.stringify(value)}, expected a whole number in [${min}, ${max}]`);
    return value as number;
  }

  /** Exactly the value the installed component has. */
  equal(name: string, value: unknown, expected: number | string): void {
    if (value !== expected) this.fail(`${name} is ${JSON.stringify(value)}, but the installed backbone has ${expected}`);
  }

  /** Numbers in (0, 1), ascending, at most `max` of them. */
  levels(name: string, value: unknown, max = 99): void {
    if (!Array.isArray(value) || value.length > max || value.some((v, i) => typeof v !== 'number' || !(v > 0 && v < 1) || (i > 0 && v <= value[i - 1]))) this.fail(`${name} must be at most ${max} ascending numbers in (0, 1)`);
  }

  /** Exactly `length` finite numbers, each in [min, max]. */
  numbers(name: string, value: unknown, length: number, min: number, max: number): void {
    if (!Array.isArray(value) || value.length !== length || value.some((v) => typeof v !== 'number' || !(v >= min && v <= max))) this.fail(`${name} must be ${length} numbers in [${min}, ${max}]`);
  }

  /** An estimate of bytes a setting implies, refused above `limit`. */
  memory(what: string, bytes: number, limit = 4 * 1024 ** 3): void {
    if (!(bytes <= limit)) this.fail(`${what} would need about ${(bytes / 1024 ** 3).toFixed(1)} GB (limit ${(limit / 1024 ** 3).toFixed(0)} GB)`);
  }

  private fail(message: string): never {
    throw new ModelError(`${this.where}: ${message}; the folder is corrupted or was not written by headstart — re-run the command that wrote it`, 'model-out-of-range');
  }
}
