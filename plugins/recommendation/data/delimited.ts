import { streamDelimited, tokenizeText } from '../../../core/io/delimited-stream.js';
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

const EVENTS_FILE = { kind: 'events file', path: 'the .csv or .inter file', content: 'one event per line' };

/** A record that is one empty (or whitespace) field: a blank line, skipped but still counted for line numbers. */
export function isBlankRecord(fields: readonly string[]): boolean {
  return fields.length === 1 && fields[0]!.trim() === '';
}

/** The header's names, trimmed; refuses a repeated name. */
export function headerNames(fields: readonly string[], file: string): string[] {
  const header = fields.map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new DataError(`${file}: column '${h}' appears more than once in the header; rename one`);
    seen.add(h);
  }
  return header;
}

/** The error for a file with no records at all. */
export function emptyFileError(file: string): DataError {
  return new DataError(`${file}: the file is empty; expected a header line followed by one event per line`);
}

/**
 * Reads a CSV (RFC 4180 quoting, CRLF or LF, optional UTF-8 BOM) or tab-separated file, streamed
 * (core/io/delimited-stream.ts), into a table of strings. Blank lines are skipped but still counted
 * for line numbers. Large events logs go through loadEvents, which keeps no strings per cell.
 */
export async function readDelimited(file: string, delimiter: ',' | '\t'): Promise<DelimitedTable> {
  const records: string[][] = [];
  const lines: number[] = [];
  await streamDelimited(file, EVENTS_FILE, delimiter, (fields, line) => {
    if (isBlankRecord(fields)) return;
    records.push(fields);
    lines.push(line);
  });
  return toTable(records, lines, file);
}

/** Parses delimited text (see readDelimited); exported for tests and in-memory data. */
export function parseDelimited(text: string, file: string, delimiter: ',' | '\t'): DelimitedTable {
  const records: string[][] = [];
  const lines: number[] = [];
  tokenizeText(text, file, delimiter, (fields, line) => {
    if (isBlankRecord(fields)) return;
    records.push(fields);
    lines.push(line);
  });
  return toTable(records, lines, file);
}

function toTable(records: string[][], lines: number[], file: string): DelimitedTable {
  if (records.length === 0) throw emptyFileError(file);
  const header = headerNames(records[0]!, file);
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

export { EVENTS_FILE };
