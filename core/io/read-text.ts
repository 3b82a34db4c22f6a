import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { DataError } from '../errors.js';

/** How to describe the expected file in errors, e.g. { kind: 'CSV file', path: '.csv file', content: 'data rows' }. */
export interface TextFileRole {
  /** What the file should be ("CSV file", "events file"). */
  kind: string;
  /** What to pass instead of a folder ("the .csv file"). */
  path: string;
  /** What should follow the header ("data rows"). */
  content: string;
}

/**
 * Reads a whole data file as UTF-8, turning every way it can fail (missing, a folder, empty, unreadable)
 * into a one-line DataError naming the file and what to do.
 */
export async function readTextFile(file: string, role: TextFileRole): Promise<string> {
  try {
    await checkTextFile(file, role);
    return decodeUtf8(await readFile(file), file);
  } catch (err) {
    throw readError(file, err);
  }
}

/**
 * Reads a data file as UTF-8 text in pieces (about 1 MB each, split at line ends), with the same checks
 * and one-line errors as readTextFile, so a large file is never held whole: loaders parse each piece
 * as it comes. A leading byte-order mark is dropped. `onText` may throw to stop reading.
 */
export async function streamTextFile(file: string, role: TextFileRole, onText: (text: string) => void): Promise<void> {
  try {
    await checkTextFile(file, role);
  } catch (err) {
    throw readError(file, err);
  }
  // ignoreBOM keeps a U+FEFF that starts a later piece (text, not a mark); the file's own mark is dropped below.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  // An error thrown by onText is the loader's own (a bad cell): it passes through unchanged.
  let fromLoader: unknown;
  // Bytes after the last newline of the previous piece: pieces are decoded whole lines at a time, so a
  // character is never split between two decode calls and a bad byte is placed on its line exactly.
  let carry: Buffer | undefined;
  let linesBefore = 0;
  let first = true;
  const emit = (bytes: Buffer) => {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw invalidUtf8(file, linesBefore + firstInvalidLine(bytes));
    }
    for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) linesBefore++;
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    if (text === '') return;
    try {
      onText(text);
    } catch (err) {
      fromLoader = err;
      throw err;
    }
  };
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const bytes = carry ? Buffer.concat([carry, chunk]) : chunk;
      const end = bytes.lastIndexOf(0x0a);
      if (end < 0) {
        carry = bytes;
        continue;
      }
      carry = end + 1 < bytes.length ? bytes.subarray(end + 1) : undefined;
      emit(bytes.subarray(0, end + 1));
    }
    if (carry) emit(carry);
  } catch (err) {
    throw err === fromLoader ? err : readError(file, err);
  } finally {
    stream.destroy();
  }
}

async function checkTextFile(file: string, role: TextFileRole): Promise<void> {
  const info = await stat(file);
  if (info.isDirectory()) throw new DataError(`${file}: is a folder, not ${article(role.kind)} ${role.kind}; pass the path of ${role.path}`);
  if (info.size === 0) throw new DataError(`${file}: the file is empty; expected a header line followed by ${role.content}`);
}

/** Our own errors pass through; anything else reading the file becomes one line naming it. */
function readError(file: string, err: unknown): Error {
  if (err instanceof DataError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new DataError(`${file}: file not found; check the path`, 'file-not-found');
  return new DataError(`${file}: cannot read the file (${code ?? String(err)})`);
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function invalidUtf8(file: string, line: number): DataError {
  return new DataError(`${file}: line ${line} is not valid UTF-8; re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)`, 'bad-encoding');
}

/** The 1-based line (counting 0x0a bytes) of the first invalid UTF-8 sequence in `bytes`. */
function firstInvalidLine(bytes: Uint8Array): number {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        strict.decode(bytes.subarray(start, i));
      } catch {
        break;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}

/**
 * UTF-8 text of a file, refusing invalid bytes: decoded leniently they would become U+FFFD, and two
 * ids that differ only in those bytes would silently merge. The error names the first bad line.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidUtf8(file, firstInvalidLine(bytes));
  }
}
