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
    const info = await stat(file);
    if (info.isDirectory()) throw new DataError(`${file}: is a folder, not ${article(role.kind)} ${role.kind}; pass the path of ${role.path}`);
    if (info.size === 0) throw new DataError(`${file}: the file is empty; expected a header line followed by ${role.content}`);
    return decodeUtf8(await readFile(file), file);
  } catch (err) {
    if (err instanceof DataError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`${file}: file not found; check the path`, 'file-not-found');
    throw new DataError(`${file}: cannot read the file (${code ?? String(err)})`);
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/**
 * UTF-8 text of a file, refusing invalid bytes: decoded leniently they would become U+FFFD, and two
 * ids that differ only in those bytes would silently merge. The error names the first bad line.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
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
    throw new DataError(`${file}: line ${line} is not valid UTF-8; re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)`, 'bad-encoding');
  }
}
