import { isColumnarFile, readColumnar } from '../../../core/io/columnar.js';
import { streamDelimited } from '../../../core/io/delimited-stream.js';
import { extname } from 'node:path';
import { DataError, HeadstartError } from '../../../core/errors.js';
import type { EventsDataset } from '../contracts.js';
import { EVENTS_FILE, emptyFileError, headerNames, isBlankRecord, type DelimitedTable } from './delimited.js';
import { DuplicateEvents, EventsBuilder } from './events-builder.js';
import type { EventsLoadOptions } from './events-options.js';

export type { EventsLoadOptions } from './events-options.js';

export { parseEventTime } from './events-builder.js';


/** Loads an events log (CSV `user_id,item_id[,timestamp][,event_type]` or a RecBole `.inter` file), ordered per user. */
export async function loadEvents(path: string, options: EventsLoadOptions = {}): Promise<EventsDataset> {
  const format = options.format && options.format !== 'auto' ? options.format : extname(path).toLowerCase() === '.inter' ? 'inter' : 'csv';
  if (isColumnarFile(path)) {
    const table = await columnarAsDelimited(path);
    if (format === 'inter') table.columns = table.columns.map(interName);
    return eventsFromTable(table, options);
  }
  return streamEvents(path, format === 'inter' ? '\t' : ',', format === 'inter', options);
}

/**
 * Streams a delimited events file into typed columns, never holding the text or a string per cell.
 * The first error a record raises is kept until the file has been read, so an unreadable byte or an
 * unclosed quote further on is still the one reported, as when the whole file was parsed first.
 */
async function streamEvents(file: string, delimiter: ',' | '\t', inter: boolean, options: EventsLoadOptions): Promise<EventsDataset> {
  let builder: EventsBuilder | undefined;
  let sawHeader = false;
  let deferred: HeadstartError | undefined;
  await streamDelimited(file, EVENTS_FILE, delimiter, (fields, line) => {
    if (deferred || isBlankRecord(fields)) return;
    try {
      if (!sawHeader) {
        sawHeader = true;
        let columns = headerNames(fields, file);
        if (inter) columns = columns.map(interName);
        builder = new EventsBuilder({ file, columns }, options);
        return;
      }
      builder!.add((c) => fields[c] ?? '', line);
    } catch (err) {
      if (!(err instanceof HeadstartError)) throw err;
      deferred = err;
    }
  });
  if (deferred) throw deferred;
  if (!builder) throw emptyFileError(file);
  try {
    return builder.finish();
  } catch (err) {
    if (!(err instanceof DuplicateEvents)) throw err;
    // Only numbers were kept: read the key's text as written back from its line (errors are rare).
    const b = builder;
    const keyLine = b.line(err.row);
    let text = '';
    await streamDelimited(file, EVENTS_FILE, delimiter, (fields, line) => {
      if (line === keyLine && !isBlankRecord(fields)) text = fields[b.keyColumn!] ?? '';
    });
    throw new DataError(b.duplicateMessage(err, text), 'duplicate-rows');
  }
}

/** An Arrow or Parquet file as the delimited-table shape the events checks read (row r reported as line r + 2). */
async function columnarAsDelimited(file: string): Promise<DelimitedTable> {
  const { columns, cells, numRows } = await readColumnar(file);
  return { file, columns, cells: cells.map((col) => col.map((v) => v ?? '')), lines: Array.from({ length: numRows }, (_, r) => r + 2) };
}

/** RecBole atomic headers are `name:type` (token, float, token_seq…); the name is what options refer to. */
function interName(header: string): string {
  const colon = header.lastIndexOf(':');
  return colon > 0 ? header.slice(0, colon) : header;
}

/** Builds the dataset from a parsed table; exported so tests and in-memory callers skip the file. */
export function eventsFromTable(t: DelimitedTable, options: EventsLoadOptions = {}): EventsDataset {
  const b = new EventsBuilder(t, options);
  for (let r = 0; r < t.lines.length; r++) b.add((c) => t.cells[c]![r]!, t.lines[r]!);
  try {
    return b.finish();
  } catch (err) {
    if (!(err instanceof DuplicateEvents)) throw err;
    // Kept events are the table's rows in order, less filtered ones: find the row by its line.
    const keyLine = b.line(err.row);
    const r = t.lines.indexOf(keyLine);
    throw new DataError(b.duplicateMessage(err, t.cells[b.keyColumn!]![r]!), 'duplicate-rows');
  }
}
