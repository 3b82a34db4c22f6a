/**
 * Compact columns for loading large delimited files: a cell costs 4 bytes (a code) instead of a
 * JavaScript string, plus 8 bytes when it is a number. Text is interned (an id or a timestamp repeats
 * on many rows), and a cell holding a number written the way JavaScript writes it (`123.45`, `7`,
 * `1e-7`) is kept as that number, which gives back its exact text; every other cell keeps its exact
 * text in the dictionary. Storage grows in fixed-size chunks, so growing never copies a whole column.
 */

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/** A growable typed array stored in chunks of 65,536 elements. */
class Chunked<A extends Int32Array | Float64Array> {
  private readonly chunks: A[] = [];
  constructor(private readonly make: (n: number) => A) {}

  set(i: number, v: number): void {
    const k = i >>> CHUNK_BITS;
    while (this.chunks.length <= k) this.chunks.push(this.make(CHUNK));
    this.chunks[k]![i & MASK] = v;
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & MASK]!;
  }
}

/** A growable Int32 array (e.g. line numbers, codes). */
export class Int32Column {
  private readonly data = new Chunked((n) => new Int32Array(n));
  length = 0;
  push(v: number): void {
    this.data.set(this.length++, v);
  }
  get(i: number): number {
    return this.data.get(i);
  }
}

/** Code of an empty cell (or one a short row does not reach). */
export const NULL_CODE = -2;
/** Code of a cell held as a number. */
export const NUMBER_CODE = -1;

/**
 * A copy of `s` that does not keep a larger string alive: V8 makes substrings of 13 or more characters
 * views into their parent, and an interned id sliced from a 1 MB piece of the file would keep the
 * whole piece in memory. Concatenating and slicing flattens it into its own small string.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** Interns strings to dense codes 0, 1, 2… in order of first appearance. */
export class Interner {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  code(s: string): number {
    let c = this.index.get(s);
    if (c === undefined) {
      c = this.values.length;
      s = detach(s);
      this.index.set(s, c);
      this.values.push(s);
    }
    return c;
  }
  get size(): number {
    return this.values.length;
  }
}

/** One column of cell text, compact (see the file comment); `text(i)` gives back the exact cell, null when empty. */
export class TextColumn {
  private readonly codes = new Chunked((n) => new Int32Array(n));
  private numbers: Chunked<Float64Array> | undefined;
  readonly dictionary = new Interner();
  length = 0;

  push(text: string | null | undefined): void {
    const i = this.length++;
    if (text == null || text === '') {
      this.codes.set(i, NULL_CODE);
      return;
    }
    const c0 = text.charCodeAt(0);
    // Digits, '-' or '.': try the number shortcut; it applies only when the number prints back as the text.
    if ((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 46) {
      const x = Number(text);
      if (Number.isFinite(x) && String(x) === text) {
        (this.numbers ??= new Chunked((n) => new Float64Array(n))).set(i, x);
        this.codes.set(i, NUMBER_CODE);
        return;
      }
    }
    this.codes.set(i, this.dictionary.code(text));
  }

  /** NULL_CODE, NUMBER_CODE, or an index into `dictionary.values`. */
  code(i: number): number {
    return this.codes.get(i);
  }

  /** The number of a NUMBER_CODE cell. */
  number(i: number): number {
    return this.numbers!.get(i);
  }

  text(i: number): string | null {
    const c = this.codes.get(i);
    if (c >= 0) return this.dictionary.values[c]!;
    return c === NUMBER_CODE ? String(this.numbers!.get(i)) : null;
  }
}

/** A growable Float64 array (e.g. parsed timestamps). */
export class Float64Column {
  private readonly data = new Chunked((n) => new Float64Array(n));
  length = 0;
  push(v: number): void {
    this.data.set(this.length++, v);
  }
  get(i: number): number {
    return this.data.get(i);
  }
}
