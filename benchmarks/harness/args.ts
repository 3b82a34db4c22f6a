/**
 * Command-line flags for benchmark scripts. Spec keys are the flag names as typed (`'report-only'`
 * is `--report-only`); the result is typed from the spec.
 *
 *   const args = parseArgs(process.argv.slice(2), {
 *     quick: { type: 'boolean', description: 'CI-size run' },
 *     seconds: { type: 'number', min: 0.1 },
 *     batch: { type: 'number', default: 64, integer: true, min: 1 },
 *     backends: { type: 'list', default: ['wasm', 'cpu'], choices: ['wasm', 'cpu'] },
 *   });
 *   args.quick   // boolean (false when absent)
 *   args.seconds // number | undefined
 *   args.batch   // number
 *   args.backends // string[]  (comma-separated and/or repeated flag)
 *   args._       // positionals
 *
 * Accepted forms: `--flag value`, `--flag=value`, `--flag` / `--no-flag` for booleans, `--` ends flags.
 * `--help`/`-h` prints the usage and exits 0; a bad flag prints the error and the usage and exits 2
 * (pass `{ exit: false }` to get an ArgsError thrown instead).
 */

export type FlagSpec =
  | { type: 'boolean'; default?: boolean; description?: string }
  | { type: 'string'; default?: string; description?: string; choices?: readonly string[] }
  | { type: 'number'; default?: number; description?: string; min?: number; max?: number; integer?: boolean }
  | { type: 'list'; default?: readonly string[]; description?: string; choices?: readonly string[] };

export type ArgsSpec = Record<string, FlagSpec>;

export type FlagValue<F extends FlagSpec> = F extends { type: 'boolean' }
  ? boolean
  : F extends { type: 'list' }
    ? string[]
    : F extends { type: 'number' }
      ? F extends { default: number }
        ? number
        : number | undefined
      : F extends { default: string }
        ? string
        : string | undefined;

export type ParsedArgs<S extends ArgsSpec> = { -readonly [K in keyof S]: FlagValue<S[K]> } & {
  /** Positional arguments (and everything after `--`). */
  _: string[];
};

export interface ParseOptions {
  /** First line of `--help` output, e.g. `npm run bench:throughput -- [flags]`. */
  usage?: string;
  /** Exit the process on `--help` (0) and on errors (2); default true. When false, both throw ArgsError. */
  exit?: boolean;
}

export class ArgsError extends Error {
  constructor(
    message: string,
    readonly help = false,
  ) {
    super(message);
    this.name = 'ArgsError';
  }
}

/** Parses `argv` (usually `process.argv.slice(2)`) against `spec`. */
export function parseArgs<const S extends ArgsSpec>(argv: readonly string[], spec: S, options: ParseOptions = {}): ParsedArgs<S> {
  try {
    return parseOrThrow(argv, spec);
  } catch (err) {
    if (!(err instanceof ArgsError) || options.exit === false) throw err;
    if (err.help) {
      process.stdout.write(formatUsage(spec, options.usage) + '\n');
      process.exit(0);
    }
    process.stderr.write(`${err.message}\n\n${formatUsage(spec, options.usage)}\n`);
    process.exit(2);
  }
}

function parseOrThrow<S extends ArgsSpec>(argv: readonly string[], spec: S): ParsedArgs<S> {
  const out: Record<string, unknown> = { _: [] as string[] };
  for (const [name, f] of Object.entries(spec)) {
    out[name] = f.type === 'boolean' ? (f.default ?? false) : f.type === 'list' ? [...(f.default ?? [])] : f.default;
  }
  const seenList = new Set<string>();
  const positionals = out._ as string[];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (token === '--help' || token === '-h') throw new ArgsError('help', true);
    if (!token.startsWith('--')) {
      positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    let name = eq >= 0 ? token.slice(2, eq) : token.slice(2);
    let inline: string | undefined = eq >= 0 ? token.slice(eq + 1) : undefined;
    let f = spec[name];
    if (!f && name.startsWith('no-') && spec[name.slice(3)]?.type === 'boolean' && inline === undefined) {
      name = name.slice(3);
      f = spec[name];
      inline = 'false';
    }
    if (!f) throw new ArgsError(`unknown flag --${name}${suggest(name, Object.keys(spec))}`);
    if (f.type === 'boolean') {
      if (inline === undefined) out[name] = true;
      else if (/^(true|1|yes)$/i.test(inline)) out[name] = true;
      else if (/^(false|0|no)$/i.test(inline)) out[name] = false;
      else throw new ArgsError(`--${name}: expected true or false, got "${inline}"`);
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new ArgsError(`--${name} needs a value`);
      raw = next;
      i++;
    }
    if (f.type === 'string') {
      if (f.choices && !f.choices.includes(raw)) throw new ArgsError(`--${name}: "${raw}" is not one of ${f.choices.join(', ')}`);
      out[name] = raw;
    } else if (f.type === 'number') {
      const x = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(x)) throw new ArgsError(`--${name}: expected a number, got "${raw}"`);
      if (f.integer && !Number.isInteger(x)) throw new ArgsError(`--${name}: expected an integer, got ${raw}`);
      if (f.min !== undefined && x < f.min) throw new ArgsError(`--${name}: must be ≥ ${f.min}, got ${raw}`);
      if (f.max !== undefined && x > f.max) throw new ArgsError(`--${name}: must be ≤ ${f.max}, got ${raw}`);
      out[name] = x;
    } else {
      // A list flag given on the command line replaces its default; repeating it appends.
      if (!seenList.has(name)) out[name] = [];
      seenList.add(name);
      const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
      for (const item of items) {
        if (f.choices && !f.choices.includes(item)) throw new ArgsError(`--${name}: "${item}" is not one of ${f.choices.join(', ')}`);
      }
      (out[name] as string[]).push(...items);
    }
  }
  return out as ParsedArgs<S>;
}

function suggest(name: string, known: string[]): string {
  const close = known.filter((k) => k.includes(name) || name.includes(k));
  return close.length ? ` (did you mean ${close.map((k) => `--${k}`).join(', ')}?)` : `; known: ${known.map((k) => `--${k}`).join(', ')}`;
}

/** The `--help` text for a spec. */
export function formatUsage(spec: ArgsSpec, usage?: string): string {
  const lines = Object.entries(spec).map(([name, f]) => {
    const value = f.type === 'boolean' ? '' : f.type === 'list' ? ' <a,b,…>' : f.type === 'number' ? ' <n>' : ' <s>';
    const extras: string[] = [];
    if ('choices' in f && f.choices) extras.push(`one of ${f.choices.join(', ')}`);
    if (f.default !== undefined && f.type !== 'boolean') extras.push(`default ${Array.isArray(f.default) ? f.default.join(',') : String(f.default)}`);
    const desc = [f.description, extras.length ? `(${extras.join('; ')})` : ''].filter(Boolean).join(' ');
    return [`--${name}${value}`, desc] as const;
  });
  const width = Math.max(0, ...lines.map(([l]) => l.length));
  return [usage ?? 'flags:', ...lines.map(([l, d]) => `  ${l.padEnd(width)}  ${d}`.trimEnd()), `  ${'--help'.padEnd(width)}  this text`].join('\n');
}
