/** Rows of a benchmark runs file without their timing fields, also inside nested values (checkpoint curves' seconds). */
import { readFileSync } from 'node:fs';

export function untimed(v: unknown, timings: ReadonlySet<string>): unknown {
  if (Array.isArray(v)) return v.map((x) => untimed(x, timings));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !timings.has(k)).map(([k, x]) => [k, untimed(x, timings)]));
  return v;
}

/** The runs file's rows without `timings`, in file order. */
export function untimedRows(path: string, timings: ReadonlySet<string>): Record<string, unknown>[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => untimed(JSON.parse(l), timings) as Record<string, unknown>);
}
