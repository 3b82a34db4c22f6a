import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { fromArrow } from 'arquero';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { DataError } from '../errors.js';

/** File names read as Arrow IPC (file or stream format) instead of delimited text. */
export const ARROW_EXTENSIONS = ['.arrow', '.feather', '.ipc', '.arrows'];
/** File names read as Parquet. */
export const PARQUET_EXTENSIONS = ['.parquet', '.pq'];

const endsWithAny = (file: string, exts: readonly string[]) => exts.some((e) => file.toLowerCase().endsWith(e));

/** Whether a file is read as a columnar format (Arrow or Parquet) rather than delimited text. */
export function isColumnarFile(file: string): boolean {
  return endsWithAny(file, ARROW_EXTENSIONS) || endsWithAny(file, PARQUET_EXTENSIONS);
}

/** One cell of an Arrow column as the text a CSV would hold (dates as ISO 8601, null as null). */
function cellText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

export interface ColumnarText {
  columns: string[];
  /** cells[c][r]: the text of column c in row r, null when missing. */
  cells: (string | null)[][];
  numRows: number;
}

/**
 * An Arrow IPC file (read by arquero's flechette decoder) or a Parquet file (read by hyparquet, pure
 * JavaScript), as columns of cell text: the loaders then convert and check every cell exactly as they
 * do a CSV's, with the same messages.
 */
export async function readColumnar(file: string): Promise<ColumnarText> {
  if (!existsSync(file)) throw new DataError(`${file}: file not found; check the path`, 'file-not-found');
  return endsWithAny(file, PARQUET_EXTENSIONS) ? readParquet(file) : readArrow(file);
}

async function readParquet(file: string): Promise<ColumnarText> {
  let rows: Record<string, unknown>[];
  let columns: string[];
  try {
    const bytes = await readFile(file);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const metadata = parquetMetadata(buffer);
    columns = parquetSchema(metadata).children.map((c) => c.element.name);
    rows = (await parquetReadObjects({ file: buffer, metadata })) as Record<string, unknown>[];
  } catch (err) {
    throw new DataError(`${file}: cannot be read as Parquet (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); write it with pyarrow or pandas, or pass a CSV`, 'bad-parquet');
  }
  return { columns, cells: columns.map((c) => rows.map((r) => cellText(r[c]))), numRows: rows.length };
}

async function readArrow(file: string): Promise<ColumnarText> {
  // arquero is loaded only for an Arrow file: the CSV and Parquet paths and most commands never need it.
  const { fromArrow: decode } = await import('arquero');
  let table: ReturnType<typeof fromArrow>;
  try {
    table = decode(new Uint8Array(await readFile(file)));
  } catch (err) {
    throw new DataError(`${file}: cannot be read as Arrow IPC (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); write it with an Arrow library (pyarrow.feather, apache-arrow) or pass a CSV`, 'bad-arrow');
  }
  const columns = table.columnNames();
  const cells = columns.map((c) => Array.from(table.array(c) as ArrayLike<unknown>, cellText));
  return { columns, cells, numRows: table.numRows() };
}
