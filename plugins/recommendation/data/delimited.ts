import { readTextFile } from '../../../core/io/read-text.js';
import { DataError } from '../../../core/errors.js';

/** A delimited text file read as strings, column-major, with the physical line of every record. */
export interface DelimitedTable {
  file: string;
  columns: string[];
  /** cells[c][r]: text of column c in record r ('' when the record is short). */
  cells: string[][];
  /** 1-based line number (in the file) where record r starts; the header is line 1. */
  lines: number[];
}

/**
 * Reads a CSV (RFC 4180 quoting, CRLF or LF, optional UTF-8 BOM) or tab-separated file whole and
 * parses it in one pass. Not arquero's loadCSV: its 8.0.3 streaming parser corrupts quoted fields at
 * chunk boundaries. Blank lines are skipped but still counted for line numbers.
 */
export async function readDelimited(file: string, delimiter: ',' | '\t'): Promise<DelimitedTable> {
  const text = await readTextFile(file, { kind: 'events file', path: 'the .csv or .inter file', content: 'one event per line' });
  return parseDelimited(text, file, delimiter);
}

/** Parses delimited text (see readDelimited); exported for tests and in-memory data. */
export function parseDelimited(text: string, file: string, delimiter: ',' | '\t'): DelimitedTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  const lines: number[] = [];
  const d = delimiter.charCodeAt(0);
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let done = false;
    while (!done) {
      if (i < n && text.charCodeAt(i) === 34 /* " */) {
        // Quoted field: "" is an escaped quote; newlines inside count as lines.
        i++;
        let closed = false;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 34) {
            if (text.charCodeAt(i + 1) === 34) {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === 10) line++;
          field += text[i];
          i++;
        }
        if (!closed) throw new DataError(`${file}: line ${startLine}: a quoted field is never closed (unbalanced ")`);
        // Text after the closing quote up to the delimiter is kept as is (lenient).
      }
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === d || c === 10 || c === 13) break;
        j++;
      }
      field += text.slice(i, j);
      i = j;
      fields.push(field);
      field = '';
      if (i >= n) {
        done = true;
      } else {
        const c = text.charCodeAt(i);
        if (c === d) {
          i++;
        } else {
          // End of record: \n, \r\n or a lone \r.
          if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
          i++;
          line++;
          done = true;
        }
      }
    }
    const blank = fields.length === 1 && fields[0]!.trim() === '';
    if (!blank) {
      records.push(fields);
      lines.push(startLine);
    }
  }
  if (records.length === 0) throw new DataError(`${file}: the file is empty; expected a header line followed by one event per line`);
  const header = records[0]!.map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new DataError(`${file}: column '${h}' appears more than once in the header; rename one`);
    seen.add(h);
  }
  const cells = header.map(() => new Array<string>(records.length - 1));
  for (let r = 1; r < records.length; r++) {
    const rec = records[r]!;
    for (let c = 0; c < header.length; c++) cells[c]![r - 1] = rec[c] ?? '';
  }
  return { file, columns: header, cells, lines: lines.slice(1) };
}

/** A one-line list of the columns found, cut after 20 so wide files stay readable. */
export function listColumns(columns: readonly string[]): string {
  const shown = columns.slice(0, 20).map((c) => `'${c}'`).join(', ');
  return columns.length > 20 ? `${shown} and ${columns.length - 20} more` : shown;
}

/** A cell's text for messages: quoted, cut to 40 characters. */
export function quote(text: string): string {
  const t = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return `'${t}'`;
}
